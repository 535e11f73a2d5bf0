import { readAllHeaders } from './all-headers';
import { ByteReader } from './byte-reader';
import { TdsProtocolError } from './protocol-error';

/** A parsed SQL_BATCH message. */
export interface SqlBatchRequest {
  text: string;
  transactionDescriptor: Buffer | undefined;
}

/**
 * Parses a SQL_BATCH payload: ALL_HEADERS, then the batch text in UCS-2 without a terminator.
 * A payload whose first four bytes cannot be an ALL_HEADERS length is taken as bare text, which
 * is what pre-7.2 clients send.
 */
export function parseSqlBatch(payload: Buffer): SqlBatchRequest {
  const r = new ByteReader(payload);
  let transactionDescriptor: Buffer | undefined;
  if (payload.length >= 4) {
    const total = payload.readUInt32LE(0);
    if (total >= 4 && total <= payload.length && total < 4096) ({ transactionDescriptor } = readAllHeaders(r));
  }
  if (r.remaining % 2 !== 0) throw new TdsProtocolError('SQL_BATCH text has an odd number of bytes for UCS-2');
  return { text: r.bytes(r.remaining, 'batch text').toString('utf16le'), transactionDescriptor };
}
