/**
 * Reads a script file chunk by chunk and decodes it with the same rules as script-decoding.ts (a BOM
 * decides UTF-8 / UTF-16 LE / UTF-16 BE; without one UTF-8, and Windows-1252 with a warning when the
 * file is not valid UTF-8), without ever holding the whole file. It also hashes the bytes as they
 * pass, so a caller learns the file's SHA-256 from the same read that split it.
 *
 * Windows-1252 is decided late: the first invalid UTF-8 byte may sit at the end of a 100 MiB file.
 * When everything before it was ASCII, both readings of that prefix are identical, so decoding just
 * switches there. Otherwise the text already handed out would differ from the Windows-1252 reading,
 * and the source throws EncodingRestart: the caller starts again with `encoding: 'windows-1252'`
 * (before sending anything — see script-file.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { TextSource } from './batch-splitter';
import type { ScriptEncoding } from './script-decoding';

/** Bytes read per chunk: large enough that per-chunk costs vanish, small against any batch limit. */
export const SCRIPT_CHUNK_BYTES = 1024 * 1024;

export const WINDOWS_1252_WARNING = 'The script is not valid UTF-8 and has no byte-order mark; it was read as Windows-1252.';

/** Thrown when a file turns out not to be UTF-8 after non-ASCII text was already decoded as UTF-8. */
export class EncodingRestart extends Error {
  constructor(readonly key: string) {
    super(`${key} must be read again as Windows-1252.`);
  }
}

export interface ScriptSourceOptions {
  /** Identity of the file (its real path), carried by EncodingRestart. */
  key: string;
  /** `windows-1252` forces that reading of a file without a BOM (a second pass after EncodingRestart). */
  encoding?: ScriptEncoding;
  chunkBytes?: number;
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** An open script file read as text; `close` must be called (the splitter's callers do it in `finally`). */
export class ScriptSource implements TextSource {
  encoding: ScriptEncoding = 'utf-8';
  warning: string | undefined;
  readonly stamp: FileStamp;
  private readonly fd: number;
  private readonly buffer: Buffer;
  private readonly hash: Hash = createHash('sha256');
  private decoder: TextDecoder | undefined;
  private started = false;
  private ended = false;
  private closed = false;
  private sha256: string | undefined;
  // Bytes given to the strict UTF-8 decoder and characters it returned: equal while all was ASCII.
  private bytesIn = 0;
  private charsOut = 0;
  private strict = false;

  constructor(
    path: string,
    private readonly options: ScriptSourceOptions,
  ) {
    this.fd = openSync(path, 'r');
    try {
      const st = fstatSync(this.fd);
      // A folder opens on some systems and fails only on read; refuse it like a missing file.
      if (!st.isFile()) throw Object.assign(new Error(`${path} is not a file`), { code: st.isDirectory() ? 'EISDIR' : 'EINVAL' });
      this.stamp = { size: st.size, mtimeMs: st.mtimeMs };
    } catch (error) {
      closeSync(this.fd);
      throw error;
    }
    this.buffer = Buffer.allocUnsafe(options.chunkBytes ?? SCRIPT_CHUNK_BYTES);
  }

  /** SHA-256 (hex) of the whole file: reads (without decoding) whatever the splitter left unread, e.g. after EXIT. */
  digest(): string {
    if (this.sha256 === undefined) {
      for (let got = readSync(this.fd, this.buffer, 0, this.buffer.length, null); got > 0; got = readSync(this.fd, this.buffer, 0, this.buffer.length, null)) {
        this.hash.update(this.buffer.subarray(0, got));
      }
      this.ended = true;
      this.sha256 = this.hash.digest('hex');
    }
    return this.sha256;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  read(): string | null {
    if (this.ended) return null;
    for (;;) {
      const got = readSync(this.fd, this.buffer, 0, this.buffer.length, null);
      if (got === 0) {
        this.ended = true;
        const rest = this.decoder ? this.finalText() : '';
        return rest === '' ? null : rest;
      }
      let bytes = this.buffer.subarray(0, got);
      this.hash.update(bytes);
      if (!this.started) {
        this.started = true;
        bytes = this.detect(bytes);
      }
      const text = this.decode(bytes);
      if (text !== '') return text;
    }
  }

  // Picks the decoder from the BOM of the first chunk; returns the bytes after the BOM.
  private detect(bytes: Buffer): Buffer {
    const [b0, b1, b2] = bytes;
    if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
      // A BOM promises UTF-8; a stray invalid byte after it is U+FFFD rather than a failed deployment.
      this.encoding = 'utf-8-bom';
      this.decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      return bytes.subarray(3);
    }
    if (b0 === 0xff && b1 === 0xfe) {
      this.encoding = 'utf-16le';
      this.decoder = new TextDecoder('utf-16le', { ignoreBOM: true });
      return bytes.subarray(2);
    }
    if (b0 === 0xfe && b1 === 0xff) {
      this.encoding = 'utf-16be';
      this.decoder = new TextDecoder('utf-16be', { ignoreBOM: true });
      return bytes.subarray(2);
    }
    if (this.options.encoding === 'windows-1252') {
      this.useWindows1252();
      return bytes;
    }
    this.strict = true;
    this.decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    return bytes;
  }

  private decode(bytes: Buffer): string {
    if (!this.strict) return this.decoder!.decode(bytes, { stream: true });
    try {
      const text = this.decoder!.decode(bytes, { stream: true });
      this.bytesIn += bytes.length;
      this.charsOut += text.length;
      return text;
    } catch {
      // Only an all-ASCII prefix reads the same in both encodings (no partial sequence is pending then).
      if (this.bytesIn !== this.charsOut) throw new EncodingRestart(this.options.key);
      this.useWindows1252();
      return this.decoder!.decode(bytes, { stream: true });
    }
  }

  private finalText(): string {
    if (!this.strict) return this.decoder!.decode();
    try {
      return this.decoder!.decode();
    } catch {
      // The file ends in the middle of a UTF-8 sequence: bytes were pending, so the prefix was not ASCII.
      throw new EncodingRestart(this.options.key);
    }
  }

  private useWindows1252(): void {
    this.strict = false;
    this.encoding = 'windows-1252';
    this.warning = WINDOWS_1252_WARNING;
    this.decoder = new TextDecoder('windows-1252');
  }
}
