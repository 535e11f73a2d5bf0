/**
 * BENCH BASELINE ONLY — not product code. This is main/sql/batch-splitter.ts as it was before the
 * splitter streamed (commit d3a167e): it splits one decoded string and returns every batch at once.
 * `npm run bench:sql` measures the streaming splitter against it in the same run, so "no slower than
 * the whole-text splitter" stays checkable after the old code is gone from main/. Do not fix or extend
 * it; its sqlcmd command handling is the old one.
 *
 * Splits a SQL script into batches the way sqlcmd does, so a script that works in SSMS's SQLCMD
 * mode works here unchanged.
 *
 * Rules (see docs in the reference §4; divergences from go-sqlcmd are marked "divergence"):
 * - `GO [count] [-- comment]` is a separator only when it is alone on a line that starts outside any
 *   string, bracket identifier or comment. Any case; spaces/tabs before it; spaces or tabs (divergence:
 *   go-sqlcmd accepts only spaces) before the count. The count may be `$(var)`. A count that is not an
 *   integer >= 1 (`GO 0`, `GO -1`, `GO x`) is SQL_INVALID_GO_COUNT, as go-sqlcmd rejects it.
 * - `GO;`, `GO--x` and `GOTO x` are NOT separators (go-sqlcmd's regex does not match them); such a line
 *   stays in the batch and the server will reject `GO;`, so the splitter also returns a warning for it.
 * - Lexer: '…' with '', "…" with "", […] with ]], `--` to end of line, and `/* … *\/` NESTED as SQL
 *   Server nests them (divergence: go-sqlcmd stops at the first `*\/`).
 * - `$(name)` is substituted in code, strings and brackets, never in comments; names are
 *   case-insensitive; the value used is the one in effect when the batch's GO is reached (as sqlcmd).
 *   An undefined variable is SQL_UNDEFINED_VARIABLE (sqlcmd only prints a message; a deployment must
 *   not run half-substituted SQL). A `$(` that does not form `$(name)` is left as text (divergence).
 * - `:setvar NAME "value"` (doubled quotes escape) / `:setvar NAME value` / `:setvar NAME` (clears).
 *   A script's own :setvar overrides values passed in, as sqlcmd's precedence says.
 * - `:r <file>` includes a file's lines at that point (its GOs split batches); resolution and
 *   confinement are the caller's (see script-include.ts / splitSqlFile).
 * - `:on error exit|ignore` sets the mode recorded on each following batch. Default here is `exit`
 *   (divergence: sqlcmd's default is to continue; a deployment should stop at the first error).
 * - Other sqlcmd commands (:connect, :out, :exit, !!, …) are SQL_UNSUPPORTED_COMMAND.
 * - Line breaks: LF and CRLF; a file whose first CR is not followed by LF is read with CR, LF and
 *   CRLF as breaks (lone-CR files from old Mac tools). A stray CR in an LF/CRLF file is text.
 * - Batches of only whitespace and comments are dropped (sending them does nothing); leading blank lines are not part of a batch, trailing
 *   whitespace is trimmed. Command lines are replaced by their bare line break so the server's line
 *   numbers still map onto the file. Line breaks inside a batch are sent exactly as in the file.
 */
import { AppError } from '../../common/errors';

export type OnErrorMode = 'exit' | 'ignore';

/** Maps a line of a batch's text back to a file line: text line t → `line + (t - textLine)`. */
export interface LineMapEntry {
  textLine: number;
  file: string;
  line: number;
}

export interface SqlBatch {
  /** 1-based among the batches that will be sent. */
  index: number;
  text: string;
  /** The file (display name) where the batch starts, and its first and last non-blank lines. */
  file: string;
  firstLine: number;
  /** Where the batch's last non-blank line is; differs from `file` only when a `:r` include ends the batch. */
  lastFile: string;
  lastLine: number;
  /** From `GO n`; 1 for `GO` or for the last batch without a GO. */
  repeat: number;
  onError: OnErrorMode;
  lineMap: LineMapEntry[];
}

export interface SplitWarning {
  file: string;
  line: number;
  message: string;
}

export interface SplitResult {
  batches: SqlBatch[];
  warnings: SplitWarning[];
  /** Every file read through `:r`, in order of first inclusion (display names). */
  includes: string[];
  /** The scripting variables after the whole script ran (lower-case names). */
  variables: Map<string, string>;
}

