/**
 * Which variables a template needs that are not defined, found by reading the template rather than
 * evaluating it: no filter runs, no text is built, each referenced value is read once. Opening an
 * Octopus drop uses this to decide what the tenant must supply, so a hostile value (a self-doubling
 * chain, a slow pattern) costs nothing until a plan or a deployment really evaluates it.
 */
import { EvaluationBudget, type EvaluationLimits } from './evaluation-budget';
import { NameTree, type NameNode, type PathStep } from './name-tree';
import type { CalcExpr, SymbolExpr, TemplateNode, ValueExpr } from './template-ast';
import { isPlainText, parseTemplate } from './template-parser';
import type { VariableDictionary } from './variable-dictionary';

const EACH_SPECIALS = /^octopus\.template\.each\.(index|first|last)$/i;

/**
 * Names referenced by the template (directly or through the values it refers to) that no variable
 * defines, as written in the first reference. A name whose leading part is a defined variable counts
 * as defined (it may be JSON member access); a name with a computed indexer (`A[#{B}]`) is not judged,
 * only the names inside the indexer are. Both branches of a condition are read.
 */
export function missingReferences(template: string, vars: VariableDictionary, limits?: Partial<EvaluationLimits>): string[] {
  const scan = new ReferenceScan(vars, new EvaluationBudget(limits, 'the template'));
  scan.template(template, new Set());
  return [...scan.missing];
}

class ReferenceScan {
  readonly missing = new Set<string>();
  private readonly visited = new Set<string>();
  private readonly tree: NameTree;

  constructor(
    private readonly vars: VariableDictionary,
    private readonly budget: EvaluationBudget,
  ) {
    this.tree = new NameTree(vars);
  }

  template(text: string, locals: Set<string>): void {
    if (isPlainText(text)) return;
    this.nodes(parseTemplate(text, (chars) => this.budget.chargeChars(chars)).nodes, locals);
  }

  private nodes(nodes: TemplateNode[], locals: Set<string>): void {
    for (const node of nodes) {
      this.budget.charge(1);
      switch (node.kind) {
        case 'text':
          break;
        case 'sub':
          this.valueExpr(node.expr, locals);
          break;
        case 'calc':
          this.calc(node.expr, locals);
          break;
        case 'if':
          for (const b of node.branches) {
            for (const op of [b.condition.left, b.condition.right]) if (op?.kind === 'expr') this.valueExpr(op.expr, locals);
            this.nodes(b.body, locals);
          }
          if (node.elseBody) this.nodes(node.elseBody, locals);
          break;
        case 'each':
          this.symbol(node.collection, locals);
          this.nodes(node.body, new Set([...locals, node.variable.toLowerCase()]));
          break;
      }
    }
  }

  private calc(expr: CalcExpr, locals: Set<string>): void {
    if (expr.kind === 'sym') this.symbol(expr.symbol, locals);
    else if (expr.kind === 'neg') this.calc(expr.operand, locals);
    else if (expr.kind === 'bin') {
      this.calc(expr.left, locals);
      this.calc(expr.right, locals);
    }
  }

  private valueExpr(expr: ValueExpr, locals: Set<string>): void {
    if (expr.symbol) this.symbol(expr.symbol, locals);
    for (const call of expr.filters) for (const a of call.args) if (a.kind === 'template') this.nodes(a.nodes, locals);
  }

  private symbol(sym: SymbolExpr, locals: Set<string>): void {
    const first = sym.steps[0];
    if (first?.kind === 'id' && locals.has(first.name.toLowerCase())) return;
    let computed = false;
    const steps: PathStep[] = [];
    for (const s of sym.steps) {
      if (s.kind === 'id') steps.push({ kind: 'id', name: s.name });
      else if (s.nodes.every((n) => n.kind === 'text')) steps.push({ kind: 'index', key: s.raw });
      else {
        computed = true;
        this.nodes(s.nodes, locals);
      }
    }
    if (computed) return;
    if (EACH_SPECIALS.test(sym.raw.trim())) return;
    const node = this.tree.walk(steps);
    if (node) {
      this.follow(node);
      return;
    }
    for (let k = steps.length - 1; k >= 1; k--) {
      const prefix = this.tree.walk(steps.slice(0, k));
      if (prefix?.variable !== undefined) {
        this.follow(prefix);
        return;
      }
    }
    this.missing.add(sym.raw.trim());
  }

  private follow(node: NameNode): void {
    const name = node.variable;
    if (name === undefined) return;
    const key = name.toLowerCase();
    if (this.visited.has(key)) return;
    this.visited.add(key);
    this.template(this.vars.getRaw(name) ?? '', new Set());
  }
}
