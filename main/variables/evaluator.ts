/**
 * Octostache-compatible evaluation (Octostache 3.9.3, the version Calamari pins): substitution with
 * nested (recursive) values, indexers, JSON navigation, conditionals, repetition, calc and filters.
 * Unresolved tokens are echoed the way 3.9.3 prints them and reported; self-referencing values are
 * reported as VARIABLE_CYCLE instead of looping. Every evaluation runs under an EvaluationBudget (output
 * size, nesting depth, work), so a hostile drop ends in a coded error, never a hang or INTERNAL.
 */
import type { ErrorShape } from '../../common/errors';
import { evaluateConnectionTemplate } from './connection-template';
import { formatDotNetDouble, parseDotNetDouble } from './dotnet-double';
import { EvaluationBudget, type EvaluationLimits } from './evaluation-budget';
import { FilterProblem, findFilter, isPredicateFilter, OutputLimitError } from './filters';
import { jsonItems, jsonMember } from './lenient-json';
import { NameTree, pathKey, type NameNode, type PathStep } from './name-tree';
import type { CalcExpr, Condition, ConditionOperand, SymbolExpr, TemplateNode, TemplateSyntaxProblem, ValueExpr } from './template-ast';
import { calcText, conditionalText, valueExprText } from './template-text';
import { isPlainText, parseTemplate } from './template-parser';
import { VariableDictionary } from './variable-dictionary';

export interface EvaluateOptions {
  /** Clock for NowDate/NowDateUtc (tests pin it). */
  now?: () => Date;
  /** Maximum nesting of variable expansion (the same as limits.maxDepth; kept for existing callers). */
  maxDepth?: number;
  /** Budgets for this evaluation; DEFAULT_EVALUATION_LIMITS for what is not given. */
  limits?: Partial<EvaluationLimits>;
  /** What is evaluated, for budget messages (`setting connection of step s1`); default "the template". */
  subject?: string;
  /**
   * Names (any case) of variables whose value is a connection string: a `Keyword=#{…}` value of
   * theirs is evaluated pair by pair and quoted, so a referenced password holding ';' stays whole.
   */
  connectionStrings?: ReadonlySet<string>;
}

export interface EvaluationResult {
  text: string;
  /** Tokens left in the text (as 3.9.3 prints them: `#{Foo}`, `#{Foo | ToBazooka "6"}`), in order of first appearance. */
  unresolved: string[];
  /** Variable names that were referenced but are not defined. */
  missing: string[];
  /** Syntax problems, unknown filters, bad filter arguments, cycles. Never contain a secret value. */
  errors: ErrorShape[];
  /**
   * Texts a filter produced from a sensitive value (`#{Password | ToBase64}`, `| ToUpper`, `| Prepend x`):
   * the Redactor must mask them too, since they no longer contain the secret as written.
   */
  derivedSecrets?: string[];
}

export interface ResolvedVariable {
  name: string;
  value: string;
  sensitive: boolean;
  unresolved: string[];
  missing: string[];
  errors: ErrorShape[];
  derivedSecrets?: string[];
}

export type VariableSource = VariableDictionary | Record<string, string | null>;

/** Evaluates a template against the variables. Throws a coded AppError when a budget is exceeded. */
export function evaluate(template: string, vars: VariableSource, options: EvaluateOptions = {}): EvaluationResult {
  const ev = new Evaluator(toDictionary(vars), options, options.subject ?? 'the template');
  return guarded(ev, () => {
    const text = ev.evaluateTemplate(template, null, undefined);
    ev.budget.produced(text.length);
    return ev.result(text);
  });
}

/**
 * Turns the engine's own limits into the budget's codes: a stack exhausted by thousands of nested
 * blocks is TEMPLATE_TOO_DEEP, a string past V8's maximum length TEMPLATE_VALUE_TOO_LARGE.
 */
function guarded<T>(ev: Evaluator, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    if (/call stack/i.test(e.message)) throw ev.budget.tooDeep();
    throw ev.budget.tooLarge(Infinity);
  }
}

/** Evaluates one variable's value (its raw value treated as a template); undefined when it is not defined. */
export function evaluateVariable(name: string, vars: VariableSource, options: EvaluateOptions = {}): ResolvedVariable | undefined {
  const dict = toDictionary(vars);
  const entry = dict.getEntry(name);
  if (!entry) return undefined;
  const ev = new Evaluator(dict, options, options.subject ?? `variable "${entry.name}"`);
  const value = guarded(ev, () => ev.expandVariable(entry.name, null));
  const r = ev.result(typeof value === 'string' ? value : (entry.value ?? ''));
  return { name: entry.name, value: r.text, sensitive: entry.sensitive, unresolved: r.unresolved, missing: r.missing, errors: r.errors, derivedSecrets: r.derivedSecrets ?? [] };
}

