/**
 * Reads the generated deployment script of an Octopus offline drop for what it does, without running
 * PowerShell: the ordered `Calamari.exe <command> <options>` calls and the TentacleApplications /
 * TentacleJournal settings. Options may be spelled `-x v`, `-x=v`, `--x=v`, `/x:v`, `-x:v`, quoted or not
 * (Calamari's OptionSet accepts all of these).
 */
import { AppError } from '../../common/errors';

export interface CalamariOption {
  /** Option name as written, without its prefix. */
  name: string;
  /** The value; undefined for a flag without a value. */
  value?: string;
  /** True when the value is (or contains) a PowerShell variable such as $Password, known only at run time. */
  dynamic: boolean;
}

export interface CalamariCall {
  /** 1-based position in the script (the deployment order). */
  index: number;
  /** 1-based line where the call starts. */
  line: number;
  command: string;
  options: CalamariOption[];
}

export interface DropScript {
  calls: CalamariCall[];
  /** `$env:TentacleApplications` as set by the script, when it is a literal. */
  applicationsDirectory?: string;
  /** `$env:TentacleJournal`, when it is a literal. */
  journalPath?: string;
}

/** All values of an option (names compared case-insensitively, as Calamari does). */
export function optionValues(call: CalamariCall, name: string): string[] {
  const n = name.toLowerCase();
  return call.options.filter((o) => o.name.toLowerCase() === n && o.value !== undefined && !o.dynamic).map((o) => o.value!);
}

/** The last value of an option, or undefined. */
export function optionValue(call: CalamariCall, name: string): string | undefined {
  return optionValues(call, name).at(-1);
}

/**
 * Where the Calamari executable is named on a line: `calamari` or `calamari.exe` as the last segment
 * of a path (or a bare word), followed by a quote, whitespace or the end. Returns the index just after
 * it. A plain scan with indexOf: a regular expression with a repeated path group backtracks on every
 * start position, which made a single 200 KB line take minutes.
 */
