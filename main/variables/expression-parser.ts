/**
 * Parses the inside of one `#{…}` token: a symbol with filters, a conditional or repetition tag, or a
 * calc expression. Returns 'invalid' (never throws) so the caller can echo the token literally, which is
 * what Octostache does for text such as minified JavaScript that merely contains `#{`.
 */
import type { CalcExpr, Condition, ConditionOperand, FilterArg, FilterCall, SymbolExpr, SymbolStep, TemplateNode, ValueExpr } from './template-ast';

export type InnerToken =
  | { kind: 'sub'; expr: ValueExpr }
  | { kind: 'if'; condition: Condition }
  | { kind: 'unless'; condition: Condition }
  | { kind: 'elseif'; condition: Condition }
  | { kind: 'else' }
  | { kind: 'endif' }
  | { kind: 'endunless' }
  | { kind: 'each'; variable: string; collection: SymbolExpr }
  | { kind: 'endeach' }
  | { kind: 'calc'; expr: CalcExpr }
  | { kind: 'invalid'; message: string; silent?: boolean };

/** Parses nested template text (indexers and filter arguments may hold #{…}). */
export type NestedParser = (text: string) => TemplateNode[];

class ExprError extends Error {}

// Octostache identifier characters: letters, digits, whitespace and _ - : / ~ ( ) @.
const IDENTIFIER = /^[\p{L}\p{N}_\-:/~()@\s]+$/u;
const KEYWORD = /^(if|unless|elseif|each|calc)\s+([\s\S]*)$/;
const NUMBER = /\d+(\.\d+)?/y;

/** Classifies and parses the text between `#{` and `}`. */
export function parseInner(inner: string, nested: NestedParser): InnerToken {
  const text = inner.trim();
  if (text === '') return { kind: 'invalid', message: 'empty token', silent: true };
  try {
    const lower = text.toLowerCase();
    if (lower === 'else') return { kind: 'else' };
    if (lower === '/if') return { kind: 'endif' };
    if (lower === '/unless') return { kind: 'endunless' };
    if (lower === '/each') return { kind: 'endeach' };
    const keyword = KEYWORD.exec(text);
    if (keyword) {
      const word = keyword[1]!.toLowerCase();
      const rest = keyword[2]!.trim();
      if (word === 'if') return { kind: 'if', condition: parseCondition(rest, nested) };
      if (word === 'unless') return { kind: 'unless', condition: parseCondition(rest, nested) };
      if (word === 'elseif') return { kind: 'elseif', condition: parseCondition(rest, nested) };
      if (word === 'calc') return { kind: 'calc', expr: parseCalc(rest, nested) };
      const each = /^(\S+)\s+in\s+([\s\S]+)$/.exec(rest);
      if (!each) throw new ExprError('expected "each <name> in <collection>"');
      const variable = each[1]!;
      if (!IDENTIFIER.test(variable) || /\s/.test(variable)) throw new ExprError(`"${variable}" is not a valid iteration variable name`);
      return { kind: 'each', variable, collection: parseSymbol(each[2]!.trim(), nested) };
    }
    return { kind: 'sub', expr: parseValueExpr(text, nested) };
  } catch (e) {
    if (e instanceof ExprError) return { kind: 'invalid', message: e.message };
    // Thousands of nested brackets or tokens exhaust the stack: the token is not a usable expression.
    if (e instanceof RangeError) return { kind: 'invalid', message: 'nested too deeply' };
    throw e;
  }
}

/** Finds the index of the `}` that closes a `#{` or `{` opened just before `start`; -1 when unclosed. */
export function findClosingBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end === -1) return -1;
      i = end;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Splits on `sep` where it is outside quotes, [indexers] and nested #{…}. */
function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end === -1) throw new ExprError('unterminated quoted string');
      i = end;
    } else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** `Symbol | Filter args | …` — the symbol part may be empty. */
export function parseValueExpr(text: string, nested: NestedParser): ValueExpr {
  const segments = splitTopLevel(text, '|');
  const head = segments[0]!.trim();
  if (head === '' && segments.length === 1) throw new ExprError('empty expression');
  const symbol = head === '' ? null : parseSymbol(head, nested);
  const filters = segments.slice(1).map((s) => parseFilter(s.trim(), nested));
  return { symbol, filters };
}

/** Parses `Octopus.Action[Step A].Output.X` into steps; indexers may contain #{…}. */
export function parseSymbol(text: string, nested: NestedParser): SymbolExpr {
  const steps: SymbolStep[] = [];
  let i = 0;
  const n = text.length;
  if (n === 0) throw new ExprError('empty symbol');
  while (i < n) {
    if (text[i] === '[') {
      const end = findClosingBracket(text, i + 1);
      if (end === -1) throw new ExprError(`unclosed indexer in "${text}"`);
      const raw = text.slice(i + 1, end);
      steps.push({ kind: 'index', raw, nodes: raw.includes('#{') ? nested(raw) : [{ kind: 'text', text: raw }] });
      i = end + 1;
      if (i < n && text[i] === '.') {
        i++;
        if (i >= n) throw new ExprError(`symbol "${text}" ends with "."`);
      } else if (i < n && text[i] !== '[') throw new ExprError(`unexpected "${text[i]}" after indexer in "${text}"`);
      continue;
    }
    let j = i;
    while (j < n && text[j] !== '.' && text[j] !== '[') j++;
    const name = text.slice(i, j).trim();
    if (name === '' || !IDENTIFIER.test(name)) throw new ExprError(`"${text}" is not a variable name`);
    steps.push({ kind: 'id', name });
    i = j;
    if (i < n && text[i] === '.') {
      i++;
      if (i >= n) throw new ExprError(`symbol "${text}" ends with "."`);
    }
  }
  return { steps, raw: text };
}

