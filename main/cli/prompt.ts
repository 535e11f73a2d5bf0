/**
 * Interactive input for CLI commands: a line, a yes/no answer, or a secret typed without echo.
 * On a terminal the secret is read in raw mode so it never appears on screen or in scrollback;
 * when stdin is a pipe (scripts, tests) lines are read as they come, so the same command is scriptable.
 */
import { AppError } from '../../common/errors';

interface TtyStream extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

// One buffered reader per stream, so consecutive prompts on a pipe do not lose each other's lines.
const readers = new WeakMap<NodeJS.ReadableStream, LineReader>();

class LineReader {
  private buffer = '';
  private ended = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly stream: NodeJS.ReadableStream) {
    stream.on('data', (chunk: Buffer | string) => {
      this.buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      this.wake();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
    stream.on('error', () => {
      this.ended = true;
      this.wake();
    });
  }

  /** Resolves the next line without its line ending, or null at end of input. */
  async next(): Promise<string | null> {
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl !== -1) {
        const line = this.buffer.slice(0, nl).replace(/\r$/, '');
        this.buffer = this.buffer.slice(nl + 1);
        this.pauseIfIdle();
        return line;
      }
      if (this.ended) {
        if (this.buffer.length === 0) return null;
        const rest = this.buffer;
        this.buffer = '';
        return rest;
      }
      this.stream.resume();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  // A paused stdin lets the process exit when the command is done.
  private pauseIfIdle() {
    if (this.waiters.length === 0) this.stream.pause();
  }
}

function lineReader(stream: NodeJS.ReadableStream): LineReader {
  let reader = readers.get(stream);
  if (!reader) readers.set(stream, (reader = new LineReader(stream)));
  return reader;
}

/** Raised when the user presses Ctrl+C at a prompt or input ends before an answer; commands exit 130. */
export function promptCancelled(): AppError {
  return new AppError('CANCELLED', 'Cancelled at the prompt; nothing was changed.', 'Run the command again when ready.');
}

/** Asks for one line of input (echoed). Resolves null when input has ended. */
export async function promptLine(stdin: NodeJS.ReadableStream, stderr: (s: string) => void, question: string): Promise<string | null> {
  stderr(question);
  const line = await lineReader(stdin).next();
  // Piped input is not echoed, so end the prompt's line ourselves: what follows starts on its own line.
  if (!(stdin as TtyStream).isTTY) stderr('\n');
  return line;
}

/** Asks a yes/no question; only "y"/"yes" (any case) is yes. End of input counts as no. */
export async function promptYesNo(stdin: NodeJS.ReadableStream, stderr: (s: string) => void, question: string): Promise<boolean> {
  const answer = await promptLine(stdin, stderr, `${question} [y/N] `);
  return answer !== null && /^\s*y(es)?\s*$/i.test(answer);
}

/** Reads a secret: without echo on a terminal, as a plain line from a pipe. Throws CANCELLED on Ctrl+C or end of input. */
export async function promptSecret(stdin: NodeJS.ReadableStream, stderr: (s: string) => void, question: string): Promise<string> {
  const tty = stdin as TtyStream;
  stderr(question);
  if (!tty.isTTY || typeof tty.setRawMode !== 'function') {
    const line = await lineReader(stdin).next();
    stderr('\n');
    if (line === null) throw promptCancelled();
    return line;
  }
  return new Promise<string>((resolve, reject) => {
    let typed = '';
    const finish = (error?: AppError) => {
      tty.setRawMode!(false);
      stdin.removeListener('data', onData);
      stdin.pause();
      stderr('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(promptCancelled());
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed += ch;
      }
    };
    tty.setRawMode!(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}
