import { readAllHeaders } from './all-headers';
import { ByteReader } from './byte-reader';
import { TdsProtocolError } from './protocol-error';
import { readTypeInfo, type TypeInfo } from './type-info';
import { readValue, type SqlValue } from './value-codec';

/** Well-known procedure ids a client may send instead of a name (MS-TDS 2.2.6.6). */
export const SPECIAL_PROCEDURES: Record<number, string> = {
  1: 'sp_cursor',
  2: 'sp_cursoropen',
  3: 'sp_cursorprepare',
  4: 'sp_cursorexecute',
  5: 'sp_cursorprepexec',
  6: 'sp_cursorunprepare',
  7: 'sp_cursorfetch',
  8: 'sp_cursoroption',
  9: 'sp_cursorclose',
  10: 'sp_executesql',
  11: 'sp_prepare',
  12: 'sp_execute',
  13: 'sp_prepexec',
  14: 'sp_prepexecrpc',
  15: 'sp_unprepare',
};

/** One RPC parameter as the client sent it. */
export interface RpcParam {
  /** Name including the leading `@` (may be empty for positional parameters). */
  name: string;
  /** Sent BY_REF: an output parameter. */
  output: boolean;
  /** Sent with the default-value flag. */
  useDefault: boolean;
  type: TypeInfo;
  value: SqlValue;
}

/** A parsed RPC request. */
export interface RpcRequest {
  /** The procedure name as sent, or the well-known name for a ProcID. */
  procedure: string;
  procId: number | undefined;
  optionFlags: number;
  params: RpcParam[];
  transactionDescriptor: Buffer | undefined;
}

/** Parses an RPC message payload: ALL_HEADERS, procedure name or id, option flags, parameters. */
export function parseRpc(payload: Buffer): RpcRequest {
  const r = new ByteReader(payload);
  const { transactionDescriptor } = readAllHeaders(r);
  const nameLength = r.u16('procedure name length');
  let procedure: string;
  let procId: number | undefined;
  if (nameLength === 0xffff) {
    procId = r.u16('procedure id');
    procedure = SPECIAL_PROCEDURES[procId] ?? `procid:${procId}`;
  } else {
    procedure = r.bytes(nameLength * 2, 'procedure name').toString('utf16le');
  }
  const optionFlags = r.u16('option flags');
  const params: RpcParam[] = [];
  while (r.remaining > 0) {
    const next = r.buf[r.offset]!;
    // 0x80 (BatchFlag) / 0xFE / 0xFF separate several RPCs in one message; tedious never sends that.
    if (next === 0x80 || next === 0xfe || next === 0xff) throw new TdsProtocolError('batched RPCs in one message are not supported by the double');
    const name = r.bVarchar('parameter name');
    const status = r.u8('parameter status');
    const type = readTypeInfo(r);
    const value = readValue(r, type);
    params.push({ name, output: (status & 0x01) !== 0, useDefault: (status & 0x02) !== 0, type, value });
  }
  return { procedure, procId, optionFlags, params, transactionDescriptor };
}
