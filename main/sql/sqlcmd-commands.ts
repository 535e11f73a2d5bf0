/**
 * Recognises sqlcmd command lines and parses their arguments. Only the recognition lives here; what a
 * command does to the batch being built is the splitter's (batch-splitter.ts).
 *
 * Which words are commands follows sqlcmd's documentation: every command but GO takes a colon, except
 * `[:]EXIT`, `[:]QUIT`, `[:]RESET`, `[:]ED` and `[:]!!`, which osql scripts wrote without one. A word
 * only counts when it is the whole first token of the line (`EXITS`, `QUITE`, `RESET_x` are SQL).
 * Recognition runs for every line that starts outside strings and comments, so it compares
 * character codes and allocates nothing until a command is found.
 */

export type CommandName =
  | 'go'
  /** `GO;`: not a separator for sqlcmd either; the splitter warns. */
  | 'go-semicolon'
  | 'setvar'
  | 'on'
  | 'r'
  | 'exit'
  | 'quit'
  | 'reset'
  /** `!!`, `:!!`, `[:]ED`: would run a program on the deploying machine. */
  | 'system'
  /** A sqlcmd command Drop Runner does not support (`:connect`, `:out`, …). */
  | 'unsupported';

export interface CommandMatch {
  name: CommandName;
  /** The command as written, for messages (`:EXIT`, `!!`). */
  word: string;
  /** Where the arguments start (just after the command word). */
  argsStart: number;
}

const SPACE = 32;
const TAB = 9;
const OPEN_PAREN = 40;

// Colon commands Drop Runner refuses rather than sending them to the server as SQL.
const UNSUPPORTED = new Set(['connect', 'out', 'error', 'listvar', 'list', 'serverlist', 'xml', 'help', 'perftrace']);

/** The command at `p` (first non-blank character of a line ending at `eol`), or undefined for SQL. */
export function matchCommand(text: string, p: number, eol: number): CommandMatch | undefined {
  const c = text.charCodeAt(p);
  if (c === 58) return matchColonCommand(text, p, eol);
  if (c === 33) return text.charCodeAt(p + 1) === 33 && p + 1 < eol ? { name: 'system', word: '!!', argsStart: p + 2 } : undefined;
  const lower = c | 0x20;
  if (lower === 103) {
    if (!wordAt(text, p, eol, 'go')) return undefined;
    const a = p + 2 < eol ? text.charCodeAt(p + 2) : -1;
    if (a === 59) return { name: 'go-semicolon', word: 'GO', argsStart: p + 2 };
    return endsWord(a, false) ? { name: 'go', word: 'GO', argsStart: p + 2 } : undefined;
  }
  if (lower === 101) {
    if (wordAt(text, p, eol, 'exit') && endsWord(charAfter(text, p + 4, eol), true)) return { name: 'exit', word: 'EXIT', argsStart: p + 4 };
    if (wordAt(text, p, eol, 'ed') && endsWord(charAfter(text, p + 2, eol), false)) return { name: 'system', word: 'ED', argsStart: p + 2 };
    return undefined;
  }
  if (lower === 113) return wordAt(text, p, eol, 'quit') && endsWord(charAfter(text, p + 4, eol), false) ? { name: 'quit', word: 'QUIT', argsStart: p + 4 } : undefined;
  if (lower === 114) return wordAt(text, p, eol, 'reset') && endsWord(charAfter(text, p + 5, eol), false) ? { name: 'reset', word: 'RESET', argsStart: p + 5 } : undefined;
  return undefined;
}

function matchColonCommand(text: string, p: number, eol: number): CommandMatch | undefined {
  if (text.charCodeAt(p + 1) === 33 && text.charCodeAt(p + 2) === 33 && p + 2 < eol) return { name: 'system', word: ':!!', argsStart: p + 3 };
  let q = p + 1;
  while (q < eol && isLetter(text.charCodeAt(q))) q++;
  const name = text.slice(p + 1, q).toLowerCase();
  const word = `:${name.toUpperCase()}`;
  const after = charAfter(text, q, eol);
  if (name === 'exit') return endsWord(after, true) ? { name: 'exit', word, argsStart: q } : undefined;
  // `:connectx` is one unknown word, but `:out(x)` is still the refused :out rather than SQL.
  if (!endsWord(after, false)) return UNSUPPORTED.has(name) ? { name: 'unsupported', word, argsStart: q } : undefined;
  if (name === 'setvar' || name === 'on' || name === 'r' || name === 'quit' || name === 'reset') return { name, word, argsStart: q };
  if (name === 'ed') return { name: 'system', word, argsStart: q };
  if (UNSUPPORTED.has(name)) return { name: 'unsupported', word, argsStart: q };
  return undefined;
}