function findClosingBracket(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text.startsWith('#{', i)) {
      const end = findClosingBrace(text, i + 2);
      if (end === -1) return -1;
      i = end;
    } else if (text[i] === '[') depth++;
    else if (text[i] === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function parseFilter(text: string, nested: NestedParser): FilterCall {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)([\s\S]*)$/.exec(text);
  if (!m) throw new ExprError(`"${text}" is not a filter`);
  const rest = m[2]!;
  if (rest !== '' && !/^\s/.test(rest)) throw new ExprError(`"${text}" is not a filter`);
  return { name: m[1]!, args: parseFilterArgs(rest, nested) };
}

/** Bare words, "quoted" or \"quoted\" strings, and nested #{…} (each its own argument). */
function parseFilterArgs(text: string, nested: NestedParser): FilterArg[] {
  const args: FilterArg[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    if (text.startsWith('\\"', i) || text[i] === '"') {
      const delim = text[i] === '"' ? '"' : '\\"';
      const end = text.indexOf(delim, i + delim.length);
      if (end === -1) throw new ExprError('unterminated quoted argument');
      args.push({ kind: 'text', value: text.slice(i + delim.length, end) });
      i = end + delim.length;
    } else if (text.startsWith('#{', i)) {
      const end = findClosingBrace(text, i + 2);
      if (end === -1) throw new ExprError('unclosed #{ in filter argument');
      args.push({ kind: 'template', nodes: nested(text.slice(i, end + 1)) });
      i = end + 1;
    } else {
      let j = i;
      while (j < n && !/\s/.test(text[j]!) && !text.startsWith('#{', j)) j++;
      args.push({ kind: 'text', value: text.slice(i, j) });
      i = j;
    }
  }
  return args;
}

function parseCondition(text: string, nested: NestedParser): Condition {
  if (text === '') throw new ExprError('missing condition');
  for (const op of ['==', '!='] as const) {
    const parts = splitTopLevel(text, op);
    if (parts.length === 2) return { left: parseOperand(parts[0]!, nested), op, right: parseOperand(parts[1]!, nested) };
    if (parts.length > 2) throw new ExprError(`more than one "${op}" in condition`);
  }
  return { left: parseOperand(text, nested) };
}

function parseOperand(text: string, nested: NestedParser): ConditionOperand {
  const t = text.trim();
  const quoted = /^"([^"]*)"$/.exec(t) ?? /^\\"([\s\S]*?)\\"$/.exec(t);
  if (quoted) return { kind: 'string', value: quoted[1]! };
  return { kind: 'expr', expr: parseValueExpr(t, nested) };
}

/** `#{calc 1 + {Name-With-Dash} * (Other / 2)}` — decimal arithmetic over variables. */
function parseCalc(text: string, nested: NestedParser): CalcExpr {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const primary = (): CalcExpr => {
    skip();
    const c = text[i];
    if (c === undefined) throw new ExprError('incomplete calc expression');
    if (c === '(') {
      i++;
      const e = sum();
      skip();
      if (text[i] !== ')') throw new ExprError('missing ")" in calc expression');
      i++;
      return e;
    }
    if (c === '-') {
      i++;
      return { kind: 'neg', operand: primary() };
    }
    if (c === '{') {
      const end = findClosingBrace(text, i + 1);
      if (end === -1) throw new ExprError('unclosed "{" in calc expression');
      const symbol = parseSymbol(text.slice(i + 1, end).trim(), nested);
      i = end + 1;
      return { kind: 'sym', symbol };
    }
    NUMBER.lastIndex = i;
    const num = NUMBER.exec(text);
    if (num) {
      i += num[0].length;
      return { kind: 'num', value: Number(num[0]) };
    }
    // 3.9.3's identifier characters include whitespace, '-', '/', '(' and ')': `B-2` and `A - B` are
    // names, not subtractions (write {B}-2); whitespace at the end belongs to no name.
    let j = i;
    while (j < text.length && /[\p{L}\p{N}\s_.:~@\-/()[\]]/u.test(text[j]!)) {
      if (text[j] === '[') {
        const end = findClosingBracket(text, j + 1);
        if (end === -1) throw new ExprError('unclosed indexer in calc expression');
        j = end;
      }
      j++;
    }
    while (j > i && /\s/.test(text[j - 1]!)) j--;
    if (j === i) throw new ExprError(`unexpected "${c}" in calc expression`);
    const symbol = parseSymbol(text.slice(i, j), nested);
    i = j;
    return { kind: 'sym', symbol };
  };
  const product = (): CalcExpr => {
    let left = primary();
    for (;;) {
      skip();
      const op = text[i];
      if (op !== '*' && op !== '/') return left;
      i++;
      left = { kind: 'bin', op, left, right: primary() };
    }
  };
  const sum = (): CalcExpr => {
    let left = product();
    for (;;) {
      skip();
      const op = text[i];
      if (op !== '+' && op !== '-') return left;
      i++;
      left = { kind: 'bin', op, left, right: product() };
    }
  };
  const expr = sum();
  skip();
  if (i !== text.length) throw new ExprError(`unexpected "${text[i]}" in calc expression`);
  return expr;
}
