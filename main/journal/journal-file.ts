/**
 * The deployment journal on disk: `<data>/deployments/<id>/journal.jsonl`, one event per line.
 * Every event that changes the deployment's state (started, step started/finished, decisions,
 * warnings, artifacts, finished…) is fsync'ed before it is shown to anyone, so what the UI or CLI
 * saw of the deployment's state is what a power cut leaves on disk. Log lines and progress, which a
 * chatty script produces by the thousand, are written at once but fsync'ed as a group within
 * LOG_FLUSH_MS (or with the next state event): an fsync per line cost ~180 µs here and far more on a
 * hospital VM's shared storage (`npm run bench:journal`). A killed process loses none of them (the
 * OS has the writes); a power cut loses at most that window of log lines, never a state change.
 * Every event passes the deployment's Redactor on the way in.
 *
 * A crash can tear the last line. Reading sets it aside; opening for append cuts it off first, so
 * the next event starts on a clean line instead of gluing itself to half an old one.
 */
import { readFile } from 'node:fs/promises';
import { closeSync, existsSync, fstatSync, statSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../common/errors';
import type { JournalEvent, JournalEventInput } from '../../common/journal-events';
import type { Redactor } from '../variables/redactor';
import { ensureDirSync } from '../platform/ensure-dir';
import { writingTo } from '../platform/disk-full';

/** A journal read from disk. */
export interface JournalRead {
  events: JournalEvent[];
  /** True when the last line was incomplete (the writer died mid-line) and was left out. */
  tornTail: boolean;
}

/** Reads a journal; a torn last line is left out, any other bad line is DEPLOY_JOURNAL_INVALID naming it. */
export function readJournal(path: string): JournalRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AppError('DEPLOY_NOT_FOUND', code === 'ENOENT' ? `There is no deployment journal at ${path}.` : `The deployment journal ${path} cannot be read (${code}).`, 'Run `drop-runner history` to list the deployments on this machine.', { path });
  }
  return parseJournalText(text, path);
}

/** Parses journal text (see readJournal). */
export function parseJournalText(text: string, path: string): JournalRead {
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n') || text === '';
  const events: JournalEvent[] = [];
  let tornTail = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const last = i === lines.length - 1;
    try {
      events.push(JSON.parse(line) as JournalEvent);
    } catch {
      if (last && !endsClean) {
        tornTail = true;
        continue;
      }
      throw new AppError('DEPLOY_JOURNAL_INVALID', `Line ${i + 1} of the deployment journal ${path} is not valid JSON.`, 'The journal was damaged outside Drop Runner; send it to the vendor.', { path, line: i + 1 });
    }
  }
  return { events, tornTail };
}

/**
 * Reads a journal for a report: a torn last line becomes a warning instead of a refusal, because the
 * report of an interrupted run is exactly what IT needs then. Errors carry the REPORT_ codes the
 * report command and handlers document.
 */
export async function readJournalForReport(path: string): Promise<{ events: JournalEvent[]; warnings: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(
      'REPORT_JOURNAL_NOT_FOUND',
      code === 'ENOENT' ? `There is no deployment journal at ${path}.` : `The deployment journal ${path} cannot be read (${code ?? String(err)}).`,
      'Give a deployment id listed under <data>/deployments/ or the path of a journal.jsonl file.',
      { path, errno: code },
    );
  }
  let read: JournalRead;
  try {
    read = parseJournalText(text, path);
  } catch (error) {
    if (error instanceof AppError && error.code === 'DEPLOY_JOURNAL_INVALID') throw new AppError('REPORT_JOURNAL_INVALID', error.message, 'The journal file is damaged; send it to the vendor.', error.details);
    throw error;
  }
  const lineCount = text.split('\n').length;
  const warnings = read.tornTail ? [`Line ${lineCount} of ${path} is incomplete (the run was probably interrupted while writing it) and was left out.`] : [];
  return { events: read.events, warnings };
}

/** How long log and progress lines may wait for their fsync. */
export const LOG_FLUSH_MS = 50;

/** Events fsync'ed as a group: they say what a step printed or how far it got, not what state the deployment is in. */
const GROUPED = new Set<JournalEvent['type']>(['log', 'progress']);

export interface JournalWriterOptions {
  /** The fsync to use (tests count the calls). */
  fsync?: (fd: number) => void;
  /** Overrides LOG_FLUSH_MS. */
  logFlushMs?: number;
}

/** Appends events to one journal file; single writer per deployment (the lock guarantees it). */
export class JournalWriter {
  private fd: number;
  private seq: number;
  private closed = false;
  /** Grouped lines written since the last fsync. */
  private unsynced = false;
  private flushTimer: NodeJS.Timeout | undefined;
  /** A group fsync that failed in its timer, thrown by the next append. */
  private deferred: unknown;
  private readonly fsync: (fd: number) => void;
  private readonly logFlushMs: number;

