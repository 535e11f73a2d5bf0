/**
 * Reads a script from disk and splits it, resolving `:r` includes relative to the including file
 * and refusing any include that leaves the package folder (a drop must not read C:\Windows or
 * another package's files through a crafted `:r ..\..\x`).
 *
 * Files are streamed (script-source.ts): `streamSqlFile` yields batches as it reads, so memory
 * follows the largest batch, not the script. A caller that must not send anything from a script it
 * would refuse (the script runner) first runs `scanSqlFile` over it, then streams it again to send;
 * the second read checks that every file read is byte for byte what the scan read
 * (SQL_SCRIPT_CHANGED otherwise) and reads with the encodings the scan settled on.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../common/errors';
import { collectBatches, splitSqlSource, splitSqlText, type IncludedFile, type SplitResult, type SplitSummary, type SqlBatch, type TextSource } from './batch-splitter';
import { decodeScript, type ScriptEncoding } from './script-decoding';
import { EncodingRestart, ScriptSource, SCRIPT_CHUNK_BYTES, type FileStamp } from './script-source';

export interface SplitFileOptions {
  /** Folder the script and its includes must stay inside; defaults to the script's own folder. */
  packageRoot?: string;
  /** Name used in batches and errors; defaults to the path relative to the package root. */
  displayName?: string;
  variables?: Record<string, string> | Map<string, string>;
}

/** What one read of a script established, for reading it again identically. */
export interface ScriptReadFacts {
  /** SHA-256 of the script file's bytes. */
  sha256: string;
  stamp: FileStamp;
  encoding: ScriptEncoding;
  /** SHA-256 of every file read (the script and its includes), by real path. */
  digests: Map<string, string>;
  /** Real paths of the files read as Windows-1252 although they start like UTF-8. */
  windows1252: Set<string>;
}

export interface StreamFileOptions extends SplitFileOptions {
  /** From an earlier read: every file must be unchanged (SQL_SCRIPT_CHANGED) and is decoded the same way. */
  expect?: ScriptReadFacts;
  /** Real paths to read as Windows-1252 (after an EncodingRestart). */
  windows1252?: ReadonlySet<string>;
  chunkBytes?: number;
  /** false: skip hashing (sha256 and digests are then empty); for listing batches only. Default true. */
  hash?: boolean;
}

export type StreamFileSummary = SplitSummary & ScriptReadFacts;

export interface SplitFileResult extends SplitResult {
  encoding: ScriptEncoding;
  sha256: string;
}

export interface ScanFileResult extends StreamFileSummary {
  /** Batches that will be sent, counting GO repeats. */
  batchCount: number;
}

/** Reads, decodes and splits one script file with `:r` confined to the package root; keeps every batch. */
export async function splitSqlFile(file: string, options: SplitFileOptions = {}): Promise<SplitFileResult> {
  return withEncodingRestarts(options, (windows1252) => collectBatches(streamSqlFile(file, { ...options, windows1252 })));
}

/**
 * Reads and splits a script once without keeping its batches: the plan's batch count, the file's
 * hash, and every error the script would raise, before anything is sent.
 */
export function scanSqlFile(file: string, options: SplitFileOptions & { chunkBytes?: number } = {}): ScanFileResult {
  return withEncodingRestarts(options, (windows1252) => {
    const batches = streamSqlFile(file, { ...options, windows1252 });
    let batchCount = 0;
    let step = batches.next();
    while (!step.done) {
      batchCount += step.value.repeat;
      step = batches.next();
    }
    return { ...step.value, batchCount };
  });
}

// Runs a read, and again with the file named by an EncodingRestart read as Windows-1252.
function withEncodingRestarts<T>(options: SplitFileOptions & { windows1252?: ReadonlySet<string> }, read: (windows1252: Set<string>) => T): T {
  const windows1252 = new Set(options.windows1252 ?? []);
  for (;;) {
    try {
      return read(windows1252);
    } catch (error) {
      // Each restart adds a file, so this ends after at most one restart per file read.
      if (!(error instanceof EncodingRestart) || windows1252.has(error.key)) throw error;
      windows1252.add(error.key);
    }
  }
}

/**
 * Streams the batches of a script file; the return value has the file's hash and encoding. Throws
 * EncodingRestart when a file must be read again as Windows-1252 (see script-source.ts).
 */
export function* streamSqlFile(file: string, options: StreamFileOptions = {}): Generator<SqlBatch, StreamFileSummary, void> {
  const absolute = path.resolve(file);
  const root = path.resolve(options.packageRoot ?? path.dirname(absolute));
  const realRoot = safeRealpath(root) ?? root;
  const display = options.displayName ?? displayNameFor(root, absolute);
  const key = safeRealpath(absolute) ?? absolute;
  const windows1252 = new Set(options.windows1252 ?? options.expect?.windows1252 ?? []);
  const digests = new Map<string, string>();
  const source = openScript(absolute, key, windows1252, options);
  try {
    const expect = options.expect;
    if (expect && (expect.stamp.size !== source.stamp.size || expect.stamp.mtimeMs !== source.stamp.mtimeMs)) throw scriptChanged(display);
    const summary = yield* splitSqlSource(source, {
      file: display,
      key,
      ...(options.variables ? { variables: options.variables } : {}),
      resolveInclude: (spec, from) => {
        const target = resolveInclude(spec, from, root, realRoot);
        const included = openScript(target.real, target.real, windows1252, options);
        return { file: target.file, key: target.real, text: checkedInclude(included, target.real, target.file, digests, expect) } satisfies IncludedFile;
      },
    });
    if (source.warning) summary.warnings.unshift({ file: display, line: 1, message: source.warning });
    const sha256 = source.digest();
    if (expect && expect.sha256 !== sha256) throw scriptChanged(display);
    if (sha256 !== '') digests.set(key, sha256);
    return { ...summary, sha256, stamp: source.stamp, encoding: source.encoding, digests, windows1252 };
  } finally {
    source.close();
  }
}