/** Evaluates every variable; keyed by the variable's display name, in dictionary order. */
export function resolveAll(vars: VariableSource, options: EvaluateOptions = {}): Map<string, ResolvedVariable> {
  const dict = toDictionary(vars);
  const out = new Map<string, ResolvedVariable>();
  for (const name of dict.names()) out.set(name, evaluateVariable(name, dict, options)!);
  return out;
}

function toDictionary(vars: VariableSource): VariableDictionary {
  return vars instanceof VariableDictionary ? vars : new VariableDictionary(vars);
}

const trees = new WeakMap<VariableDictionary, { version: number; tree: NameTree }>();

function treeFor(vars: VariableDictionary): NameTree {
  const cached = trees.get(vars);
  if (cached && cached.version === vars.version) return cached.tree;
  const tree = new NameTree(vars);
  trees.set(vars, { version: vars.version, tree });
  return tree;
}

/**
 * What an `#{each}` variable is bound to: a node of the name tree (`Octopus.Action[A]`), or a text item
 * (a JSON array element, a comma-separated part; a JSON object entry has Key and Value children).
 */
type Binding = { kind: 'node'; node: NameNode; key: string } | { kind: 'text'; value: string; children?: Map<string, string> };

interface Frame {
  variable: string;
  binding: Binding;
  specials: Map<string, string>;
  parent: Frame | null;
}

const CYCLE = Symbol('cycle');
// Bounds on what one evaluation hands the Redactor: longer forms still contain masked pieces of
// shorter ones (each filter step is learned), and a drop cannot grow the mask pattern without limit.
const MAX_DERIVED_CHARS = 64 * 1024;
const MAX_DERIVED_FORMS = 1000;
type Lookup = string | undefined | typeof CYCLE;

class Evaluator {
  private readonly tree: NameTree;
  private readonly unresolved = new Set<string>();
  private readonly missing = new Set<string>();
  private readonly errors = new Map<string, ErrorShape>();
  private readonly derived = new Set<string>();
  private readonly stack: string[] = [];
  private readonly now: () => Date;
  private readonly connectionStrings: ReadonlySet<string>;
  readonly budget: EvaluationBudget;
  /** Counts expansions of sensitive variables, so a filter knows its input came from a secret. */
  private sensitiveExpansions = 0;

