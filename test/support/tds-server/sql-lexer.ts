/** One lexical token of T-SQL text. */
export interface SqlToken {
  kind: 'word' | 'ident' | 'string' | 'number' | 'variable' | 'binary' | 'punct';
  /** Source text of the token. */
  text: string;
  /** Identifier without brackets/quotes, string without quotes (doubled quotes collapsed), word upper-cased. */
  value: string;
  /** Offset of the token in the source. */
  pos: number;
}

/**
 * A small T-SQL lexer: words, [bracketed] and "quoted" identifiers, 'strings' and N'strings'
 * (with doubled quotes), numbers, @variables, 0x binary literals and punctuation; whitespace,
 * `--` comments and nested block comments are skipped. It is only as smart as the double needs:
 * finding transaction statements and the journal-table statement shapes.
 */
const WORD_REST = /[A-Za-z0-9_@#$\u0080-\uffff]*/y;
const NUMBER_REST = /[0-9.eE]*/y;
const HEX_REST = /[0-9a-fA-F]*/y;

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0xfeff || code === 0x2028 || code === 0x2029;
}

function isWordStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 64 || code === 35 || code >= 0x80;
}

/** Advances a sticky regex from `at` and returns the index after its match. */
function scan(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  re.exec(text);
  return re.lastIndex;
}

export function lexSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    const code = text.charCodeAt(i);
    if (isSpace(code)) {
      i++;
      continue;
    }
    if (code === 45 && text.charCodeAt(i + 1) === 45) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
        } else i++;
      }
      continue;
    }
    const start = i;
    if (ch === "'" || ((ch === 'N' || ch === 'n') && text[i + 1] === "'")) {
      i += ch === "'" ? 1 : 2;
      const parts: string[] = [];
      for (;;) {
        const q = text.indexOf("'", i);
        if (q < 0) {
          parts.push(text.slice(i));
          i = n;
          break;
        }
        parts.push(text.slice(i, q));
        if (text[q + 1] === "'") {
          parts.push("'");
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      tokens.push({ kind: 'string', text: text.slice(start, i), value: parts.join(''), pos: start });
      continue;
    }
    if (ch === '[' || ch === '"') {
      const close = ch === '[' ? ']' : '"';
      i++;
      let value = '';
      while (i < n) {
        if (text[i] === close) {
          if (text[i + 1] === close) {
            value += close;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'ident', text: text.slice(start, i), value, pos: start });
      continue;
    }
    if (ch === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
      i = scan(HEX_REST, text, i + 2);
      tokens.push({ kind: 'binary', text: text.slice(start, i), value: text.slice(start + 2, i), pos: start });
      continue;
    }
    const next = text.charCodeAt(i + 1);
    if ((code >= 48 && code <= 57) || (ch === '.' && next >= 48 && next <= 57)) {
      i = scan(NUMBER_REST, text, i + 1);
      tokens.push({ kind: 'number', text: text.slice(start, i), value: text.slice(start, i), pos: start });
      continue;
    }
    if (isWordStart(code)) {
      i = scan(WORD_REST, text, i + 1);
      const word = text.slice(start, i);
      tokens.push(ch === '@' ? { kind: 'variable', text: word, value: word, pos: start } : { kind: 'word', text: word, value: word.toUpperCase(), pos: start });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['<=', '>=', '<>', '!=', '!<', '!>'].includes(two)) {
      tokens.push({ kind: 'punct', text: two, value: two, pos: start });
      i += 2;
      continue;
    }
    tokens.push({ kind: 'punct', text: ch, value: ch, pos: start });
    i++;
  }
  return tokens;
}

/** Splits tokens into statements at top-level semicolons (parentheses nesting respected). */
export function splitStatements(tokens: readonly SqlToken[]): SqlToken[][] {
  const out: SqlToken[][] = [];
  let current: SqlToken[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.value === '(') depth++;
    if (t.kind === 'punct' && t.value === ')') depth = Math.max(0, depth - 1);
    if (t.kind === 'punct' && t.value === ';' && depth === 0) {
      if (current.length > 0) out.push(current);
      current = [];
      continue;
    }
    current.push(t);
  }
  if (current.length > 0) out.push(current);
  return out;
}
