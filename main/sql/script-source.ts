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

/**
 * Bytes read per chunk: large enough that per-chunk costs vanish, and small enough that each decoded
 * chunk is an ordinary young-generation string. Larger strings go straight to V8's large-object space
 * (and from about 1 MB Node makes them external), which only a full GC frees, so they pile up: on the
 * bench:sql script, 1 MiB chunks peaked about 40 MiB and 512 KiB chunks about 10 MiB higher than 64 KiB.
 */
export const SCRIPT_CHUNK_BYTES = 64 * 1024;

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
  /** false: no SHA-256 (digest() returns ''), for callers that only list batches. Default true. */
  hash?: boolean;
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
  private carry = 0;

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
    // At least 4 bytes: up to 3 bytes of a cut character wait in the buffer for the next read.
    this.buffer = Buffer.allocUnsafe(Math.max(4, options.chunkBytes ?? SCRIPT_CHUNK_BYTES));
  }

  /** SHA-256 (hex) of the whole file: reads (without decoding) whatever the splitter left unread, e.g. after EXIT. */
  digest(): string {
    if (this.options.hash === false) return '';
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
      // Bytes of a character cut by the previous chunk's end wait at the start of the buffer.
      const got = readSync(this.fd, this.buffer, this.carry, this.buffer.length - this.carry, null);
      if (got === 0) {
        this.ended = true;
        const rest = this.carry > 0 ? this.decodeLast(this.buffer.subarray(0, this.carry)) : '';
        this.carry = 0;
        return rest === '' ? null : rest;
      }
      if (this.options.hash !== false) this.hash.update(this.buffer.subarray(this.carry, this.carry + got));
      const total = this.carry + got;
      let start = 0;
      if (!this.started) {
        this.started = true;
        start = this.detect(this.buffer.subarray(0, total));
      }
      const text = this.decodeChunk(start, total);
      if (text !== '') return text;
    }
  }

  // Picks the decoder from the BOM of the first chunk; returns the length of the BOM.
  private detect(bytes: Buffer): number {
    const [b0, b1, b2] = bytes;
    if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
      // A BOM promises UTF-8; a stray invalid byte after it is U+FFFD rather than a failed deployment.
      this.encoding = 'utf-8-bom';
      this.decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      return 3;
    }
    if (b0 === 0xff && b1 === 0xfe) {
      this.encoding = 'utf-16le';
      this.decoder = new TextDecoder('utf-16le', { ignoreBOM: true });
      return 2;
    }
    if (b0 === 0xfe && b1 === 0xff) {
      this.encoding = 'utf-16be';
      this.decoder = new TextDecoder('utf-16be', { ignoreBOM: true });
      return 2;
    }
    if (this.options.encoding === 'windows-1252') this.useWindows1252();
    else {
      this.strict = true;
      this.decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    }
    return 0;
  }

  /**
   * Decodes buffer[start, total) up to the last whole character and keeps the rest for the next
   * chunk. Each chunk is decoded on its own (not with `stream: true`, which takes Node's much slower
   * path), so the cut must never split a character.
   */
  private decodeChunk(start: number, total: number): string {
    const cut = this.characterBoundary(start, total);
    let text: string;
    if (!this.strict) text = this.decoder!.decode(this.buffer.subarray(start, cut));
    else {
      try {
        text = this.decoder!.decode(this.buffer.subarray(start, cut));
        this.bytesIn += cut - start;
        this.charsOut += text.length;
      } catch {
        // Only an all-ASCII prefix reads the same in both encodings.
        if (this.bytesIn !== this.charsOut) throw new EncodingRestart(this.options.key);
        this.useWindows1252();
        this.carry = 0;
        return this.decoder!.decode(this.buffer.subarray(start, total));
      }
    }
    this.carry = total - cut;
    if (this.carry > 0) this.buffer.copy(this.buffer, 0, cut, total);
    return text;
  }

  private characterBoundary(start: number, total: number): number {
    const b = this.buffer;
    if (this.encoding === 'utf-16le' || this.encoding === 'utf-16be') {
      let cut = start + ((total - start) & ~1);
      if (cut - start >= 2) {
        const unit = this.encoding === 'utf-16le' ? b[cut - 2]! | (b[cut - 1]! << 8) : (b[cut - 2]! << 8) | b[cut - 1]!;
        // A high surrogate waits for its low half.
        if (unit >= 0xd800 && unit <= 0xdbff) cut -= 2;
      }
      return cut;
    }
    if (this.encoding === 'windows-1252') return total;
    // UTF-8: step back over continuation bytes (at most 3) to the lead byte; cut before it if its sequence is incomplete.
    let lead = total - 1;
    while (lead >= start && lead > total - 4 && (b[lead]! & 0xc0) === 0x80) lead--;
    if (lead < start) return total;
    const c = b[lead]!;
    const length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return lead + length > total ? lead : total;
  }

  private decodeLast(bytes: Buffer): string {
    if (!this.decoder) this.detect(bytes);
    if (!this.strict) return this.decoder!.decode(bytes);
    try {
      return this.decoder!.decode(bytes);
    } catch {
      // The file ends inside a UTF-8 sequence: only Windows-1252 reads it; the prefix must have been ASCII.
      if (this.bytesIn !== this.charsOut) throw new EncodingRestart(this.options.key);
      this.useWindows1252();
      return this.decoder!.decode(bytes);
    }
  }

  private useWindows1252(): void {
    this.strict = false;
    this.encoding = 'windows-1252';
    this.warning = WINDOWS_1252_WARNING;
    this.decoder = new TextDecoder('windows-1252');
  }
}
