import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';

/**
 * Passes bytes through unchanged while computing their sha256, CRC-32 and count, so a file is hashed
 * in the same pass that writes it. With `expectedSize` it also fails the moment more bytes arrive
 * than the zip declared (a lying size cannot fill the disk) and at the end when fewer did.
 */
export class HashingPassThrough extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private crc = 0;
  bytes = 0;

  constructor(private readonly expectedSize?: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      callback(new SizeMismatchError(`more than the declared ${this.expectedSize} bytes`));
      return;
    }
    this.hash.update(chunk);
    this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      callback(new SizeMismatchError(`${this.bytes} bytes instead of the declared ${this.expectedSize}`));
      return;
    }
    callback();
  }

  /** The hex sha256; call once, after the stream ended. */
  sha256(): string {
    return this.hash.digest('hex');
  }

  /** The unsigned CRC-32 of everything seen. */
  crc32(): number {
    return this.crc >>> 0;
  }
}

/** The data of an entry is longer or shorter than its header says. */
export class SizeMismatchError extends Error {}

/** Streams a file once and returns its hex sha256 and size; `signal` stops the read early. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024, ...(signal ? { signal } : {}) })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** Hex sha256 of a buffer. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