/**
 * Arguments without a trailing `-- comment`: as in sqlcmd, `--` starts a comment only after
 * whitespace and outside a double-quoted value (`""` is a quote inside one).
 */
export function stripArgumentComment(args: string): string {
  if (!args.includes('--')) return args;
  let quoted = false;
  let space = true;
  for (let i = 0; i < args.length; i++) {
    const c = args.charCodeAt(i);
    if (c === 34) {
      if (quoted && args.charCodeAt(i + 1) === 34) i++;
      else quoted = !quoted;
      space = false;
    } else if (c === SPACE || c === TAB) space = true;
    else if (!quoted && space && c === 45 && args.charCodeAt(i + 1) === 45) return args.slice(0, i);
    else space = false;
  }
  return args;
}

export type SetvarParse = { ok: true; name: string; value: string | undefined } | { ok: false; hint: string };

/**
 * `:setvar NAME`, `:setvar NAME value`, `:setvar NAME "value"` (`""` inside quotes is a quote). As in
 * sqlcmd, an unquoted value is one token: `:setvar NAME a b` is malformed, not the value "a b".
 */
export function parseSetvar(args: string): SetvarParse {
  const m = /^([A-Za-z_][A-Za-z0-9_-]*)(?:[ \t]+([\s\S]*))?$/.exec(args);
  if (!m) return { ok: false, hint: 'Write :setvar NAME "value" (the name starts with a letter or _ and has only letters, digits, _ and -).' };
  const raw = m[2];
  if (raw === undefined || raw === '') return { ok: true, name: m[1]!, value: undefined };
  if (!raw.startsWith('"')) {
    if (/[ \t]/.test(raw)) return { ok: false, hint: `A value with spaces must be quoted: :setvar ${m[1]} "${raw}".` };
    return { ok: true, name: m[1]!, value: raw };
  }
  if (raw.length < 2 || !raw.endsWith('"')) return { ok: false, hint: 'Close the quoted value with ", and put nothing after it.' };
  const inner = raw.slice(1, -1);
  if (inner.replace(/""/g, '').includes('"')) return { ok: false, hint: 'Inside a quoted value write a quote as "", and put nothing after the closing quote.' };
  return { ok: true, name: m[1]!, value: inner.replace(/""/g, '"') };
}

export type ExitParse = { ok: true; query: string | undefined } | { ok: false };

/**
 * `EXIT` (query undefined), `EXIT()` (query ''), `EXIT(query)`: the parentheses must enclose the whole
 * rest of the line, apart from a trailing comment.
 */
export function parseExit(args: string): ExitParse {
  const a = stripArgumentComment(args).trim();
  if (a === '') return { ok: true, query: undefined };
  if (a.charCodeAt(0) !== OPEN_PAREN || !a.endsWith(')')) return { ok: false };
  return { ok: true, query: a.slice(1, -1).trim() };
}

function charAfter(text: string, i: number, eol: number): number {
  return i < eol ? text.charCodeAt(i) : -1;
}

// Whether the character after a command word ends it: end of line, space, tab (and `(` for EXIT).
function endsWord(c: number, paren: boolean): boolean {
  return c === -1 || c === SPACE || c === TAB || (paren && c === OPEN_PAREN);
}

// Case-insensitive comparison of a lower-case ASCII word at `p`, without allocating.
function wordAt(text: string, p: number, eol: number, word: string): boolean {
  if (p + word.length > eol) return false;
  for (let i = 0; i < word.length; i++) {
    if ((text.charCodeAt(p + i) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

export function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
