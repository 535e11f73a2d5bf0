import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open as openFile, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';
import type { DropFile } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import { dropError } from './drop-errors';
import { entryKind } from './entry-attributes';
import { checkEntryName, EntryRegistry, printable } from './entry-name';
import { hashFile, HashingPassThrough, SizeMismatchError } from './hashing';
import { resolveLimits, type DropLimits } from './limits';
import { ensureDir } from '../platform/ensure-dir';

/** What a safe extraction produced: every regular file with its hash, and the sha256 of the zip itself. */
export interface ExtractResult {
  files: DropFile[];
  /** Folders the zip declared or implied, relative, forward slashes. */
  directories: string[];
  /** Hex sha256 of the zip file exactly as received. */
  sha256: string;
  totalSize: number;
}

interface PlannedEntry {
  entry: Entry;
  path: string;
}

// Room kept free beyond the drop itself so the journal and report can still be written afterwards.
const DISK_HEADROOM = 64 * 1024 * 1024;

/**
 * Extracts a zip into destDir (which must not exist yet) after checking every entry's name, kind and
 * size against the limits; hashes every file while writing it. On any failure destDir is removed, so
 * a rejected zip leaves nothing behind. Used for native drops and by the Octopus importer.
 */
export async function extractZipSafely(zipPath: string, destDir: string, limitsIn?: Partial<DropLimits>): Promise<ExtractResult> {
  const limits = resolveLimits(limitsIn);
  const zipSize = await sizeOfZip(zipPath);
  const zip = await openZip(zipPath, zipSize);
  let created = false;
  const stopHash = new AbortController();
  const zipHash = hashFile(zipPath, stopHash.signal);
  // The hash runs alongside extraction; an early rejection must not leave it as an unhandled rejection.
  zipHash.catch(() => undefined);
  try {
    const plan = await planEntries(zip, zipSize, limits);
    await checkFreeSpace(dirname(destDir), plan.totalSize);
    await mkdir(destDir, { recursive: false });
    created = true;
    const madeDirs = new Set<string>();
    for (const dir of plan.directories) await mkdirOnce(join(destDir, dir), madeDirs);
    const files: DropFile[] = [];
    for (const item of plan.files) files.push(await extractEntry(zip, zipPath, zipSize, item, destDir, madeDirs));
    files.sort((a, b) => compareStrings(a.path, b.path));
    const { sha256 } = await zipHash;
    return { files, directories: plan.directories, sha256, totalSize: plan.totalSize };
  } catch (error) {
    stopHash.abort();
    if (created) await rm(destDir, { recursive: true, force: true });
    throw asDropError(error, zipPath, destDir);
  } finally {
    zip.close();
  }
}