export interface IncludedFile {
  /** Display name used in batches and errors (e.g. relative to the package root). */
  file: string;
  /** Identity used to detect cycles (e.g. the real path). */
  key: string;
  text: string;
}

export interface SplitTextOptions {
  /** Display name of the script, used in batches and errors. */
  file: string;
  /** Identity of the script for include-cycle detection; defaults to `file`. */
  key?: string;
  /** Values from step settings and tenant variables; names are case-insensitive. */
  variables?: Record<string, string> | Map<string, string>;
  /** Resolves and reads a `:r` target; absent means `:r` is refused. */
  resolveInclude?: (spec: string, from: { file: string; key: string; line: number }) => IncludedFile;
}

// Lexer states.
const CODE = 0;
const SQ = 1;
const DQ = 2;
const BR = 3;
const BLOCK = 4;
// Token kinds that are not states.
const LINE_COMMENT = 5;
const VARIABLE = 6;

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

const UNSUPPORTED = new Set(['connect', 'out', 'error', 'exit', 'quit', 'listvar', 'list', 'reset', 'ed', 'serverlist', 'xml', 'help', 'perftrace']);
const MAX_INCLUDE_DEPTH = 32;

interface VarRef {
  name: string;
  file: string;
  line: number;
}

/** Splits already-decoded script text into sqlcmd batches (see the file comment for the exact rules). */
export function splitSqlText(text: string, options: SplitTextOptions): SplitResult {
  const splitter = new Splitter(options);
  splitter.runFile(text, options.file, options.key ?? options.file, 0);
  splitter.finish();
  return { batches: splitter.batches, warnings: splitter.warnings, includes: splitter.includes, variables: splitter.vars };
}

class Splitter {
  readonly batches: SqlBatch[] = [];
  readonly warnings: SplitWarning[] = [];
  readonly includes: string[] = [];
  readonly vars = new Map<string, string>();
  private onError: OnErrorMode = 'exit';
  private readonly stack: string[] = [];

  // Lexer state survives line ends and, like sqlcmd's line feed, include boundaries.
  private state = CODE;
  private depth = 0;
  private stateFile = '';
  private stateLine = 0;

  // The batch being built.
  private pieces: Array<string | VarRef> = [];
  private hasContent = false;
  // Whether the batch holds anything but comments and whitespace; comment-only batches are not sent.
  private hasCode = false;
  private firstFile = '';
  private firstLine = 0;
  private lastFile = '';
  private lastLine = 0;
  private textLine = 0;
  private lineMap: LineMapEntry[] = [];

  constructor(private readonly options: SplitTextOptions) {
    const given = options.variables;
    if (given) for (const [k, v] of given instanceof Map ? given : Object.entries(given)) this.vars.set(k.toLowerCase(), v);
  }

