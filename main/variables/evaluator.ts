/**
 * Octostache-compatible evaluation: substitution with nested (recursive) values, indexers, JSON
 * navigation, conditionals, repetition, calc and filters. Unresolved tokens are echoed exactly as
 * written and reported; self-referencing values are reported as VARIABLE_CYCLE instead of looping.
 */
import type { ErrorShape } from '../../common/errors';
import { evaluateConnectionTemplate } from './connection-template';
import { findFilter } from './filters';
import { NameTree, pathKey, type NameNode, type PathStep } from './name-tree';
import type { CalcExpr, Condition, ConditionOperand, SymbolExpr, TemplateNode, TemplateSyntaxProblem, ValueExpr } from './template-ast';
import { isPlainText, parseTemplate } from './template-parser';
import { VariableDictionary } from './variable-dictionary';

export interface EvaluateOptions {
  /** Clock for NowDate/NowDateUtc (tests pin it). */
  now?: () => Date;
  /** Maximum nesting of variable expansion before giving up (a guard; real cycles are detected exactly). */
  maxDepth?: number;
  /**
   * Names (any case) of variables whose value is a connection string: a `Keyword=#{…}` value of
   * theirs is evaluated pair by pair and quoted, so a referenced password holding ';' stays whole.
   */
  connectionStrings?: ReadonlySet<string>;
}

export interface EvaluationResult {
  text: string;
  /** Tokens left in the text as written (`#{Foo}`, `#{Foo | ToBazooka}`), in order of first appearance. */
  unresolved: string[];
  /** Variable names that were referenced but are not defined. */
  missing: string[];
  /** Syntax problems, unknown filters, bad filter arguments, cycles. Never contain a secret value. */
  errors: ErrorShape[];
}

export interface ResolvedVariable {
  name: string;
  value: string;
  sensitive: boolean;
  unresolved: string[];
  missing: string[];
  errors: ErrorShape[];
}

export type VariableSource = VariableDictionary | Record<string, string | null>;

/** Evaluates a template against the variables. */
export function evaluate(template: string, vars: VariableSource, options: EvaluateOptions = {}): EvaluationResult {
  const ev = new Evaluator(toDictionary(vars), options);
  const text = ev.evaluateTemplate(template, null, undefined);
  return ev.result(text);
}