/** Code-point order, so the order never depends on the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function sizeOfZip(zipPath: string): Promise<number> {
  try {
    const info = await stat(zipPath);
    if (!info.isFile()) throw dropError('DROP_NOT_ZIP', `"${zipPath}" is not a file.`, { path: zipPath });
    return info.size;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw dropError('DROP_NOT_FOUND', `Cannot read "${zipPath}": ${(error as Error).message}`, { path: zipPath });
  }
}

async function startsWithLocalHeader(zipPath: string): Promise<boolean> {
  const handle = await openFile(zipPath, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    await handle.close();
  }
}

function openZip(zipPath: string, zipSize: number): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false }, (error, zip) => {
      if (!error && zip) return resolve(zip);
      const message = error?.message ?? 'unknown error';
      if (zipSize === 0) return reject(dropError('DROP_NOT_ZIP', `"${zipPath}" is empty, not a zip.`, { path: zipPath }));
      startsWithLocalHeader(zipPath)
        .then((looksLikeZip) => {
          if (looksLikeZip) {
            reject(dropError('DROP_TRUNCATED', `"${zipPath}" starts like a zip but its end is missing or damaged (${message}).`, { path: zipPath }));
          } else {
            reject(dropError('DROP_NOT_ZIP', `"${zipPath}" is not a zip archive (${message}).`, { path: zipPath }));
          }
        })
        .catch(reject);
    });
  });
}

interface Plan {
  files: PlannedEntry[];
  directories: string[];
  totalSize: number;
}

/** Reads the whole central directory first, so an unsafe zip is refused before a single byte is written. */
function planEntries(zip: ZipFile, zipSize: number, limits: DropLimits): Promise<Plan> {
  if (zip.entryCount > limits.maxEntries) {
    return Promise.reject(
      dropError('DROP_TOO_MANY_ENTRIES', `The zip has ${zip.entryCount} entries; the limit is ${limits.maxEntries}.`, {
        entries: zip.entryCount,
        limit: limits.maxEntries,
      }),
    );
  }
  return new Promise((resolve, reject) => {
    const registry = new EntryRegistry();
    const files: PlannedEntry[] = [];
    const directories = new Set<string>();
    const offsets = new Set<number>();
    let totalSize = 0;
    let count = 0;
    const fail = (error: unknown): void => {
      zip.removeAllListeners('entry');
      reject(error);
    };
    zip.on('error', fail);
    zip.on('entry', (entry: Entry) => {
      try {
        count++;
        if (count > limits.maxEntries) {
          throw dropError('DROP_TOO_MANY_ENTRIES', `The zip has more than ${limits.maxEntries} entries.`, { limit: limits.maxEntries });
        }
        const raw = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
        const name = checkEntryName(raw, limits.maxPathLength);
        const kind = entryKind(entry.externalFileAttributes, name.isDirectory);
        if (kind === 'symlink' || kind === 'special') {
          throw dropError('DROP_SPECIAL_ENTRY', `Entry "${printable(raw)}" is a ${kind === 'symlink' ? 'symbolic link' : 'device or other special file'}.`, {
            entry: printable(raw),
          });
        }
        const isDirectory = kind === 'directory';
        if (isDirectory && entry.uncompressedSize > 0) {
          throw dropError('DROP_SPECIAL_ENTRY', `Entry "${printable(raw)}" is marked as a folder but holds data.`, { entry: printable(raw) });
        }
        registry.add({ path: name.path, isDirectory });
        const segments = name.path.split('/');
        for (let i = 1; i < segments.length; i++) directories.add(segments.slice(0, i).join('/'));
        if (isDirectory) {
          directories.add(name.path);
          zip.readEntry();
          return;
        }
        if (entry.isEncrypted()) {
          throw dropError('DROP_UNSUPPORTED_ENTRY', `Entry "${name.path}" is encrypted.`, { entry: name.path });
        }
        if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
          throw dropError('DROP_UNSUPPORTED_ENTRY', `Entry "${name.path}" uses compression method ${entry.compressionMethod}; only stored and deflate are read.`, {
            entry: name.path,
            method: entry.compressionMethod,
          });
        }
        if (entry.uncompressedSize > limits.maxFileSize) {
          throw dropError('DROP_TOO_LARGE', `Entry "${name.path}" is ${entry.uncompressedSize} bytes; the limit for one file is ${limits.maxFileSize}.`, {
            entry: name.path,
            size: entry.uncompressedSize,
            limit: limits.maxFileSize,
          });
        }
        totalSize += entry.uncompressedSize;
        if (totalSize > limits.maxTotalSize) {
          throw dropError('DROP_TOO_LARGE', `The zip expands to more than ${limits.maxTotalSize} bytes (reached at "${name.path}").`, {
            entry: name.path,
            limit: limits.maxTotalSize,
          });
        }
        if (entry.uncompressedSize >= limits.ratioMinSize && entry.uncompressedSize / Math.max(entry.compressedSize, 1) > limits.maxCompressionRatio) {
          throw dropError(
            'DROP_ZIP_BOMB',
            `Entry "${name.path}" expands ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))}:1 (${entry.compressedSize} → ${entry.uncompressedSize} bytes); the limit is ${limits.maxCompressionRatio}:1.`,
            { entry: name.path, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize, limit: limits.maxCompressionRatio },
          );
        }
        // Overlapping entries are the trick behind non-recursive zip bombs: many names, one payload.
        if (offsets.has(entry.relativeOffsetOfLocalHeader)) {
          throw dropError('DROP_ZIP_BOMB', `Entry "${name.path}" shares its data with another entry (overlapping entries).`, { entry: name.path });
        }
        offsets.add(entry.relativeOffsetOfLocalHeader);
        files.push({ entry, path: name.path });
        zip.readEntry();
      } catch (error) {
        fail(error);
      }
    });
    zip.once('end', () => {
      zip.removeListener('error', fail);
      // Later failures arrive through openReadStream callbacks; an unheard 'error' event would crash the process.
      zip.on('error', () => undefined);
      if (totalSize >= limits.ratioMinSize && totalSize / Math.max(zipSize, 1) > limits.maxCompressionRatio) {
        reject(
          dropError('DROP_ZIP_BOMB', `The zip expands ${Math.round(totalSize / Math.max(zipSize, 1))}:1 overall; the limit is ${limits.maxCompressionRatio}:1.`, {
            totalSize,
            zipSize,
            limit: limits.maxCompressionRatio,
          }),
        );
        return;
      }
      // Reading in file order keeps the disk access sequential.
      files.sort((a, b) => a.entry.relativeOffsetOfLocalHeader - b.entry.relativeOffsetOfLocalHeader);
      const dirs = [...directories].sort(compareStrings);
      resolve({ files, directories: dirs, totalSize });
    });
    zip.readEntry();
  });
}