  runFile(text: string, file: string, key: string, depth: number): void {
    this.stack.push(key);
    const n = text.length;
    // Next occurrence at or after the scan position of each token, or n when there is none. Each
    // is searched with indexOf (a vectorised scan) and only again once the scan has passed it, so
    // the whole file is scanned a constant number of times whatever the mix of code and strings.
    let nLF = -1;
    let nCR = -1;
    let nSQ = -1;
    let nDQ = -1;
    let nOB = -1;
    let nCB = -1;
    let nDash = -1;
    let nOpen = -1;
    let nClose = -1;
    let nVar = -1;
    let lineStart = 0;
    let lineNo = 1;
    // Start of the not-yet-flushed slice of `text` that belongs to the current batch.
    let pieceStart = 0;
    let state = this.state;
    if (this.hasContent) this.mapHere(file, 1);

    // The first line break decides: a file whose first CR is not followed by LF uses CR line breaks
    // (CR, LF and CRLF all count); otherwise LF and CRLF count and a stray CR inside a line is an
    // ordinary character, as in go-sqlcmd. This saves a second search per line on the common files.
    const firstCr = text.indexOf('\r');
    const loneCr = firstCr !== -1 && text.charCodeAt(firstCr + 1) !== LF;
    while (lineStart < n) {
      if (nLF < lineStart) nLF = find(text, '\n', lineStart, n);
      let eol: number;
      let next: number;
      if (!loneCr) {
        next = nLF < n ? nLF + 1 : n;
        eol = nLF > lineStart && text.charCodeAt(nLF - 1) === CR ? nLF - 1 : nLF;
        if (nLF === n && n > lineStart && text.charCodeAt(n - 1) === CR) eol = n - 1;
      } else {
        if (nCR < lineStart) nCR = find(text, '\r', lineStart, n);
        if (nCR < nLF) {
          eol = nCR;
          next = nCR + 1 === nLF ? nLF + 1 : nCR + 1;
        } else {
          eol = nLF;
          next = nLF < n ? nLF + 1 : n;
        }
      }

      // First non-blank character of the line.
      let p = lineStart;
      let c = text.charCodeAt(p);
      while (p < eol && (c === SPACE || c === TAB)) c = text.charCodeAt(++p);
      const blank = p >= eol;

      if (state === CODE && !blank && (c === 71 || c === 103 || c === 58 || c === 33)) {
        this.state = state;
        const handled = this.command(text, p, eol, file, key, lineNo, depth, () => {
          // Flush the batch's text up to this line; the command line itself is not sent.
          if (this.hasContent) this.pieces.push(text.slice(pieceStart, lineStart));
        });
        if (handled !== NOT_A_COMMAND) {
          if (handled === KEEP_LINE_BREAK && this.hasContent) {
            // At the end of an included file without a final break, still keep the line count.
            this.pieces.push(next > eol ? text.slice(eol, next) : '\n');
            this.textLine++;
          }
          if (handled === INCLUDED && this.hasContent) this.mapHere(file, lineNo + 1);
          state = this.state;
          pieceStart = next;
          lineStart = next;
          lineNo++;
          continue;
        }
      }

      if (!this.hasContent) {
        if (blank) {
          lineStart = next;
          pieceStart = next;
          lineNo++;
          continue;
        }
        this.startBatch(file, lineNo);
        pieceStart = lineStart;
      }
      if (!blank) {
        this.lastFile = file;
        this.lastLine = lineNo;
        // Cheap test for "this batch is more than comments"; batches that fail it are re-checked at the end.
        if (state === CODE && !this.hasCode && !(c === 45 && text.charCodeAt(p + 1) === 45) && !(c === 47 && text.charCodeAt(p + 1) === 42)) {
          this.hasCode = true;
        }
      }

      let pos = p;
      while (pos < eol) {
        if (state === CODE) {
          if (nSQ < pos) nSQ = find(text, "'", pos, n);
          if (nDQ < pos) nDQ = find(text, '"', pos, n);
          if (nOB < pos) nOB = find(text, '[', pos, n);
          if (nDash < pos) nDash = find(text, '--', pos, n);
          if (nOpen < pos) nOpen = find(text, '/*', pos, n);
          if (nVar < pos) nVar = find(text, '$(', pos, n);
          let at = nSQ;
          let kind = SQ;
          if (nDQ < at) {
            at = nDQ;
            kind = DQ;
          }
          if (nOB < at) {
            at = nOB;
            kind = BR;
          }
          if (nDash < at) {
            at = nDash;
            kind = LINE_COMMENT;
          }
          if (nOpen < at) {
            at = nOpen;
            kind = BLOCK;
          }
          if (nVar < at) {
            at = nVar;
            kind = VARIABLE;
          }
          if (at >= eol) break;
          if (kind === LINE_COMMENT) break;
          if (kind === VARIABLE) {
            const end = varEnd(text, at + 2);
            if (end > 0) {
              this.pieces.push(text.slice(pieceStart, at), { name: text.slice(at + 2, end), file, line: lineNo });
              pieceStart = end + 1;
              pos = end + 1;
            } else pos = at + 1;
            continue;
          }
          state = kind;
          this.stateLine = lineNo;
          this.stateFile = file;
          if (kind === BLOCK) {
            this.depth = 1;
            pos = at + 2;
          } else pos = at + 1;
        } else if (state === BLOCK) {
          if (nOpen < pos) nOpen = find(text, '/*', pos, n);
          if (nClose < pos) nClose = find(text, '*/', pos, n);
          if (nOpen < nClose && nOpen < eol) {
            this.depth++;
            pos = nOpen + 2;
          } else if (nClose < eol) {
            pos = nClose + 2;
            if (--this.depth === 0) state = CODE;
          } else break;
        } else {
          // Inside '…', "…" or […]: look for the closing character and for $(name).
          let close: number;
          let closeChar: number;
          if (state === SQ) {
            if (nSQ < pos) nSQ = find(text, "'", pos, n);
            close = nSQ;
            closeChar = 39;
          } else if (state === DQ) {
            if (nDQ < pos) nDQ = find(text, '"', pos, n);
            close = nDQ;
            closeChar = 34;
          } else {
            if (nCB < pos) nCB = find(text, ']', pos, n);
            close = nCB;
            closeChar = 93;
          }
          if (nVar < pos) nVar = find(text, '$(', pos, n);
          if (nVar < close && nVar < eol) {
            const end = varEnd(text, nVar + 2);
            if (end > 0) {
              this.pieces.push(text.slice(pieceStart, nVar), { name: text.slice(nVar + 2, end), file, line: lineNo });
              pieceStart = end + 1;
              pos = end + 1;
            } else pos = nVar + 1;
            continue;
          }
          if (close >= eol) break;
          if (text.charCodeAt(close + 1) === closeChar) pos = close + 2;
          else {
            state = CODE;
            pos = close + 1;
          }
        }
      }
      this.textLine++;
      lineStart = next;
      lineNo++;
    }
    this.state = state;
    if (this.hasContent && pieceStart < n) {
      this.pieces.push(text.slice(pieceStart, n));
      // An included file without a final line break must not glue its last line to the parent's next one.
      if (depth > 0) {
        const last = text.charCodeAt(n - 1);
        if (last !== LF && last !== CR) this.pieces.push('\n');
      }
    }
    this.stack.pop();
  }

