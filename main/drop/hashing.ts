import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';

/**
 * Passes bytes through unchanged while computing their sha256, CRC-32 and count, so a file is hashed
 * in the same pass that writes it (yauzl does not check CRCs itself).
 */
export class HashingPassThrough extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private crc = 0;
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.crc = crc32(chunk, this.crc);
    this.bytes += chunk.length;
    callback(null, chunk);
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