async function checkFreeSpace(dir: string, needed: number): Promise<void> {
  let available: number;
  try {
    const info = await statfs(dir);
    available = info.bavail * info.bsize;
  } catch {
    return; // Not every file system reports free space; the write itself will then fail clearly.
  }
  if (available < needed + DISK_HEADROOM) {
    throw dropError('DROP_NO_SPACE', `Extracting needs ${needed} bytes plus headroom in "${dir}", but only ${available} bytes are free.`, {
      needed,
      available,
    });
  }
}

async function mkdirOnce(dir: string, made: Set<string>): Promise<void> {
  if (made.has(dir)) return;
  await ensureDir(dir);
  made.add(dir);
}

// Large reads and inflate chunks: at the default 16 KiB, per-chunk overhead (callbacks, buffers, GC)
// costs more CPU than the inflating itself.
const READ_CHUNK = 1024 * 1024;
const INFLATE_CHUNK = 256 * 1024;

async function extractEntry(zip: ZipFile, zipPath: string, zipSize: number, item: PlannedEntry, destDir: string, madeDirs: Set<string>): Promise<DropFile> {
  const { entry } = item;
  const target = join(destDir, item.path);
  await mkdirOnce(dirname(target), madeDirs);
  let dataStart: number;
  try {
    // yauzl checks the local header's signature; the data itself is read here in large chunks.
    dataStart = (await zip.readLocalFileHeaderPromise(entry, { minimal: true })).fileDataStart;
  } catch (error) {
    throw readError(error, item.path);
  }
  if (dataStart + entry.compressedSize > zipSize) {
    throw dropError('DROP_TRUNCATED', `Entry "${item.path}" runs past the end of the zip.`, { entry: item.path });
  }
  const hasher = new HashingPassThrough(entry.uncompressedSize);
  const out = createWriteStream(target, { flags: 'wx', mode: 0o644, highWaterMark: READ_CHUNK });
  const source: Readable =
    entry.compressedSize === 0
      ? Readable.from([])
      : // A stream of its own per entry: a shared fd would be closed by the first stream destroyed on error.
        createReadStream(zipPath, { start: dataStart, end: dataStart + entry.compressedSize - 1, highWaterMark: READ_CHUNK });
  try {
    if (entry.compressionMethod === 8) {
      if (entry.compressedSize === 0) throw new SizeMismatchError('a deflated entry cannot be empty');
      await pipeline(source, createInflateRaw({ chunkSize: INFLATE_CHUNK }), hasher, out);
    } else {
      await pipeline(source, hasher, out);
    }
  } catch (error) {
    if (isWriteError(error)) throw writeError(error, item.path, destDir);
    throw readError(error, item.path);
  }
  if (hasher.crc32() !== entry.crc32 >>> 0) {
    throw dropError('DROP_CORRUPT_ENTRY', `Entry "${item.path}" is corrupt: its CRC-32 does not match.`, { entry: item.path });
  }
  return { path: item.path, size: hasher.bytes, sha256: hasher.sha256() };
}

function isWriteError(error: unknown): boolean {
  const err = error as NodeJS.ErrnoException | undefined;
  // Reads of the zip go through the same syscalls; only failures on the output side are the disk's fault.
  return typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code) && (err.syscall === 'open' || err.syscall === 'write' || err.syscall === 'mkdir');
}

function writeError(error: unknown, entry: string, destDir: string): AppError {
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT') {
    return dropError('DISK_FULL', `The disk holding "${destDir}" filled up while writing "${entry}" (${err.code}).`, { path: destDir, entry, cause: err.code });
  }
  return dropError('DROP_WRITE_FAILED', `Cannot write "${entry}": ${err.message}`, { entry, cause: err.code });
}

function readError(error: unknown, entry: string): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const zlibCode = (error as { code?: unknown } | null)?.code;
  if (error instanceof SizeMismatchError || (typeof zlibCode === 'string' && zlibCode.startsWith('Z_'))) {
    return dropError('DROP_CORRUPT_ENTRY', `Entry "${entry}" is corrupt (${message}).`, { entry });
  }
  if (/overflows file bounds|unexpected EOF|end of file/i.test(message)) {
    return dropError('DROP_TRUNCATED', `Entry "${entry}" runs past the end of the zip (${message}).`, { entry });
  }
  return dropError('DROP_CORRUPT_ENTRY', `Entry "${entry}" is corrupt (${message}).`, { entry });
}

function asDropError(error: unknown, zipPath: string, destDir: string): AppError {
  if (error instanceof AppError) return error;
  // Folders are created outside extractEntry's own error handling; a full disk there is still DISK_FULL.
  if (isWriteError(error)) return writeError(error, (error as NodeJS.ErrnoException).path ?? destDir, destDir);
  const message = error instanceof Error ? error.message : String(error);
  if (/unexpected EOF|overflows|truncated/i.test(message)) {
    return dropError('DROP_TRUNCATED', `"${zipPath}" is incomplete (${message}).`, { path: zipPath });
  }
  return dropError('DROP_CORRUPT_ENTRY', `"${zipPath}" is damaged (${message}).`, { path: zipPath });
}