  private constructor(
    readonly path: string,
    fd: number,
    lastSeq: number,
    private readonly redactor: Redactor,
    private readonly now: () => Date,
    options: JournalWriterOptions,
  ) {
    this.fd = fd;
    this.seq = lastSeq;
    this.fsync = options.fsync ?? fsyncSync;
    this.logFlushMs = options.logFlushMs ?? LOG_FLUSH_MS;
  }

  /** Opens (creating) the journal for appending after cutting off a torn last line; numbering continues after the last event. */
  static open(path: string, redactor: Redactor, now: () => Date = () => new Date(), options: JournalWriterOptions = {}): JournalWriter {
    ensureDirSync(dirname(path));
    let lastSeq = 0;
    let needsNewline = false;
    // Only a regular file has earlier events to read (a device such as /dev/full would read forever).
    if (existsSync(path) && statSync(path).isFile()) {
      const text = readFileSync(path, 'utf8');
      const read = parseJournalText(text, path);
      lastSeq = read.events.reduce((m, e) => Math.max(m, typeof e.seq === 'number' ? e.seq : 0), 0);
      if (read.tornTail) {
        const keep = Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1), 'utf8');
        const fd = openSync(path, 'r+');
        try {
          ftruncateSync(fd, keep);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } else needsNewline = text !== '' && !text.endsWith('\n');
    }
    const fd = openSync(path, 'a', 0o600);
    // A complete last event without its line break (written by hand or another tool) keeps its line.
    if (needsNewline) {
      writeSync(fd, '\n');
      fsyncSync(fd);
    }
    return new JournalWriter(path, fd, lastSeq, redactor, now, options);
  }

  /** The seq of the last event written. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Stamps, numbers, redacts and writes one event, fsync'ed now (state) or within the flush window (log, progress); returns it as written. */
  append(input: JournalEventInput): JournalEvent {
    if (this.closed) throw new AppError('DEPLOY_JOURNAL_CLOSED', `The journal ${this.path} is closed.`, 'This is a bug in Drop Runner; send the journal to the vendor.');
    if (this.deferred) throw this.deferred;
    const event = this.redactor.redactValue({ seq: this.seq + 1, at: this.now().toISOString(), ...input } as JournalEvent);
    const line = Buffer.from(`${JSON.stringify(event)}\n`, 'utf8');
    let written = 0;
    writingTo(this.path, () => {
      while (written < line.length) written += writeSync(this.fd, line, written, line.length - written);
    });
    this.seq = event.seq;
    if (GROUPED.has(event.type)) {
      this.unsynced = true;
      if (!this.flushTimer) {
        // A failed group fsync (a full disk) cannot throw from a timer: the next append reports it.
        this.flushTimer = setTimeout(() => {
          try {
            this.flush();
          } catch (error) {
            this.deferred = error;
          }
        }, this.logFlushMs);
        // A pending flush must not keep a finished CLI run alive; close() flushes anyway.
        this.flushTimer.unref();
      }
    } else this.flush();
    return event;
  }

  /** fsyncs what was written; also ends a pending group flush. */
  flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.closed) return;
    writingTo(this.path, () => this.fsync(this.fd));
    this.unsynced = false;
  }

  /** True while grouped lines wait for their fsync. */
  get pendingFlush(): boolean {
    return this.unsynced;
  }

  /** fsyncs anything pending, then closes the file; later appends fail. */
  close(): void {
    if (this.closed) return;
    try {
      if (this.unsynced || this.flushTimer) this.flush();
    } finally {
      // Closed even when that last fsync failed (a full disk): the error is the caller's, the descriptor is not leaked.
      this.closed = true;
      closeSync(this.fd);
    }
  }
}

/** Reads the first line and the last `tailBytes` of a journal without loading all of it (for the deployments index). */
export function readJournalEnds(path: string, tailBytes = 65536): { first: JournalEvent | undefined; tail: JournalEvent[] } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const headLen = Math.min(size, 1 << 20);
    const head = Buffer.alloc(headLen);
    readSync(fd, head, 0, headLen, 0);
    const headText = head.toString('utf8');
    const nl = headText.indexOf('\n');
    let first: JournalEvent | undefined;
    try {
      first = nl === -1 ? undefined : (JSON.parse(headText.slice(0, nl)) as JournalEvent);
    } catch {
      first = undefined;
    }
    const start = Math.max(0, size - tailBytes);
    const tailBuf = Buffer.alloc(size - start);
    readSync(fd, tailBuf, 0, tailBuf.length, start);
    const lines = tailBuf.toString('utf8').split('\n');
    if (start > 0) lines.shift();
    const tail: JournalEvent[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        tail.push(JSON.parse(line) as JournalEvent);
      } catch {
        // A torn last line says nothing about the state.
      }
    }
    return { first, tail };
  } finally {
    closeSync(fd);
  }
}
