/**
 * Splits a SQL script into batches the way sqlcmd does, so a script that works in SSMS's SQLCMD
 * mode works here unchanged. It streams: text arrives in chunks (see TextSource), batches leave one
 * by one, and only the unfinished line and the unfinished batch are carried between chunks, so memory
 * follows the largest batch rather than the script.
 *
 * Rules (see docs in the reference §4; divergences from sqlcmd are marked "divergence" and listed in
 * docs/operations.md "Differences from sqlcmd"):
 * - `GO [count] [-- comment]` is a separator only when it is alone on a line that starts outside any
 *   string, bracket identifier or comment. Any case; spaces/tabs before it; spaces or tabs (divergence:
 *   go-sqlcmd accepts only spaces) before the count. The count may be `$(var)`. A count that is not an
 *   integer >= 1 (`GO 0`, `GO -1`, `GO x`) is SQL_INVALID_GO_COUNT, as go-sqlcmd rejects it.
 * - `GO;`, `GO--x` and `GOTO x` are NOT separators (go-sqlcmd's regex does not match them); such a line
 *   stays in the batch and the server will reject `GO;`, so the splitter also returns a warning for it.
 * - Lexer: '…' with '', "…" with "", […] with ]], `--` to end of line, and `/* … *\/` NESTED as SQL
 *   Server nests them (divergence: go-sqlcmd stops at the first `*\/`). One explicit state (code,
 *   string, bracket, block comment + depth) survives line ends, chunk ends and include boundaries.
 * - `$(name)` is substituted in code, strings and brackets, never in comments; names are
 *   case-insensitive; the value used is the one in effect when the batch's GO is reached (as sqlcmd).
 *   Values come from `:setvar` and from the caller (step settings, tenant variables) ONLY: the
 *   deploying machine's environment variables are never read (divergence: sqlcmd falls back to them),
 *   because a deployment must not depend on, or leak, whatever is set on the VM. An undefined variable
 *   is SQL_UNDEFINED_VARIABLE (sqlcmd only prints a message; a deployment must not run
 *   half-substituted SQL). A `$(` that does not form `$(name)` is left as text (divergence).
 * - `:setvar NAME "value"` (doubled quotes escape) / `:setvar NAME value` (one token: `:setvar NAME a b`
 *   is SQL_INVALID_COMMAND, as in sqlcmd) / `:setvar NAME` (clears). A script's own :setvar overrides
 *   values passed in, as sqlcmd's precedence says. A trailing ` -- comment` is not part of a value.
 * - `:r <file>` includes a file's lines at that point (its GOs split batches); resolution and
 *   confinement are the caller's (see script-file.ts).
 * - `:on error exit|ignore` sets the mode recorded on each following batch. Default here is `exit`
 *   (divergence: sqlcmd's default is to continue; a deployment should stop at the first error).
 * - `[:]RESET` discards the batch built so far (since the last GO), as sqlcmd does; a warning says
 *   so when it held SQL. `RESET` with anything after it is SQL_INVALID_COMMAND (divergence: go-sqlcmd
 *   ignores the extra text).
 * - `[:]QUIT` and `[:]EXIT` end the whole script (also from inside a `:r` file): the batch built so
 *   far is discarded, nothing after the line is read. `[:]EXIT()` first sends the batch built so far;
 *   `[:]EXIT(query)` sends it with the query appended on a new line, as ONE batch (as sqlcmd does).
 *   sqlcmd turns the query's first value into its exit code; Drop Runner does not (divergence, with
 *   a warning): a script signals failure by raising an error. Extra text after QUIT, or EXIT text that
 *   is not `(…)`, is SQL_INVALID_COMMAND, as in sqlcmd.
 * - `!!`, `:!!` and `[:]ED` (run a program) and the other sqlcmd commands (:connect, :out, :error,
 *   :listvar, :list, :xml, …) are SQL_UNSUPPORTED_COMMAND.
 * - Line breaks: LF and CRLF; a file whose first CR is not followed by LF is read with CR, LF and
 *   CRLF as breaks (lone-CR files from old Mac tools). A stray CR in an LF/CRLF file is text.
 * - Batches of only whitespace and comments are dropped (sending them does nothing); leading blank
 *   lines are not part of a batch, trailing whitespace is trimmed. Command lines are replaced by their
 *   bare line break so the server's line numbers still map onto the file. Line breaks inside a batch
 *   are sent exactly as in the file.
 */