  finish(): void {
    if (this.state !== CODE) {
      const what = this.state === BLOCK ? 'a /* */ comment' : this.state === BR ? 'a [bracketed] name' : 'a quoted string';
      this.warnings.push({
        file: this.stateFile || this.options.file,
        line: this.stateLine,
        message: `The script ends inside ${what} that starts on line ${this.stateLine}; the server will reject the last batch.`,
      });
    }
    if (this.hasContent) this.endBatch(1);
  }

  private startBatch(file: string, line: number): void {
    this.hasContent = true;
    this.hasCode = false;
    this.pieces = [];
    this.firstFile = file;
    this.firstLine = line;
    this.textLine = 0;
    this.lineMap = [{ textLine: 1, file, line }];
  }

  // Records that the next text line of the batch is `line` of `file`.
  private mapHere(file: string, line: number): void {
    this.lineMap.push({ textLine: this.textLine + 1, file, line });
  }

  private endBatch(repeat: number): void {
    const parts: string[] = [];
    let undefinedRef: VarRef | undefined;
    const missing = new Set<string>();
    for (const piece of this.pieces) {
      if (typeof piece === 'string') {
        parts.push(piece);
        continue;
      }
      const value = this.vars.get(piece.name.toLowerCase());
      if (value === undefined) {
        undefinedRef ??= piece;
        missing.add(piece.name);
      } else parts.push(value);
    }
    if (undefinedRef) {
      throw new AppError(
        'SQL_UNDEFINED_VARIABLE',
        `The scripting variable $(${undefinedRef.name}) used in ${undefinedRef.file} line ${undefinedRef.line} is not defined.`,
        `Define ${undefinedRef.name} with :setvar in the script, in the step's settings, or as a tenant variable.`,
        { variable: undefinedRef.name, file: undefinedRef.file, line: undefinedRef.line, missing: [...missing] },
      );
    }
    const text = (parts.length === 1 ? parts[0]! : parts.join('')).trimEnd();
    const hasCode = this.hasCode;
    this.hasContent = false;
    this.hasCode = false;
    this.pieces = [];
    if (text.length === 0 || (!hasCode && !containsCode(text))) return;
    this.batches.push({
      index: this.batches.length + 1,
      text,
      file: this.firstFile,
      firstLine: this.firstLine,
      lastFile: this.lastFile,
      lastLine: this.lastLine,
      repeat,
      onError: this.onError,
      lineMap: this.lineMap,
    });
  }