  constructor(
    private readonly vars: VariableDictionary,
    options: EvaluateOptions,
    subject: string,
  ) {
    this.tree = treeFor(vars);
    this.now = options.now ?? (() => new Date());
    this.budget = new EvaluationBudget({ ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}), ...(options.limits ?? {}) }, subject);
    this.connectionStrings = new Set([...(options.connectionStrings ?? [])].map((n) => n.toLowerCase()));
  }

  result(text: string): EvaluationResult {
    return { text, unresolved: [...this.unresolved], missing: [...this.missing], errors: [...this.errors.values()], derivedSecrets: [...this.derived] };
  }

  evaluateTemplate(template: string, scope: Frame | null, ofVariable: string | undefined): string {
    if (isPlainText(template)) return template;
    const parsed = parseTemplate(template, (chars) => this.budget.chargeChars(chars));
    for (const p of parsed.problems) this.syntaxError(p, ofVariable);
    return this.nodes(parsed.nodes, scope);
  }

  /** Expands a defined variable's raw value; CYCLE when it (indirectly) refers to itself. */
  expandVariable(name: string, scope: Frame | null): Lookup {
    const raw = this.vars.getRaw(name) ?? '';
    this.budget.charge(1);
    if (this.vars.isSensitive(name) && raw !== '') this.sensitiveExpansions++;
    if (isPlainText(raw)) return raw;
    const key = name.toLowerCase();
    const at = this.stack.indexOf(key);
    if (at !== -1) {
      const display = (k: string) => this.vars.getEntry(k)?.name ?? k;
      const cycle = [...this.stack.slice(at), key].map(display);
      this.addError({
        code: 'VARIABLE_CYCLE',
        message: `Variable "${display(key)}" refers to itself: ${cycle.join(' → ')}`,
        hint: 'Change one of these values so that the chain of #{…} references ends in a plain value.',
        details: { cycle },
      });
      return CYCLE;
    }
    this.budget.enter(this.vars.getEntry(name)?.name ?? name);
    this.stack.push(key);
    try {
      let text: string;
      if (this.connectionStrings.has(key)) {
        // References, errors and cycles are still collected by this evaluator; only the text is re-quoted.
        text = evaluateConnectionTemplate(raw, (t) => ({ text: this.evaluateTemplate(t, scope, name), unresolved: [], missing: [], errors: [] })).text;
      } else text = this.evaluateTemplate(raw, scope, name);
      this.budget.produced(text.length);
      return text;
    } finally {
      this.stack.pop();
      this.budget.leave();
    }
  }

  private nodes(nodes: TemplateNode[], scope: Frame | null): string {
    let out = '';
    const max = this.budget.limits.maxValueChars;
    for (const node of nodes) {
      this.budget.charge(1);
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'sub':
          out += this.substitution(node.expr, scope);
          break;
        case 'calc':
          out += this.calcToken(node.expr, scope);
          break;
        case 'if':
          out += this.conditional(node, scope);
          break;
        case 'each': {
          const items = this.collection(node.collection, scope);
          for (let index = 0; index < items.length; index++) {
            const specials = new Map([
              ['octopus.template.each.index', String(index)],
              ['octopus.template.each.first', index === 0 ? 'True' : 'False'],
              ['octopus.template.each.last', index === items.length - 1 ? 'True' : 'False'],
            ]);
            out += this.nodes(node.body, { variable: node.variable.toLowerCase(), binding: items[index]!, specials, parent: scope });
            if (out.length > max) throw this.budget.tooLarge(out.length);
          }
          break;
        }
      }
      if (out.length > max) throw this.budget.tooLarge(out.length);
    }
    return out;
  }

  private conditional(node: Extract<TemplateNode, { kind: 'if' }>, scope: Frame | null): string {
    let chosen: TemplateNode[] | undefined = node.elseBody;
    for (let b = 0; b < node.branches.length; b++) {
      const branch = node.branches[b]!;
      const holds = this.condition(branch.condition, scope);
      if (holds === undefined) {
        // 3.9.3: a filter chain in a condition that gives no value echoes the whole block.
        const text = conditionalText(node);
        this.unresolved.add(text);
        return text;
      }
      if (b === 0 && node.negate ? !holds : holds) {
        chosen = branch.body;
        break;
      }
    }
    return chosen ? this.nodes(chosen, scope) : '';
  }

  private substitution(expr: ValueExpr, scope: Frame | null): string {
    const value = this.valueExpr(expr, scope, true);
    if (value !== undefined) return value;
    const text = `#{${valueExprText(expr)}}`;
    this.unresolved.add(text);
    return text;
  }

  /**
   * Resolves a symbol and applies its filters as 3.9.3 does: a missing symbol hands null to the first
   * filter (so `#{Missing | Append x}` is "x"); undefined when the chain ends without a value.
   */
  private valueExpr(expr: ValueExpr, scope: Frame | null, report: boolean): string | undefined {
    const before = this.sensitiveExpansions;
    let value: string | null = null;
    if (expr.symbol) {
      const found = this.symbol(expr.symbol, scope);
      if (found === CYCLE) return undefined;
      if (found === undefined) {
        if (report || expr.filters.length > 0) this.missing.add(expr.symbol.raw.trim());
        if (expr.filters.length === 0) return undefined;
      } else value = found;
    }
    for (const call of expr.filters) {
      const fn = findFilter(call.name);
      const token = `#{${valueExprText(expr)}}`;
      if (!fn) {
        this.addError({ code: 'TEMPLATE_UNKNOWN_FILTER', message: `Unknown filter "${call.name}" in ${token}`, hint: 'Check the filter name; Drop Runner supports the Octostache 3.9.3 built-in filters (see docs/operations.md).', details: { token, filter: call.name } });
        return undefined;
      }
      const args = call.args.map((a) => (a.kind === 'text' ? a.value : this.nodes(a.nodes, scope)));
      this.budget.chargeChars((value?.length ?? 0) + args.reduce((n, a) => n + a.length, 0));
      let next: string | null;
      try {
        next = fn(value, args, { now: this.now, maxChars: this.budget.limits.maxValueChars, charge: (units) => this.budget.charge(units) });
      } catch (e) {
        if (e instanceof OutputLimitError) throw this.budget.tooLarge(e.length);
        if (e instanceof FilterProblem) {
          this.addError({ code: e.code, message: `${e.message} in ${token}`, hint: e.hint, details: { token, filter: call.name } });
          return undefined;
        }
        // A string or array past the engine's own limits: the value was too large to build.
        if (e instanceof RangeError) throw this.budget.tooLarge(Infinity);
        throw e;
      }
      if (next === null) {
        if (value !== null || expr.symbol === null) {
          this.addError({ code: 'TEMPLATE_FILTER_ARGUMENTS', message: `Filter "${call.name}" cannot be applied in ${token} (missing or invalid arguments, or no input value)`, hint: 'Check the filter arguments against the Octostache filter documentation.', details: { token, filter: call.name } });
        }
        return undefined;
      }
      this.budget.ensureFits(next.length);
      // A secret transformed by a filter is still a secret: the Redactor learns the form produced.
      if (this.sensitiveExpansions !== before && !isPredicateFilter(call.name) && next.length >= 4 && next.length <= MAX_DERIVED_CHARS && this.derived.size < MAX_DERIVED_FORMS) this.derived.add(next);
      value = next;
    }
    return value ?? undefined;
  }

  /** True/false; undefined when a filter chain in it has no value (3.9.3 then echoes the block). */
  private condition(cond: Condition, scope: Frame | null): boolean | undefined {
    const left = this.operand(cond.left, scope);
    if (left === undefined) return undefined;
    if (!cond.op) return isTruthy(left);
    const right = this.operand(cond.right!, scope);
    if (right === undefined) return undefined;
    return cond.op === '==' ? left === right : left !== right;
  }

  private operand(op: ConditionOperand, scope: Frame | null): string | undefined {
    if (op.kind === 'string') return op.value;
    const value = this.valueExpr(op.expr, scope, false);
    // A plain symbol that is missing is "" (3.9.3's Resolve); a filter chain without a value is not.
    if (value === undefined && op.expr.filters.length === 0) return '';
    return value;
  }

  private calcToken(expr: CalcExpr, scope: Frame | null): string {
    const value = this.calc(expr, scope);
    if (value === undefined) {
      const text = `#{${calcText(expr)}}`;
      this.unresolved.add(text);
      return text;
    }
    return formatDotNetDouble(value);
  }

  private calc(expr: CalcExpr, scope: Frame | null): number | undefined {
    this.budget.charge(1);
    switch (expr.kind) {
      case 'num':
        return expr.value;
      case 'neg': {
        const v = this.calc(expr.operand, scope);
        return v === undefined ? undefined : -v;
      }
      case 'sym': {
        const v = this.symbol(expr.symbol, scope);
        if (v === undefined) this.missing.add(expr.symbol.raw.trim());
        if (typeof v !== 'string') return undefined;
        return parseDotNetDouble(v);
      }
      case 'bin': {
        const l = this.calc(expr.left, scope);
        if (l === undefined) return undefined;
        const r = this.calc(expr.right, scope);
        if (r === undefined) return undefined;
        if (expr.op === '+') return l + r;
        if (expr.op === '-') return l - r;
        if (expr.op === '*') return l * r;
        return l / r;
      }
    }
  }

  private steps(sym: SymbolExpr, scope: Frame | null): PathStep[] {
    return sym.steps.map((s) => (s.kind === 'id' ? { kind: 'id', name: s.name } : { kind: 'index', key: this.nodes(s.nodes, scope) }));
  }

  private symbol(sym: SymbolExpr, scope: Frame | null): Lookup {
    this.budget.charge(1);
    const steps = this.steps(sym, scope);
    const key = pathKey(steps);
    for (let f = scope; f; f = f.parent) {
      const special = f.specials.get(key);
      if (special !== undefined) return special;
    }
    const first = steps[0];
    if (first?.kind === 'id') {
      const name = first.name.toLowerCase();
      for (let f = scope; f; f = f.parent) {
        if (f.variable !== name) continue;
        const found = this.fromBinding(f.binding, steps.slice(1), scope);
        if (found !== undefined) return found;
      }
    }
    return this.fromNode(this.tree.root, steps, scope);
  }

  private fromBinding(binding: Binding, rest: PathStep[], scope: Frame | null): Lookup {
    if (binding.kind === 'text') {
      if (rest.length === 0) return binding.value;
      const head = rest[0]!;
      const child = head.kind === 'id' ? binding.children?.get(head.name.toLowerCase()) : undefined;
      if (child !== undefined) return rest.length === 1 ? child : this.jsonPath(child, rest.slice(1));
      return this.jsonPath(binding.value, rest);
    }
    const { node, key } = binding;
    if (rest.length === 0) return node.variable !== undefined ? this.expandVariable(node.variable, scope) : key;
    // 3.9.3 gives an indexed child no `.Key`: a member it lacks is read from its value as JSON.
    return this.fromNode(node, rest, scope);
  }

  /**
   * Walks the name tree step by step as 3.9.3's WalkTo does: a step with a child in the tree goes
   * there; the first step without one reads the value reached so far as JSON for the remaining steps.
   */
  private fromNode(base: NameNode, steps: PathStep[], scope: Frame | null): Lookup {
    let node = base;
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k]!;
      let next: NameNode | undefined;
      if (step.kind === 'index' && step.key === '*') {
        const found = this.tree.walk(steps.slice(k), node);
        if (found) return found.variable !== undefined ? this.expandVariable(found.variable, scope) : undefined;
        next = undefined;
      } else next = (step.kind === 'id' ? node.children : node.indexes).get((step.kind === 'id' ? step.name : step.key).toLowerCase());
      if (next) {
        node = next;
        continue;
      }
      if (node.variable === undefined) return undefined;
      const text = this.expandVariable(node.variable, scope);
      if (typeof text !== 'string') return undefined;
      return this.jsonPath(text, steps.slice(k));
    }
    return node.variable !== undefined ? this.expandVariable(node.variable, scope) : undefined;
  }

  private jsonPath(text: string, steps: PathStep[]): string | undefined {
    let cur: string | undefined = text;
    for (const step of steps) {
      this.budget.chargeChars(cur.length);
      cur = jsonMember(cur, step.kind === 'id' ? step.name : step.key);
      if (cur === undefined) return undefined;
    }
    return cur;
  }

  private collection(sym: SymbolExpr, scope: Frame | null): Binding[] {
    const steps = this.steps(sym, scope);
    let node: NameNode | undefined;
    const first = steps[0];
    let viaScope: Binding | undefined;
    if (first?.kind === 'id') {
      for (let f = scope; f; f = f.parent) {
        if (f.variable === first.name.toLowerCase()) {
          viaScope = f.binding;
          break;
        }
      }
    }
    if (viaScope?.kind === 'node') node = this.tree.walk(steps.slice(1), viaScope.node);
    else if (!viaScope) node = this.tree.walk(steps);
    if (node && node.indexes.size > 0) return [...node.indexes.values()].map((n) => ({ kind: 'node', node: n, key: n.label }));
    // 3.9.3 (ResolveAll): a null value has no items; an empty text is one empty item (split on ',').
    if (node?.variable !== undefined && this.vars.getRaw(node.variable) === null) return [];
    const value = viaScope ? this.fromBinding(viaScope, steps.slice(1), scope) : this.symbol(sym, scope);
    if (typeof value !== 'string') return [];
    this.budget.chargeChars(value.length);
    const items = jsonItems(value);
    if (items) {
      return items.map((item) =>
        item.key !== undefined
          ? { kind: 'text', value: item.text, children: new Map([['key', item.key], ['value', item.value ?? '']]) }
          : { kind: 'text', value: item.text },
      );
    }
    return value.split(',').map((v) => ({ kind: 'text', value: v }));
  }

  private syntaxError(p: TemplateSyntaxProblem, ofVariable: string | undefined): void {
    const sensitive = ofVariable !== undefined && this.vars.isSensitive(ofVariable);
    const where = ofVariable ? ` in the value of "${ofVariable}"` : '';
    // A sensitive value's text is never quoted back, even partially.
    const snippet = sensitive ? '' : `: ${p.raw}`;
    this.addError({
      code: 'TEMPLATE_SYNTAX',
      message: `Template syntax problem${where} at offset ${p.offset} (${p.message})${snippet}`,
      hint: 'The text was kept as written. Fix the #{…} expression, or write ##{ for a literal #{.',
      details: { offset: p.offset, ...(ofVariable ? { variable: ofVariable } : {}) },
    });
  }

  private addError(e: ErrorShape): void {
    const key = `${e.code}:${e.message}`;
    if (!this.errors.has(key)) this.errors.set(key, e);
  }
}

/**
 * 3.9.3's TemplateEvaluator.IsTruthy: false for exactly "" and "0", and for "no" and "false" in any case
 * with surrounding whitespace ignored. "  " and " 0" are true. A missing value is "" (false).
 */
export function isTruthy(value: string | undefined): boolean {
  if (value === undefined) return false;
  const t = value.trim().toLowerCase();
  return value !== '0' && value !== '' && t !== 'no' && t !== 'false';
}

/** Kept for existing callers: the same rule as isTruthy. */
export function truthy(value: string | undefined): boolean {
  return isTruthy(value);
}