function findCalamari(code: string): number {
  const lower = code.toLowerCase();
  for (let at = lower.indexOf('calamari'); at !== -1; at = lower.indexOf('calamari', at + 1)) {
    const before = at === 0 ? '' : code[at - 1]!;
    if (before !== '' && !/[\s&'"\\/(]/.test(before)) continue;
    let end = at + 8;
    if (lower.startsWith('.exe', end)) end += 4;
    const after = code[end];
    if (after === undefined || after === '"' || after === "'" || /\s/.test(after)) return end;
  }
  return -1;
}

/** `$env:TentacleApplications = '…'` / `$env:TentacleJournal = "…"` on a line, scanned without backtracking. */
function findEnvSetting(code: string): { name: 'applications' | 'journal'; value: string } | undefined {
  const lower = code.toLowerCase();
  for (let at = lower.indexOf('$env:tentacle'); at !== -1; at = lower.indexOf('$env:tentacle', at + 1)) {
    let pos = at + 5;
    let name: 'applications' | 'journal';
    if (lower.startsWith('tentacleapplications', pos)) {
      name = 'applications';
      pos += 20;
    } else if (lower.startsWith('tentaclejournal', pos)) {
      name = 'journal';
      pos += 15;
    } else continue;
    while (pos < code.length && /\s/.test(code[pos]!)) pos++;
    if (code[pos] !== '=') continue;
    pos++;
    while (pos < code.length && /\s/.test(code[pos]!)) pos++;
    const quote = code[pos];
    if (quote !== '"' && quote !== "'") continue;
    const close = code.indexOf(quote, pos + 1);
    if (close === -1) continue;
    return { name, value: code.slice(pos + 1, close) };
  }
  return undefined;
}

/** Parses the script text; `source` names it in errors. */
export function parseDropScript(text: string, source: string): DropScript {
  const logical = joinContinuations(text.replace(/^\uFEFF/, ''));
  const calls: CalamariCall[] = [];
  const script: DropScript = { calls };
  for (const { line, text: lineText } of logical) {
    const code = stripComment(lineText);
    const env = findEnvSetting(code);
    if (env) {
      if (env.name === 'applications') script.applicationsDirectory = env.value;
      else script.journalPath = env.value;
    }
    let after = findCalamari(code);
    if (after === -1) continue;
    let tokens: Token[];
    try {
      // The closing quote of a quoted executable path ("Calamari\Calamari.exe").
      if (code[after] === '"' || code[after] === "'") after++;
      tokens = tokenize(code.slice(after));
    } catch (e) {
      throw new AppError('OCTOPUS_SCRIPT_INVALID', `${source} line ${line}: ${(e as Error).message}`, 'The drop script was edited or damaged: ask for the drop again.', { file: source, line });
    }
    const commandToken = tokens.find((t) => !isOption(t));
    if (!commandToken) continue;
    const call: CalamariCall = { index: calls.length + 1, line, command: commandToken.text, options: [] };
    const rest = tokens.slice(tokens.indexOf(commandToken) + 1);
    for (let i = 0; i < rest.length; i++) {
      const t = rest[i]!;
      if (!isOption(t)) continue;
      const body = t.text.replace(/^(--|-|\/)/, '');
      const sep = body.search(/[=:]/);
      if (sep > 0) {
        const value = body.slice(sep + 1);
        call.options.push({ name: body.slice(0, sep), value, dynamic: t.dynamic });
        continue;
      }
      const next = rest[i + 1];
      if (next && !isOption(next)) {
        call.options.push({ name: body, value: next.text, dynamic: next.dynamic });
        i++;
      } else call.options.push({ name: body, dynamic: false });
    }
    calls.push(call);
  }
  return script;
}

interface Token {
  text: string;
  quoted: boolean;
  dynamic: boolean;
}

// `-name`, `--name`, `/name`, optionally followed by `=value` or `:value`; a path like /opt/x is not an option.
const OPTION = /^(--?|\/)[A-Za-z][\w.-]*([=:]|$)/;

function isOption(t: Token): boolean {
  return OPTION.test(t.text);
}

/** Joins lines ending in a backtick (PowerShell line continuation), remembering where each began. */
function joinContinuations(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  const lines = text.split(/\r?\n/);
  let current: { line: number; text: string } | null = null;
  lines.forEach((raw, i) => {
    // trimEnd, not /`\s*$/: that pattern retries from every whitespace run, quadratic on long lines.
    const trimmed = raw.trimEnd();
    const continued = trimmed.endsWith('`');
    const piece = continued ? `${trimmed.slice(0, -1)} ` : raw;
    if (current) current.text += piece;
    else current = { line: i + 1, text: piece };
    if (!continued) {
      out.push(current);
      current = null;
    }
  });
  if (current) out.push(current);
  return out;
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '`' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** PowerShell-style argument tokens; stops at a pipeline, statement end or redirection. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    const c = text[i]!;
    if (c === '|' || c === ';' || c === '}' || c === ')') break;
    if (/^\d?>/.test(text.slice(i, i + 2)) || text.startsWith('2>&1', i)) {
      // Redirections such as 2>&1 or > log.txt end the arguments we care about.
      break;
    }
    let value = '';
    let quoted = false;
    let dynamic = false;
    while (i < n && !/\s/.test(text[i]!)) {
      const ch = text[i]!;
      if (ch === "'") {
        quoted = true;
        i++;
        for (;;) {
          if (i >= n) throw new Error('unterminated single-quoted string');
          if (text[i] === "'" && text[i + 1] === "'") {
            value += "'";
            i += 2;
          } else if (text[i] === "'") {
            i++;
            break;
          } else value += text[i++];
        }
      } else if (ch === '"') {
        quoted = true;
        i++;
        for (;;) {
          if (i >= n) throw new Error('unterminated double-quoted string');
          const d = text[i]!;
          if (d === '`' && i + 1 < n) {
            value += text[i + 1];
            i += 2;
          } else if (d === '"' && text[i + 1] === '"') {
            value += '"';
            i += 2;
          } else if (d === '"') {
            i++;
            break;
          } else {
            if (d === '$' && /[A-Za-z_{(]/.test(text[i + 1] ?? '') && !isScriptRoot(text, i)) dynamic = true;
            value += d;
            i++;
          }
        }
      } else if (ch === '|' || ch === ';') break;
      else {
        if (ch === '$' && /[A-Za-z_{(@]/.test(text[i + 1] ?? '') && !isScriptRoot(text, i)) dynamic = true;
        if (ch === '@' && /[A-Za-z_]/.test(text[i + 1] ?? '') && value === '') dynamic = true;
        value += ch;
        i++;
      }
    }
    tokens.push({ text: value, quoted, dynamic });
  }
  return tokens;
}

/** `$PSScriptRoot` only says "next to this script": paths under it are still bundle-relative. */
function isScriptRoot(text: string, i: number): boolean {
  return /^\$(\{PSScriptRoot\}|PSScriptRoot\b)/i.test(text.slice(i));
}

/** Turns a path from the script into a bundle-relative, forward-slash path; undefined when it points outside the bundle. */
export function bundleRelativePath(value: string): string | undefined {
  let p = value.trim().replace(/^\$(\{PSScriptRoot\}|PSScriptRoot)[\\/]?/i, '');
  p = p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (p === '' || /^[A-Za-z]:/.test(p) || p.startsWith('/') || p.split('/').includes('..')) return undefined;
  return p.replace(/\/+/g, '/');
}