  /**
   * Handles a possible command line starting at `p` (first non-blank char), ending at `eol`.
   * `flush` is called before anything that ends or extends the batch.
   */
  private command(text: string, p: number, eol: number, file: string, key: string, line: number, depth: number, flush: () => void): CommandOutcome {
    const c = text.charCodeAt(p);
    if (c === 71 || c === 103) {
      const o = text.charCodeAt(p + 1);
      if (o !== 79 && o !== 111) return NOT_A_COMMAND;
      const after = p + 2;
      const a = after < eol ? text.charCodeAt(after) : -1;
      if (a === 59) {
        this.warnings.push({ file, line, message: '`GO;` is not a batch separator for sqlcmd; the line is sent to the server, which rejects it. Remove the semicolon.' });
        return NOT_A_COMMAND;
      }
      if (a !== -1 && a !== SPACE && a !== TAB) return NOT_A_COMMAND;
      let arg = text.slice(after, eol);
      const dash = arg.indexOf('--');
      if (dash !== -1) arg = arg.slice(0, dash);
      arg = this.substituteArgument(arg.trim(), file, line);
      let repeat = 1;
      if (arg !== '') {
        repeat = /^\d{1,9}$/.test(arg) ? Number(arg) : 0;
        if (repeat < 1) {
          throw new AppError(
            'SQL_INVALID_GO_COUNT',
            `${file} line ${line}: "GO ${arg}" is not valid; the repeat count must be a whole number of at least 1.`,
            'Write GO alone, or GO followed by a count such as GO 5 (sqlcmd rejects GO 0 and negative counts too).',
            { file, line, count: arg },
          );
        }
      }
      flush();
      if (this.hasContent) this.endBatch(repeat);
      return DROP_LINE;
    }
    if (c === 33) {
      if (text.charCodeAt(p + 1) !== 33) return NOT_A_COMMAND;
      throw unsupported('!!', file, line);
    }
    // c === ':'
    let q = p + 1;
    while (q < eol && isLetter(text.charCodeAt(q))) q++;
    const name = text.slice(p + 1, q).toLowerCase();
    const rest = text.slice(q, eol);
    if (rest !== '' && rest.charCodeAt(0) !== SPACE && rest.charCodeAt(0) !== TAB) {
      return UNSUPPORTED.has(name) ? this.unsupportedOrText(name, file, line) : NOT_A_COMMAND;
    }
    const args = rest.trim();
    if (name === 'setvar') {
      this.setvar(args, file, line);
      flush();
      return KEEP_LINE_BREAK;
    }
    if (name === 'on') {
      const m = /^error\s+(exit|ignore)$/i.exec(args);
      if (!m) throw invalidCommand(':on error', 'Use ":on error exit" or ":on error ignore".', file, line);
      this.onError = m[1]!.toLowerCase() as OnErrorMode;
      flush();
      return KEEP_LINE_BREAK;
    }
    if (name === 'r') {
      this.include(args, file, key, line, depth, flush);
      return INCLUDED;
    }
    if (UNSUPPORTED.has(name)) return this.unsupportedOrText(name, file, line);
    return NOT_A_COMMAND;
  }

  private unsupportedOrText(name: string, file: string, line: number): never {
    throw unsupported(`:${name}`, file, line);
  }

