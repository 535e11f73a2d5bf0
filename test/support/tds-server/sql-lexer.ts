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
export function lexSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '-' && text[i + 1] === '-') {
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
      let value = '';
      while (i < n) {
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', text: text.slice(start, i), value, pos: start });
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
      i += 2;
      while (i < n && /[0-9a-f]/i.test(text[i]!)) i++;
      tokens.push({ kind: 'binary', text: text.slice(start, i), value: text.slice(start + 2, i), pos: start });
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      while (i < n && /[0-9.eE]/.test(text[i]!)) i++;
      tokens.push({ kind: 'number', text: text.slice(start, i), value: text.slice(start, i), pos: start });
      continue;
    }
    if (ch === '@' || ch === '#' || /[A-Za-z_\u0080-\uffff]/.test(ch)) {
      i++;
      while (i < n && /[A-Za-z0-9_@#$\u0080-\uffff]/.test(text[i]!)) i++;
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