/** Evaluates one variable's value (its raw value treated as a template); undefined when it is not defined. */
export function evaluateVariable(name: string, vars: VariableSource, options: EvaluateOptions = {}): ResolvedVariable | undefined {
  const dict = toDictionary(vars);
  const entry = dict.getEntry(name);
  if (!entry) return undefined;
  const ev = new Evaluator(dict, options);
  const value = ev.expandVariable(entry.name, null);
  const r = ev.result(typeof value === 'string' ? value : (entry.value ?? ''));
  return { name: entry.name, value: r.text, sensitive: entry.sensitive, unresolved: r.unresolved, missing: r.missing, errors: r.errors };
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

type Binding = { kind: 'node'; node: NameNode; key: string } | { kind: 'json'; value: unknown; key?: string } | { kind: 'text'; value: string };

interface Frame {
  variable: string;
  binding: Binding;
  specials: Map<string, string>;
  parent: Frame | null;
}

const CYCLE = Symbol('cycle');
type Lookup = string | undefined | typeof CYCLE;

class Evaluator {
  private readonly tree: NameTree;
  private readonly unresolved = new Set<string>();
  private readonly missing = new Set<string>();
  private readonly errors = new Map<string, ErrorShape>();
  private readonly stack: string[] = [];
  private readonly now: () => Date;
  private readonly maxDepth: number;
  private readonly connectionStrings: ReadonlySet<string>;

  constructor(
    private readonly vars: VariableDictionary,
    options: EvaluateOptions,
  ) {
    this.tree = treeFor(vars);
    this.now = options.now ?? (() => new Date());
    this.maxDepth = options.maxDepth ?? 64;
    this.connectionStrings = new Set([...(options.connectionStrings ?? [])].map((n) => n.toLowerCase()));
  }

  result(text: string): EvaluationResult {
    return { text, unresolved: [...this.unresolved], missing: [...this.missing], errors: [...this.errors.values()] };
  }

  evaluateTemplate(template: string, scope: Frame | null, ofVariable: string | undefined): string {
    if (isPlainText(template)) return template;
    const parsed = parseTemplate(template);
    for (const p of parsed.problems) this.syntaxError(p, ofVariable);
    return this.nodes(parsed.nodes, scope);
  }

  /** Expands a defined variable's raw value; CYCLE when it (indirectly) refers to itself. */
  expandVariable(name: string, scope: Frame | null): Lookup {
    const raw = this.vars.getRaw(name) ?? '';
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
    if (this.stack.length >= this.maxDepth) {
      this.addError({
        code: 'VARIABLE_TOO_DEEP',
        message: `Variable "${name}" nests more than ${this.maxDepth} levels of #{…} references`,
        hint: 'Simplify the chain of variables that refer to each other.',
        details: { variable: name },
      });
      return CYCLE;
    }
    this.stack.push(key);
    try {
      if (this.connectionStrings.has(key)) {
        // References, errors and cycles are still collected by this evaluator; only the text is re-quoted.
        return evaluateConnectionTemplate(raw, (text) => ({ text: this.evaluateTemplate(text, scope, name), unresolved: [], missing: [], errors: [] })).text;
      }
      return this.evaluateTemplate(raw, scope, name);
    } finally {
      this.stack.pop();
    }
  }

  private nodes(nodes: TemplateNode[], scope: Frame | null): string {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'sub':
          out += this.substitution(node.expr, node.raw, scope);
          break;
        case 'calc':
          out += this.calcToken(node.expr, node.raw, scope);
          break;
        case 'if': {
          let chosen: TemplateNode[] | undefined = node.elseBody;
          for (let b = 0; b < node.branches.length; b++) {
            const branch = node.branches[b]!;
            const holds = this.condition(branch.condition, scope);
            if (b === 0 && node.negate ? !holds : holds) {
              chosen = branch.body;
              break;
            }
          }
          if (chosen) out += this.nodes(chosen, scope);
          break;
        }
        case 'each': {
          const items = this.collection(node.collection, scope);
          items.forEach((binding, index) => {
            const specials = new Map([
              ['octopus.template.each.index', String(index)],
              ['octopus.template.each.first', index === 0 ? 'True' : 'False'],
              ['octopus.template.each.last', index === items.length - 1 ? 'True' : 'False'],
            ]);
            out += this.nodes(node.body, { variable: node.variable.toLowerCase(), binding, specials, parent: scope });
          });
          break;
        }
      }
    }
    return out;
  }

  private substitution(expr: ValueExpr, raw: string, scope: Frame | null): string {
    const value = this.valueExpr(expr, raw, scope, true);
    return value === undefined ? raw : value;
  }

  /** Resolves a symbol and applies its filters; undefined (and the token reported) when it cannot. */
  private valueExpr(expr: ValueExpr, raw: string, scope: Frame | null, report: boolean): string | undefined {
    let value: string | null = null;
    if (expr.symbol) {
      const found = this.symbol(expr.symbol, scope);
      if (found === CYCLE || found === undefined) {
        if (report) {
          this.unresolved.add(raw);
          if (found === undefined) this.missing.add(expr.symbol.raw.trim());
        }
        return undefined;
      }
      value = found;
    }
    for (const call of expr.filters) {
      const fn = findFilter(call.name);
      if (!fn) {
        if (report) {
          this.unresolved.add(raw);
          this.addError({ code: 'TEMPLATE_UNKNOWN_FILTER', message: `Unknown filter "${call.name}" in ${raw}`, hint: 'Check the filter name; Drop Runner supports the Octostache built-in filters (see docs).', details: { token: raw, filter: call.name } });
        }
        return undefined;
      }
      const args = call.args.map((a) => (a.kind === 'text' ? a.value : this.nodes(a.nodes, scope)));
      const next = fn(value, args, { now: this.now });
      if (next === null) {
        if (report) {
          this.unresolved.add(raw);
          this.addError({ code: 'TEMPLATE_FILTER_ARGUMENTS', message: `Filter "${call.name}" cannot be applied in ${raw} (missing or invalid arguments, or no input value)`, hint: 'Check the filter arguments against the Octostache filter documentation.', details: { token: raw, filter: call.name } });
        }
        return undefined;
      }
      value = next;
    }
    return value ?? '';
  }

  private condition(cond: Condition, scope: Frame | null): boolean {
    const left = this.operand(cond.left, scope);
    if (!cond.op) return truthy(left);
    const right = this.operand(cond.right!, scope);
    const same = (left ?? '') === (right ?? '');
    return cond.op === '==' ? same : !same;
  }

  private operand(op: ConditionOperand, scope: Frame | null): string | undefined {
    if (op.kind === 'string') return op.value;
    // Conditions commonly test optional flags, so a missing variable is simply false, not an error.
    return this.valueExpr(op.expr, '', scope, false);
  }

  private calcToken(expr: CalcExpr, raw: string, scope: Frame | null): string {
    const value = this.calc(expr, scope);
    if (value === undefined || !Number.isFinite(value)) {
      this.unresolved.add(raw);
      return raw;
    }
    return String(Math.round(value * 1e12) / 1e12);
  }

  private calc(expr: CalcExpr, scope: Frame | null): number | undefined {
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
        if (typeof v !== 'string' || v.trim() === '' || Number.isNaN(Number(v))) return undefined;
        return Number(v);
      }
      case 'bin': {
        const l = this.calc(expr.left, scope);
        const r = this.calc(expr.right, scope);
        if (l === undefined || r === undefined) return undefined;
        if (expr.op === '+') return l + r;
        if (expr.op === '-') return l - r;
        if (expr.op === '*') return l * r;
        return r === 0 ? undefined : l / r;
      }
    }
  }

  private steps(sym: SymbolExpr, scope: Frame | null): PathStep[] {
    return sym.steps.map((s) => (s.kind === 'id' ? { kind: 'id', name: s.name } : { kind: 'index', key: this.nodes(s.nodes, scope) }));
  }

  private symbol(sym: SymbolExpr, scope: Frame | null): Lookup {
    const steps = this.steps(sym, scope);
    const key = pathKey(steps);
    for (let f = scope; f; f = f.parent) {
      const special = f.specials.get(key);
      if (special !== undefined) return special;
    }
    const first = steps[0];
    if (first?.kind === 'id') {
      const name = first.name.toLowerCase();
      for (let f = scope; f; f = f.parent) if (f.variable === name) return this.fromBinding(f.binding, steps.slice(1), scope);
    }
    return this.fromNode(this.tree.root, steps, scope, false);
  }

  private fromBinding(binding: Binding, rest: PathStep[], scope: Frame | null): Lookup {
    if (binding.kind === 'text') return rest.length === 0 ? binding.value : undefined;
    if (binding.kind === 'json') {
      if (rest.length === 0) return binding.key ?? jsonText(binding.value);
      return jsonText(navigateJson(binding.value, rest));
    }
    const { node, key } = binding;
    if (rest.length === 0) return node.variable !== undefined ? this.expandVariable(node.variable, scope) : key;
    const found = this.fromNode(node, rest, scope, true);
    if (found !== undefined) return found;
    // The iteration key is available as `.Key` unless a real variable of that name exists.
    if (rest.length === 1 && rest[0]!.kind === 'id' && rest[0]!.name.toLowerCase() === 'key') return key;
    return undefined;
  }

  /** Walks the name tree; falls back to JSON navigation inside the deepest value on the path. */
  private fromNode(base: NameNode, steps: PathStep[], scope: Frame | null, baseHasValue: boolean): Lookup {
    const node = this.tree.walk(steps, base);
    if (node?.variable !== undefined) return this.expandVariable(node.variable, scope);
    for (let k = steps.length - 1; k >= (baseHasValue ? 0 : 1); k--) {
      const prefix = k === 0 ? base : this.tree.walk(steps.slice(0, k), base);
      if (prefix?.variable === undefined) continue;
      const text = this.expandVariable(prefix.variable, scope);
      if (typeof text !== 'string') return text;
      const json = parseJsonContainer(text);
      if (json === undefined) continue;
      const found = navigateJson(json, steps.slice(k));
      if (found !== undefined) return jsonText(found);
    }
    return undefined;
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
    const value = viaScope ? this.fromBinding(viaScope, steps.slice(1), scope) : this.symbol(sym, scope);
    if (typeof value !== 'string' || value === '') return [];
    const json = parseJsonContainer(value);
    if (Array.isArray(json)) return json.map((v) => ({ kind: 'json', value: v }));
    if (json && typeof json === 'object') return Object.entries(json).map(([k, v]) => ({ kind: 'json', value: { Key: k, Value: v }, key: k }));
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

/** Octostache truthiness: undefined, empty, "0", "no" and "false" (trimmed, any case) are false. */
export function truthy(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return !(v === '' || v === '0' || v === 'no' || v === 'false');
}

function parseJsonContainer(text: string): unknown {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

function navigateJson(value: unknown, steps: PathStep[]): unknown {
  let cur: unknown = value;
  for (const step of steps) {
    const key = step.kind === 'id' ? step.name : step.key;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(key)) return undefined;
      cur = cur[Number(key)];
    } else if (cur && typeof cur === 'object') {
      const obj = cur as Record<string, unknown>;
      if (Object.hasOwn(obj, key)) cur = obj[key];
      else {
        const match = Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
        if (match === undefined) return undefined;
        cur = obj[match];
      }
    } else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function jsonText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
