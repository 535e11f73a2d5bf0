import { ByteReader } from './byte-reader';
import { TdsProtocolError } from './protocol-error';

/** What the ALL_HEADERS prefix of a batch, RPC or transaction request carried. */
export interface AllHeaders {
  /** The 8-byte transaction descriptor the client believes is current (zeros outside a transaction). */
  transactionDescriptor: Buffer | undefined;
}

/**
 * Reads ALL_HEADERS (MS-TDS 2.2.5.3), mandatory for TDS 7.2+ requests. The reader is left at the
 * first byte after the headers.
 */
export function readAllHeaders(r: ByteReader): AllHeaders {
  const start = r.offset;
  const total = r.u32('ALL_HEADERS length');
  if (total < 4 || start + total > r.buf.length) throw new TdsProtocolError(`ALL_HEADERS length ${total} does not fit the message`);
  const end = start + total;
  let transactionDescriptor: Buffer | undefined;
  while (r.offset < end) {
    const headerStart = r.offset;
    const length = r.u32('header length');
    if (length < 6 || headerStart + length > end) throw new TdsProtocolError(`ALL_HEADERS entry of length ${length} does not fit`);
    const type = r.u16('header type');
    if (type === 2 && length >= 14) transactionDescriptor = Buffer.from(r.bytes(8, 'transaction descriptor'));
    r.offset = headerStart + length;
  }
  return { transactionDescriptor };
}
