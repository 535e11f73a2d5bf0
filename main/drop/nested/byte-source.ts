import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Random access to the bytes of a nested archive without holding it in memory: a file in the
 * extracted drop is read through its descriptor, an archive stored (not deflated) inside another is a
 * window onto its parent. Only an archive deflated inside another archive is ever a whole buffer.
 */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset`; throws RangeError when the source is shorter. */
  read(offset: number, length: number): Buffer;
  close(): void;
}

function checkRange(size: number, offset: number, length: number): void {
  if (offset < 0 || length < 0 || offset + length > size) throw new RangeError(`bytes ${offset}..${offset + length} lie outside the ${size}-byte archive`);
}

export class BufferSource implements ByteSource {
  constructor(private readonly data: Buffer) {}
  get size(): number {
    return this.data.length;
  }
  read(offset: number, length: number): Buffer {
    checkRange(this.data.length, offset, length);
    return this.data.subarray(offset, offset + length);
  }
  close(): void {}
}

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | null;
  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }
  read(offset: number, length: number): Buffer {
    checkRange(this.size, offset, length);
    if (this.fd === null) throw new RangeError('the archive is closed');
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, offset + done);
      if (n === 0) throw new RangeError('the archive file ended early');
      done += n;
    }
    return out;
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** A window of `length` bytes at `start` in a parent source: a stored archive inside an archive, read in place. */
export class SliceSource implements ByteSource {
  constructor(
    private readonly parent: ByteSource,
    private readonly start: number,
    readonly size: number,
  ) {}
  read(offset: number, length: number): Buffer {
    checkRange(this.size, offset, length);
    return this.parent.read(this.start + offset, length);
  }
  close(): void {}
}