import { AppError } from '../../common/errors';
import { matchCommand, parseExit, parseSetvar, stripArgumentComment, isLetter, type CommandMatch } from './sqlcmd-commands';

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

/** What a split leaves besides its batches (the return value of the streaming generator). */
export interface SplitSummary {
  warnings: SplitWarning[];
  /** Every file read through `:r`, in order of first inclusion (display names). */
  includes: string[];
  /** The scripting variables after the whole script ran (lower-case names). */
  variables: Map<string, string>;
  /** Where `EXIT`/`QUIT` ended the script, when one did. */
  exitedAt?: { file: string; line: number };
}

export interface SplitResult extends SplitSummary {
  batches: SqlBatch[];
}

/** Decoded script text in chunks of any size; `read` returns null at the end. */
export interface TextSource {
  read(): string | null;
  /** Releases the source; the splitter calls it for included files once they are read (or abandoned). */
  close?(): void;
}

export interface IncludedFile {
  /** Display name used in batches and errors (e.g. relative to the package root). */
  file: string;
  /** Identity used to detect cycles (e.g. the real path). */
  key: string;
  /** The included file's text, whole or streamed. */
  text: string | TextSource;
}

export interface SplitTextOptions {
  /** Display name of the script, used in batches and errors. */
  file: string;
  /** Identity of the script for include-cycle detection; defaults to `file`. */
  key?: string;
  /** Values from step settings and tenant variables; names are case-insensitive. */
  variables?: Record<string, string> | Map<string, string>;
  /** Resolves and opens a `:r` target; absent means `:r` is refused. */
  resolveInclude?: (spec: string, from: { file: string; key: string; line: number }) => IncludedFile;
}

/** Splits already-decoded script text into sqlcmd batches (see the file comment for the exact rules). */
export function splitSqlText(text: string, options: SplitTextOptions): SplitResult {
  return collectBatches(splitSqlSource(wholeText(text), options));
}

/**
 * Streams the batches of a script read from `source`; the generator's return value is the summary.
 * Errors (SQL_UNDEFINED_VARIABLE, SQL_INVALID_COMMAND, …) are thrown when the line is reached, so a
 * caller that must refuse a script before sending anything runs the generator through once first.
 */
export function* splitSqlSource(source: TextSource, options: SplitTextOptions): Generator<SqlBatch, SplitSummary, void> {
  const splitter = new Splitter(options);
  yield* splitter.run(source, options.file, options.key ?? options.file, 0);
  splitter.finish();
  yield* splitter.drain();
  return splitter.summary();
}

/** Runs a batch generator to its end and keeps everything (for callers that want the whole list). */
export function collectBatches<S extends SplitSummary>(batches: Generator<SqlBatch, S, void>): S & { batches: SqlBatch[] } {
  const list: SqlBatch[] = [];
  let step = batches.next();
  while (!step.done) {
    list.push(step.value);
    step = batches.next();
  }
  return { ...step.value, batches: list };
}

