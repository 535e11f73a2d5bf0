/**
 * The parsed form of an Octostache template. Every node that came from a `#{…}` keeps its raw text,
 * because an unresolved token must be echoed back exactly as written.
 */

/** One step of a symbol path: `Octopus` `.Action` `[Step A]`. Indexers may themselves contain #{…}. */
export type SymbolStep = { kind: 'id'; name: string } | { kind: 'index'; nodes: TemplateNode[]; raw: string };

export interface SymbolExpr {
  steps: SymbolStep[];
  raw: string;
}

/** A filter argument: a bare word or "quoted" string, or a nested #{…} evaluated first. */
export type FilterArg = { kind: 'text'; value: string } | { kind: 'template'; nodes: TemplateNode[] };

export interface FilterCall {
  name: string;
  args: FilterArg[];
}

/** `Symbol | Filter a b | Filter2`; `symbol` is null for a chain that starts empty (`#{ | NowDate}`). */
export interface ValueExpr {
  symbol: SymbolExpr | null;
  filters: FilterCall[];
}

export type ConditionOperand = { kind: 'expr'; expr: ValueExpr } | { kind: 'string'; value: string };

export interface Condition {
  left: ConditionOperand;
  op?: '==' | '!=';
  right?: ConditionOperand;
}

export type CalcExpr =
  | { kind: 'num'; value: number }
  | { kind: 'sym'; symbol: SymbolExpr }
  | { kind: 'neg'; operand: CalcExpr }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/'; left: CalcExpr; right: CalcExpr };

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'sub'; expr: ValueExpr; raw: string }
  | {
      kind: 'if';
      /** `unless` is an `if` whose first condition is negated; it has no elseif branches. */
      negate: boolean;
      branches: Array<{ condition: Condition; body: TemplateNode[] }>;
      elseBody?: TemplateNode[];
    }
  | { kind: 'each'; variable: string; collection: SymbolExpr; body: TemplateNode[] }
  | { kind: 'calc'; expr: CalcExpr; raw: string };

/** A problem found while parsing; the offending text is kept literally in the output. */
export interface TemplateSyntaxProblem {
  message: string;
  offset: number;
  raw: string;
}