function openScript(target: string, key: string, windows1252: ReadonlySet<string>, options: { chunkBytes?: number; hash?: boolean; expect?: ScriptReadFacts }): ScriptSource {
  try {
    return new ScriptSource(target, {
      key,
      chunkBytes: options.chunkBytes ?? SCRIPT_CHUNK_BYTES,
      hash: options.hash !== false || options.expect !== undefined,
      ...(windows1252.has(key) ? { encoding: 'windows-1252' } : {}),
    });
  } catch (error) {
    throw scriptUnreadable(target, error);
  }
}

// Records an included file's SHA-256 once it has been read to its end, and compares it with the earlier read's.
function checkedInclude(source: ScriptSource, key: string, display: string, digests: Map<string, string>, expect: ScriptReadFacts | undefined): TextSource {
  return {
    read: () => {
      const text = source.read();
      if (text === null && !digests.has(key)) {
        const digest = source.digest();
        if (digest === '') return text;
        digests.set(key, digest);
        const before = expect?.digests.get(key);
        if (before !== undefined && before !== digest) throw scriptChanged(display);
      }
      return text;
    },
    close: () => source.close(),
  };
}

function scriptChanged(file: string): AppError {
  return new AppError(
    'SQL_SCRIPT_CHANGED',
    `${file} changed on disk after it was checked; it was not run to the end.`,
    'Nothing may edit the drop while it deploys. Retry the step; with transaction mode "none" the part already sent stays applied.',
    { file },
  );
}

/** SHA-256 of a file, read in chunks (for scripts that are only compared with the journal). */
export function hashFile(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw scriptUnreadable(file, error);
  }
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(SCRIPT_CHUNK_BYTES);
    for (let got = readSync(fd, buffer, 0, buffer.length, null); got > 0; got = readSync(fd, buffer, 0, buffer.length, null)) hash.update(buffer.subarray(0, got));
    return hash.digest('hex');
  } catch (error) {
    throw scriptUnreadable(file, error);
  } finally {
    closeSync(fd);
  }
}

/** Splits script bytes already in memory (whole, not streamed); `file` is its absolute path (for includes and names). */
export function splitSqlBytes(bytes: Buffer, file: string, options: SplitFileOptions = {}): SplitFileResult {
  const absolute = path.resolve(file);
  const root = path.resolve(options.packageRoot ?? path.dirname(absolute));
  const realRoot = safeRealpath(root) ?? root;
  const display = options.displayName ?? displayNameFor(root, absolute);
  const decoded = decodeScript(bytes);
  const result = withEncodingRestarts(options, (windows1252) =>
    splitSqlText(decoded.text, {
      file: display,
      key: safeRealpath(absolute) ?? absolute,
      ...(options.variables ? { variables: options.variables } : {}),
      resolveInclude: (spec, from) => {
        const target = resolveInclude(spec, from, root, realRoot);
        return { file: target.file, key: target.real, text: openScript(target.real, target.real, windows1252, {}) };
      },
    }),
  );
  if (decoded.warning) result.warnings.unshift({ file: display, line: 1, message: decoded.warning });
  return { ...result, encoding: decoded.encoding, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function resolveInclude(spec: string, from: { file: string; key: string; line: number }, root: string, realRoot: string): { file: string; real: string } {
  // sqlcmd scripts come from Windows: accept backslashes as separators everywhere.
  const normalised = spec.replace(/\\/g, '/');
  const outside = () =>
    new AppError(
      'SQL_INCLUDE_OUTSIDE_PACKAGE',
      `${from.file} line ${from.line}: ":r ${spec}" points outside the package folder.`,
      'Included files must be inside the same package; copy the file into the package and include it by a relative path.',
      { file: from.file, line: from.line, include: spec },
    );
  if (path.isAbsolute(normalised) || /^[A-Za-z]:/.test(normalised)) throw outside();
  const target = path.resolve(path.dirname(from.key), normalised);
  if (!isInside(realRoot, target) && !isInside(root, target)) throw outside();
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new AppError(
      'SQL_INCLUDE_NOT_FOUND',
      `${from.file} line ${from.line}: the included file "${spec}" does not exist.`,
      'Check the :r path; it is relative to the folder of the script that includes it.',
      { file: from.file, line: from.line, include: spec },
    );
  }
  if (!isInside(realRoot, real)) throw outside();
  return { file: displayNameFor(realRoot, real), real };
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function displayNameFor(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function scriptUnreadable(file: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException)?.code;
  return new AppError(
    'SQL_SCRIPT_UNREADABLE',
    `The script ${file} cannot be read${code ? ` (${code})` : ''}.`,
    code === 'ENOENT' ? 'Check the path; the file does not exist.' : 'Check that the file exists and that you may read it.',
    { file, ...(code ? { errno: code } : {}) },
  );
}