  private setvar(args: string, file: string, line: number): void {
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)(?:\s+([\s\S]*))?$/.exec(args);
    if (!m) throw invalidCommand(':setvar', 'Write :setvar NAME "value" (the name starts with a letter or _).', file, line);
    const name = m[1]!.toLowerCase();
    const raw = m[2];
    if (raw === undefined || raw === '') {
      this.vars.delete(name);
      return;
    }
    let value = raw;
    if (raw.startsWith('"')) {
      if (raw.length < 2 || !raw.endsWith('"')) throw invalidCommand(':setvar', 'Close the quoted value with ".', file, line);
      const inner = raw.slice(1, -1);
      if (inner.replace(/""/g, '').includes('"')) {
        throw invalidCommand(':setvar', 'Inside a quoted value write a quote as "".', file, line);
      }
      value = inner.replace(/""/g, '"');
    }
    this.vars.set(name, value);
  }

  private include(args: string, file: string, key: string, line: number, depth: number, flush: () => void): void {
    let spec = this.substituteArgument(args, file, line);
    if (spec.length >= 2 && spec.startsWith('"') && spec.endsWith('"')) spec = spec.slice(1, -1);
    if (spec === '') throw invalidCommand(':r', 'Name the file to include: :r path\\to\\file.sql', file, line);
    const resolve = this.options.resolveInclude;
    if (!resolve) {
      throw new AppError(
        'SQL_INCLUDE_NOT_ALLOWED',
        `${file} line ${line}: ":r ${spec}" cannot be used here because the script is not read from a package folder.`,
        'Run the script from its package folder so included files can be found.',
        { file, line, include: spec },
      );
    }
    if (depth + 1 > MAX_INCLUDE_DEPTH) {
      throw new AppError('SQL_INCLUDE_CYCLE', `${file} line ${line}: includes are nested more than ${MAX_INCLUDE_DEPTH} deep.`, 'Check the :r commands for a file that includes itself.', { file, line });
    }
    const included = resolve(spec, { file, key, line });
    if (this.stack.includes(included.key)) {
      throw new AppError(
        'SQL_INCLUDE_CYCLE',
        `${file} line ${line}: ":r ${spec}" includes ${included.file}, which is already being included.`,
        'Remove the :r that makes a file include itself.',
        { file, line, include: included.file },
      );
    }
    flush();
    if (!this.includes.includes(included.file)) this.includes.push(included.file);
    this.runFile(included.text, included.file, included.key, depth + 1);
  }

  // Command arguments (GO count, :r path) may use $(var) too.
  private substituteArgument(arg: string, file: string, line: number): string {
    if (!arg.includes('$(')) return arg;
    return arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_-]*)\)/g, (_m, name: string) => {
      const v = this.vars.get(name.toLowerCase());
      if (v === undefined) {
        throw new AppError(
          'SQL_UNDEFINED_VARIABLE',
          `The scripting variable $(${name}) used in ${file} line ${line} is not defined.`,
          `Define ${name} with :setvar in the script, in the step's settings, or as a tenant variable.`,
          { variable: name, file, line, missing: [name] },
        );
      }
      return v;
    });
  }
}

type CommandOutcome = 0 | 1 | 2 | 3;
const NOT_A_COMMAND = 0;
/** GO: the line disappears (it ends the batch anyway). */
const DROP_LINE = 1;
/** :setvar / :on error: replaced by its line break so server line numbers still match the file. */
const KEEP_LINE_BREAK = 2;
/** :r: replaced by the included lines. */
const INCLUDED = 3;

// Careful re-check for batches whose lines all start with a comment (e.g. `/* x */ SELECT 1`).
function containsCode(text: string): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    if (depth > 0) {
      if (c === 42 && d === 47) {
        depth--;
        i++;
      } else if (c === 47 && d === 42) {
        depth++;
        i++;
      }
    } else if (c === 47 && d === 42) {
      depth = 1;
      i++;
    } else if (c === 45 && d === 45) {
      while (i < text.length && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i++;
    } else if (c > SPACE) return true;
  }
  return false;
}

function find(text: string, needle: string, from: number, none: number): number {
  const at = text.indexOf(needle, from);
  return at === -1 ? none : at;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}



// Position of the ')' closing a well-formed `$(name`, or -1.
function varEnd(text: string, from: number): number {
  let i = from;
  const first = text.charCodeAt(i);
  if (!(isLetter(first) || first === 95)) return -1;
  const limit = Math.min(text.length, from + 128);
  while (++i < limit) {
    const c = text.charCodeAt(i);
    if (c === 41) return i;
    if (!(isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 45)) return -1;
  }
  return -1;
}

function unsupported(command: string, file: string, line: number): AppError {
  return new AppError(
    'SQL_UNSUPPORTED_COMMAND',
    `${file} line ${line}: the sqlcmd command ${command} is not supported by Drop Runner.`,
    'Only GO, :setvar, :r and :on error are supported; remove the command or move that work into a separate step.',
    { file, line, command },
  );
}

function invalidCommand(command: string, hint: string, file: string, line: number): AppError {
  return new AppError('SQL_INVALID_COMMAND', `${file} line ${line}: the ${command} command is malformed.`, hint, { file, line, command });
}

/** Maps a 1-based line of a batch's text (e.g. a server error's line number) back to its file and line. */
export function locateBatchLine(batch: SqlBatch, textLine: number): { file: string; line: number } {
  let entry = batch.lineMap[0]!;
  for (const e of batch.lineMap) {
    if (e.textLine <= textLine) entry = e;
    else break;
  }
  return { file: entry.file, line: entry.line + Math.max(0, textLine - entry.textLine) };
}