/** A TextSource over a string already in memory. */
export function wholeText(text: string): TextSource {
  let given = false;
  return {
    read: () => {
      if (given) return null;
      given = true;
      return text;
    },
  };
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

const MAX_INCLUDE_DEPTH = 32;

// First characters of a line that may start a command: G g : ! E e Q q R r.
const COMMAND_START = new Uint8Array(128);
for (const ch of 'Gg:!EeQqRr') COMMAND_START[ch.charCodeAt(0)] = 1;

interface VarRef {
  name: string;
  file: string;
  line: number;
}

/** Where the splitter is in one source (the script or an included file). */
interface Cursor {
  file: string;
  key: string;
  depth: number;
  /** Line number of the next line to scan. */
  lineNo: number;
  /** Undecided until the first CR is seen with the character after it. */
  loneCr: boolean | undefined;
  /** The previous chunk ended with the first CR, so the next chunk decides `loneCr`. */
  pendingCr: boolean;
  /** Last character of the source (for an include without a final line break). */
  lastChar: number;
}

/**
 * One window of text (whole lines) being scanned: the next occurrence, at or after the scan
 * position, of each token, or `n` when there is none. Each is searched with indexOf (a vectorised
 * scan) and only again once the scan has passed it, so a window is scanned a constant number of
 * times whatever the mix of code and strings.
 */
class Window {
  nLF = -1;
  nCR = -1;
  nSQ = -1;
  nDQ = -1;
  nOB = -1;
  nCB = -1;
  nDash = -1;
  nOpen = -1;
  nClose = -1;
  nVar = -1;
  /** Start of the not-yet-flushed slice of `text` that belongs to the current batch. */
  pieceStart = 0;
  readonly n: number;
  constructor(readonly text: string) {
    this.n = text.length;
  }
}

/** What stops a window scan before its end: an include to run first, or the end of the script. */
type Pending = { kind: 'include'; included: IncludedFile; resume: number } | { kind: 'exit' };

const NOT_A_COMMAND = 0;
const HANDLED = 1;

class Splitter {
  private readonly warnings: SplitWarning[] = [];
  private readonly includes: string[] = [];
  private readonly vars = new Map<string, string>();
  private readonly ready: SqlBatch[] = [];
  private sentCount = 0;
  private onError: OnErrorMode = 'exit';
  private readonly stack: string[] = [];
  private exitedAt: { file: string; line: number } | undefined;

  // Lexer state survives line ends, chunk ends and, like sqlcmd's line feed, include boundaries.
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

  summary(): SplitSummary {
    return { warnings: this.warnings, includes: this.includes, variables: this.vars, ...(this.exitedAt ? { exitedAt: this.exitedAt } : {}) };
  }

  *drain(): Generator<SqlBatch, void, void> {
    for (let i = 0; i < this.ready.length; i++) yield this.ready[i]!;
    this.ready.length = 0;
  }

  /**
   * Reads one source chunk by chunk and scans its complete lines. The unfinished last line of a chunk
   * is held back (as a list, joined once) and completed with the next chunk's first line only, so no
   * chunk is ever copied whole.
   */
  *run(source: TextSource | string, file: string, key: string, depth: number): Generator<SqlBatch, void, void> {
    this.stack.push(key);
    const reader = typeof source === 'string' ? wholeText(source) : source;
    const cur: Cursor = { file, key, depth, lineNo: 1, loneCr: undefined, pendingCr: false, lastChar: -1 };
    if (this.hasContent) this.mapHere(file, 1);
    const held: string[] = [];
    let tailFlushed = false;
    while (!this.exitedAt) {
      const chunk = reader.read();
      if (chunk === null) {
        if (cur.pendingCr) cur.loneCr = true;
        const last = held.length === 1 ? held[0]! : held.join('');
        tailFlushed = yield* this.scanPart(last, 0, last.length, cur);
        break;
      }
      if (chunk.length === 0) continue;
      cur.lastChar = chunk.charCodeAt(chunk.length - 1);
      decideLineBreaks(cur, chunk);
      const cut = usableEnd(chunk, cur.loneCr === true);
      if (cut === 0) {
        held.push(chunk);
        continue;
      }
      let from = 0;
      if (held.length > 0) {
        from = firstLineEnd(chunk, cur.loneCr === true);
        held.push(chunk.slice(0, from));
        const line = held.join('');
        held.length = 0;
        yield* this.scanPart(line, 0, line.length, cur);
        if (this.exitedAt) break;
      }
      yield* this.scanPart(chunk, from, cut, cur);
      if (cut < chunk.length) held.push(chunk.slice(cut));
    }
    // An included file without a final line break must not glue its last line to the parent's next one.
    if (!this.exitedAt && depth > 0 && tailFlushed && this.hasContent && cur.lastChar !== LF && cur.lastChar !== CR) this.pieces.push('\n');
    this.stack.pop();
  }

  // Scans text[from, to) (whole lines), then keeps the unflushed tail in the batch; true when there was one.
  private *scanPart(text: string, from: number, to: number, cur: Cursor): Generator<SqlBatch, boolean, void> {
    if (from >= to) return false;
    const w = new Window(text);
    w.pieceStart = from;
    yield* this.scanWindow(w, from, to, cur);
    if (this.exitedAt || !this.hasContent || w.pieceStart >= to) return false;
    this.pieces.push(text.slice(w.pieceStart, to));
    return true;
  }

  // Scans a window's lines, running includes where `:r` stands and stopping at EXIT/QUIT.
  private *scanWindow(w: Window, start: number, to: number, cur: Cursor): Generator<SqlBatch, void, void> {
    let from = start;
    for (;;) {
      const pending = this.scanLines(w, from, to, cur);
      yield* this.drain();
      if (!pending) return;
      if (pending.kind === 'exit') return;
      const { text, file, key } = pending.included;
      try {
        yield* this.run(text, file, key, cur.depth + 1);
      } finally {
        if (typeof text !== 'string') text.close?.();
      }
      if (this.exitedAt) return;
      if (this.hasContent) this.mapHere(cur.file, cur.lineNo);
      from = pending.resume;
      w.pieceStart = from;
    }
  }

  // Scans whole lines from `from` to `to` (just after a line break, or the end of the source).
  private scanLines(w: Window, from: number, to: number, cur: Cursor): Pending | undefined {
    const text = w.text;
    const n = w.n;
    let lineStart = from;
    while (lineStart < to) {
      if (w.nLF < lineStart) w.nLF = find(text, '\n', lineStart, n);
      let eol: number;
      let next: number;
      if (!cur.loneCr) {
        next = w.nLF < n ? w.nLF + 1 : n;
        eol = w.nLF > lineStart && text.charCodeAt(w.nLF - 1) === CR ? w.nLF - 1 : w.nLF;
        if (w.nLF === n && n > lineStart && text.charCodeAt(n - 1) === CR) eol = n - 1;
      } else {
        if (w.nCR < lineStart) w.nCR = find(text, '\r', lineStart, n);
        if (w.nCR < w.nLF) {
          eol = w.nCR;
          next = w.nCR + 1 === w.nLF ? w.nLF + 1 : w.nCR + 1;
        } else {
          eol = w.nLF;
          next = w.nLF < n ? w.nLF + 1 : n;
        }
      }

      // First non-blank character of the line.
      let p = lineStart;
      let c = text.charCodeAt(p);
      while (p < eol && (c === SPACE || c === TAB)) c = text.charCodeAt(++p);
      const blank = p >= eol;

      if (this.state === CODE && !blank && c < 128 && COMMAND_START[c] === 1) {
        const m = matchCommand(text, p, eol);
        const outcome = m ? this.command(m, w, lineStart, eol, next, cur) : NOT_A_COMMAND;
        if (outcome !== NOT_A_COMMAND) {
          w.pieceStart = next;
          lineStart = next;
          cur.lineNo++;
          if (outcome === HANDLED) continue;
          return outcome.kind === 'include' ? { ...outcome, resume: next } : outcome;
        }
      }

      if (!this.hasContent) {
        if (blank) {
          lineStart = next;
          w.pieceStart = next;
          cur.lineNo++;
          continue;
        }
        this.startBatch(cur.file, cur.lineNo);
        w.pieceStart = lineStart;
      }
      if (!blank) {
        this.lastFile = cur.file;
        this.lastLine = cur.lineNo;
        // Cheap test for "this batch is more than comments"; batches that fail it are re-checked at the end.
        if (this.state === CODE && !this.hasCode && !(c === 45 && text.charCodeAt(p + 1) === 45) && !(c === 47 && text.charCodeAt(p + 1) === 42)) {
          this.hasCode = true;
        }
      }
      this.scanLine(w, p, eol, cur);
      this.textLine++;
      lineStart = next;
      cur.lineNo++;
    }
    return undefined;
  }

  // The lexer proper: moves the state across one line (from its first non-blank character to its end).
  private scanLine(w: Window, from: number, eol: number, cur: Cursor): void {
    const text = w.text;
    const n = w.n;
    let state = this.state;
    let pos = from;
    while (pos < eol) {
      if (state === CODE) {
        if (w.nSQ < pos) w.nSQ = find(text, "'", pos, n);
        if (w.nDQ < pos) w.nDQ = find(text, '"', pos, n);
        if (w.nOB < pos) w.nOB = find(text, '[', pos, n);
        if (w.nDash < pos) w.nDash = find(text, '--', pos, n);
        if (w.nOpen < pos) w.nOpen = find(text, '/*', pos, n);
        if (w.nVar < pos) w.nVar = find(text, '$(', pos, n);
        let at = w.nSQ;
        let kind = SQ;
        if (w.nDQ < at) {
          at = w.nDQ;
          kind = DQ;
        }
        if (w.nOB < at) {
          at = w.nOB;
          kind = BR;
        }
        if (w.nDash < at) {
          at = w.nDash;
          kind = LINE_COMMENT;
        }
        if (w.nOpen < at) {
          at = w.nOpen;
          kind = BLOCK;
        }
        if (w.nVar < at) {
          at = w.nVar;
          kind = VARIABLE;
        }
        if (at >= eol || kind === LINE_COMMENT) break;
        if (kind === VARIABLE) {
          pos = this.variableAt(w, at, cur);
          continue;
        }
        state = kind;
        this.stateLine = cur.lineNo;
        this.stateFile = cur.file;
        if (kind === BLOCK) {
          this.depth = 1;
          pos = at + 2;
        } else pos = at + 1;
      } else if (state === BLOCK) {
        if (w.nOpen < pos) w.nOpen = find(text, '/*', pos, n);
        if (w.nClose < pos) w.nClose = find(text, '*/', pos, n);
        if (w.nOpen < w.nClose && w.nOpen < eol) {
          this.depth++;
          pos = w.nOpen + 2;
        } else if (w.nClose < eol) {
          pos = w.nClose + 2;
          if (--this.depth === 0) state = CODE;
        } else break;
      } else {
        // Inside '…', "…" or […]: look for the closing character and for $(name).
        let close: number;
        let closeChar: number;
        if (state === SQ) {
          if (w.nSQ < pos) w.nSQ = find(text, "'", pos, n);
          close = w.nSQ;
          closeChar = 39;
        } else if (state === DQ) {
          if (w.nDQ < pos) w.nDQ = find(text, '"', pos, n);
          close = w.nDQ;
          closeChar = 34;
        } else {
          if (w.nCB < pos) w.nCB = find(text, ']', pos, n);
          close = w.nCB;
          closeChar = 93;
        }
        if (w.nVar < pos) w.nVar = find(text, '$(', pos, n);
        if (w.nVar < close && w.nVar < eol) {
          pos = this.variableAt(w, w.nVar, cur);
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
    this.state = state;
  }

  // A `$(` at `at`: records a reference when it is `$(name)`, else leaves it as text. Returns where to go on.
  private variableAt(w: Window, at: number, cur: Cursor): number {
    const end = varEnd(w.text, at + 2);
    if (end < 0) return at + 1;
    this.pieces.push(w.text.slice(w.pieceStart, at), { name: w.text.slice(at + 2, end), file: cur.file, line: cur.lineNo });
    w.pieceStart = end + 1;
    return end + 1;
  }

  finish(): void {
    if (this.exitedAt) return;
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
    if (undefinedRef) throw undefinedVariable(undefinedRef.name, undefinedRef.file, undefinedRef.line, [...missing]);
    const text = (parts.length === 1 ? parts[0]! : parts.join('')).trimEnd();
    const hasCode = this.hasCode;
    this.discardBatch();
    if (text.length === 0 || (!hasCode && !containsCode(text))) return;
    this.ready.push({
      index: ++this.sentCount,
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

  private discardBatch(): void {
    this.hasContent = false;
    this.hasCode = false;
    this.pieces = [];
  }

  /**
   * Runs the command on the line [lineStart, next) whose first non-blank character starts `m`.
   * Returns NOT_A_COMMAND when the line is SQL after all, HANDLED when the line is consumed, or
   * what the window scan must do next (an include, the end of the script).
   */
  private command(m: CommandMatch, w: Window, lineStart: number, eol: number, next: number, cur: Cursor): typeof NOT_A_COMMAND | typeof HANDLED | Pending {
    const { file, lineNo: line } = cur;
    const text = w.text;
    // Flush the batch's text up to this line; the command line itself is not sent.
    const flush = () => {
      if (this.hasContent) this.pieces.push(text.slice(w.pieceStart, lineStart));
    };
    // Keep the command line's break so line numbers in the batch still match the file.
    const keepLineBreak = () => {
      flush();
      if (!this.hasContent) return;
      this.pieces.push(next > eol ? text.slice(eol, next) : '\n');
      this.textLine++;
    };
    const args = () => text.slice(m.argsStart, eol);
    switch (m.name) {
      case 'go-semicolon':
        this.warnings.push({ file, line, message: '`GO;` is not a batch separator for sqlcmd; the line is sent to the server, which rejects it. Remove the semicolon.' });
        return NOT_A_COMMAND;
      case 'go':
        this.go(args(), file, line, flush);
        return HANDLED;
      case 'system':
      case 'unsupported':
        throw unsupported(m.word, file, line);
      case 'setvar':
        this.setvar(stripArgumentComment(args()).trim(), file, line);
        keepLineBreak();
        return HANDLED;
      case 'on': {
        const mode = /^error[ \t]+(exit|ignore)$/i.exec(stripArgumentComment(args()).trim());
        if (!mode) throw invalidCommand(':on error', 'Use ":on error exit" or ":on error ignore".', file, line);
        this.onError = mode[1]!.toLowerCase() as OnErrorMode;
        keepLineBreak();
        return HANDLED;
      }
      case 'r': {
        const included = this.include(stripArgumentComment(args()).trim(), cur);
        flush();
        return { kind: 'include', included, resume: next };
      }
      case 'reset':
        if (stripArgumentComment(args()).trim() !== '') throw invalidCommand(m.word, `Write ${m.word} alone on its line.`, file, line);
        this.dropUnsent(m.word, file, line, 'discards');
        return HANDLED;
      case 'quit':
        if (stripArgumentComment(args()).trim() !== '') throw invalidCommand(m.word, `Write ${m.word} alone on its line; it ends the script.`, file, line);
        this.dropUnsent(m.word, file, line, 'ends the script and discards');
        this.exitedAt = { file, line };
        return { kind: 'exit' };
      case 'exit':
        this.exit(m.word, args(), cur, flush);
        return { kind: 'exit' };
    }
  }

  private go(arg: string, file: string, line: number, flush: () => void): void {
    const dash = arg.indexOf('--');
    const count = this.substituteArgument((dash === -1 ? arg : arg.slice(0, dash)).trim(), file, line);
    let repeat = 1;
    if (count !== '') {
      repeat = /^\d{1,9}$/.test(count) ? Number(count) : 0;
      if (repeat < 1) {
        throw new AppError(
          'SQL_INVALID_GO_COUNT',
          `${file} line ${line}: "GO ${count}" is not valid; the repeat count must be a whole number of at least 1.`,
          'Write GO alone, or GO followed by a count such as GO 5 (sqlcmd rejects GO 0 and negative counts too).',
          { file, line, count },
        );
      }
    }
    flush();
    if (this.hasContent) this.endBatch(repeat);
  }

  // RESET / QUIT / EXIT without parentheses: the batch built so far is not sent, as in sqlcmd.
  private dropUnsent(word: string, file: string, line: number, verb: string): void {
    if (this.hasContent && this.hasCode) {
      this.warnings.push({
        file,
        line,
        message: `${word} ${verb} the unsent SQL since the last GO (from ${this.firstFile} line ${this.firstLine}), as sqlcmd does; put GO before ${word} to run it.`,
      });
    }
    this.discardBatch();
  }

  // EXIT, EXIT() and EXIT(query): see the file comment.
  private exit(word: string, args: string, cur: Cursor, flush: () => void): void {
    const { file, lineNo: line } = cur;
    const parsed = parseExit(args);
    if (!parsed.ok) throw invalidCommand(word, `Write ${word} alone, ${word}() or ${word}(query) with the query on the same line.`, file, line);
    this.exitedAt = { file, line };
    if (parsed.query === undefined) {
      this.dropUnsent(word, file, line, 'ends the script and discards');
      return;
    }
    flush();
    if (parsed.query !== '') {
      const query = this.substituteArgument(parsed.query, file, line);
      if (this.hasContent) this.mapHere(file, line);
      else this.startBatch(file, line);
      this.pieces.push(query);
      this.lastFile = file;
      this.lastLine = line;
      this.hasCode = true;
      this.warnings.push({
        file,
        line,
        message: `${word}(query) runs the query with the last batch, but its result is not used as an exit code (sqlcmd would); raise an error (THROW or RAISERROR) to make the step fail.`,
      });
    }
    if (this.hasContent) this.endBatch(1);
  }

  private setvar(args: string, file: string, line: number): void {
    const parsed = parseSetvar(args);
    if (!parsed.ok) throw invalidCommand(':setvar', parsed.hint, file, line);
    const name = parsed.name.toLowerCase();
    if (parsed.value === undefined) this.vars.delete(name);
    else this.vars.set(name, parsed.value);
  }

  // Resolves a `:r` target (confinement is the caller's) and checks depth and cycles.
  private include(args: string, cur: Cursor): IncludedFile {
    const { file, key, lineNo: line, depth } = cur;
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
    if (!this.includes.includes(included.file)) this.includes.push(included.file);
    return included;
  }

  // Command arguments (GO count, :r path, EXIT query) may use $(var) too.
  private substituteArgument(arg: string, file: string, line: number): string {
    if (!arg.includes('$(')) return arg;
    return arg.replace(/\$\(([A-Za-z_][A-Za-z0-9_-]*)\)/g, (_m, name: string) => {
      const v = this.vars.get(name.toLowerCase());
      if (v === undefined) throw undefinedVariable(name, file, line, [name]);
      return v;
    });
  }
}

// Decides the line-break convention at the file's first CR (see the file comment).
function decideLineBreaks(cur: Cursor, chunk: string): void {
  if (cur.loneCr !== undefined) return;
  if (cur.pendingCr) {
    cur.loneCr = chunk.charCodeAt(0) !== LF;
    cur.pendingCr = false;
    return;
  }
  const cr = chunk.indexOf('\r');
  if (cr === -1) return;
  if (cr + 1 < chunk.length) cur.loneCr = chunk.charCodeAt(cr + 1) !== LF;
  else cur.pendingCr = true;
}

// Position just after the first line break of a chunk (a CR only when CR breaks count), or 0.
function firstLineEnd(chunk: string, loneCr: boolean): number {
  const lf = chunk.indexOf('\n');
  if (!loneCr) return lf + 1;
  const cr = chunk.indexOf('\r');
  if (cr === -1 || (lf !== -1 && lf < cr)) return lf + 1;
  return chunk.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
}

/**
 * Position just after the last line break of a chunk that can end a line now, or 0. A CR at the
 * very end of a chunk is never used: its LF may start the next chunk.
 */
function usableEnd(chunk: string, loneCr: boolean): number {
  const lf = chunk.lastIndexOf('\n');
  if (!loneCr) return lf + 1;
  let cr = chunk.lastIndexOf('\r');
  if (cr === chunk.length - 1) cr = cr > 0 ? chunk.lastIndexOf('\r', cr - 1) : -1;
  return Math.max(lf, cr) + 1;
}

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
    'Only GO, :setvar, :r, :on error, RESET, QUIT and EXIT are supported; remove the command or move that work into a separate step.',
    { file, line, command },
  );
}

function invalidCommand(command: string, hint: string, file: string, line: number): AppError {
  return new AppError('SQL_INVALID_COMMAND', `${file} line ${line}: the ${command} command is malformed.`, hint, { file, line, command });
}

function undefinedVariable(name: string, file: string, line: number, missing: string[]): AppError {
  return new AppError(
    'SQL_UNDEFINED_VARIABLE',
    `The scripting variable $(${name}) used in ${file} line ${line} is not defined.`,
    `Define ${name} with :setvar in the script, in the step's settings, or as a tenant variable (Drop Runner never reads environment variables for $(${name}), unlike sqlcmd).`,
    { variable: name, file, line, missing },
  );
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
