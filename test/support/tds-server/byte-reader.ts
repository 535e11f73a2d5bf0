import { TdsProtocolError } from './protocol-error';

/**
 * A bounds-checked cursor over a message payload. Every read that would run past the end throws a
 * TdsProtocolError instead of returning garbage, which is what keeps malformed packets harmless.
 */
export class ByteReader {
  offset = 0;

  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.offset + n > this.buf.length) {
      throw new TdsProtocolError(`truncated message: needed ${n} byte(s) for ${what} at offset ${this.offset}, ${this.remaining} left`);
    }
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.buf.readUInt8(this.offset++);
  }

  u16(what = 'uint16'): number {
    this.need(2, what);
    const v = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }

  u32(what = 'uint32'): number {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  i32(what = 'int32'): number {
    this.need(4, what);
    const v = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  u64(what = 'uint64'): bigint {
    this.need(8, what);
    const v = this.buf.readBigUInt64LE(this.offset);
    this.offset += 8;
    return v;
  }

  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  /** B_VARCHAR: a 1-byte character count followed by UCS-2 text. */
  bVarchar(what = 'B_VARCHAR'): string {
    const chars = this.u8(what);
    return this.bytes(chars * 2, what).toString('utf16le');
  }

  /** US_VARCHAR: a 2-byte character count followed by UCS-2 text. */
  usVarchar(what = 'US_VARCHAR'): string {
    const chars = this.u16(what);
    return this.bytes(chars * 2, what).toString('utf16le');
  }
}
