import { writeTypeInfo, type TypeInfo } from './type-info';
import { writeValue, type SqlValue } from './value-codec';

/** Token type bytes (MS-TDS 2.2.7). */
export const Token = {
  COLMETADATA: 0x81,
  ROW: 0xd1,
  DONE: 0xfd,
  DONEPROC: 0xfe,
  DONEINPROC: 0xff,
  RETURNSTATUS: 0x79,
  RETURNVALUE: 0xac,
  ERROR: 0xaa,
  INFO: 0xab,
  LOGINACK: 0xad,
  ENVCHANGE: 0xe3,
  SSPI: 0xed,
} as const;

/** DONE status bits. */
export const DoneStatus = { FINAL: 0x00, MORE: 0x01, ERROR: 0x02, INXACT: 0x04, COUNT: 0x10, ATTN: 0x20, SRVERROR: 0x100 } as const;

/** ENVCHANGE types the double sends. */
export const EnvType = {
  DATABASE: 1,
  LANGUAGE: 2,
  CHARSET: 3,
  PACKET_SIZE: 4,
  SQL_COLLATION: 7,
  BEGIN_TXN: 8,
  COMMIT_TXN: 9,
  ROLLBACK_TXN: 10,
  RESET_CONNECTION: 18,
} as const;

function bVarchar(text: string): Buffer {
  const data = Buffer.from(text.slice(0, 255), 'utf16le');
  return Buffer.concat([Buffer.from([data.length / 2]), data]);
}

function usVarchar(text: string): Buffer {
  const data = Buffer.from(text, 'utf16le');
  const head = Buffer.alloc(2);
  head.writeUInt16LE(data.length / 2, 0);
  return Buffer.concat([head, data]);
}

function bVarbyte(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([data.length]), data]);
}

/** Wraps a body in a token with a 2-byte length. */
function lengthPrefixed(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt8(type, 0);
  head.writeUInt16LE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** LOGINACK: interface SQL_TSQL, the negotiated TDS version, program name and version. */
export function loginAckToken(tdsVersion: number, progName: string, version: readonly [number, number, number, number]): Buffer {
  const tds = Buffer.alloc(4);
  tds.writeUInt32BE(tdsVersion >>> 0, 0);
  const ver = Buffer.from([version[0], version[1], (version[2] >> 8) & 0xff, version[2] & 0xff]);
  return lengthPrefixed(Token.LOGINACK, Buffer.concat([Buffer.from([1]), tds, bVarchar(progName), ver]));
}

/** ENVCHANGE with string values (database, language, charset, packet size). */
export function envChangeText(type: number, newValue: string, oldValue: string): Buffer {
  return lengthPrefixed(Token.ENVCHANGE, Buffer.concat([Buffer.from([type]), bVarchar(newValue), bVarchar(oldValue)]));
}

/** ENVCHANGE with binary values (collation, transaction descriptors, reset connection). */
export function envChangeBinary(type: number, newValue: Buffer, oldValue: Buffer): Buffer {
  return lengthPrefixed(Token.ENVCHANGE, Buffer.concat([Buffer.from([type]), bVarbyte(newValue), bVarbyte(oldValue)]));
}

function doneLike(type: number, status: number, curCmd: number, rowCount: number | bigint): Buffer {
  const out = Buffer.alloc(13);
  out.writeUInt8(type, 0);
  out.writeUInt16LE(status, 1);
  out.writeUInt16LE(curCmd, 3);
  out.writeBigUInt64LE(BigInt(rowCount), 5);
  return out;
}

/** DONE: end of a statement in a batch. */
export function doneToken(status: number, rowCount: number | bigint = 0, curCmd = 0): Buffer {
  return doneLike(Token.DONE, status, curCmd, rowCount);
}

/** DONEPROC: end of an RPC. */
export function doneProcToken(status: number, rowCount: number | bigint = 0, curCmd = 0): Buffer {
  return doneLike(Token.DONEPROC, status, curCmd, rowCount);
}

/** DONEINPROC: end of a statement inside an RPC. */
export function doneInProcToken(status: number, rowCount: number | bigint = 0, curCmd = 0): Buffer {
  return doneLike(Token.DONEINPROC, status, curCmd, rowCount);
}

/** The fields of an ERROR or INFO token. */
export interface MessageFields {
  number: number;
  state?: number;
  class?: number;
  message: string;
  serverName?: string;
  procedure?: string;
  lineNumber?: number;
}

function messageToken(type: number, m: MessageFields, dfltClass: number): Buffer {
  const num = Buffer.alloc(6);
  num.writeInt32LE(m.number, 0);
  num.writeUInt8(m.state ?? 1, 4);
  num.writeUInt8(m.class ?? dfltClass, 5);
  const line = Buffer.alloc(4);
  line.writeInt32LE(m.lineNumber ?? 1, 0);
  return lengthPrefixed(type, Buffer.concat([num, usVarchar(m.message), bVarchar(m.serverName ?? ''), bVarchar(m.procedure ?? ''), line]));
}

/** ERROR token (class defaults to 16, the usual user error severity). */
export function errorToken(m: MessageFields): Buffer {
  return messageToken(Token.ERROR, m, 16);
}

/** INFO token (class defaults to 0). */
export function infoToken(m: MessageFields): Buffer {
  return messageToken(Token.INFO, m, 0);
}

/** RETURNSTATUS: the procedure's return code. */
export function returnStatusToken(value: number): Buffer {
  const out = Buffer.alloc(5);
  out.writeUInt8(Token.RETURNSTATUS, 0);
  out.writeInt32LE(value, 1);
  return out;
}

/** RETURNVALUE for an output parameter, echoing the parameter's own TYPE_INFO. */
export function returnValueToken(ordinal: number, name: string, ti: TypeInfo, value: SqlValue | undefined): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt8(Token.RETURNVALUE, 0);
  head.writeUInt16LE(ordinal, 1);
  const meta = Buffer.alloc(7);
  meta.writeUInt8(0x01, 0); // status: output parameter
  meta.writeUInt32LE(0, 1); // user type
  meta.writeUInt16LE(0x0001, 5); // flags: nullable
  return Buffer.concat([head, bVarchar(name.startsWith('@') ? name : `@${name}`), meta, writeTypeInfo(ti), writeValue(ti, value)]);
}

/** A result column as the token writer needs it. */
export interface WireColumn {
  name: string;
  type: TypeInfo;
  nullable?: boolean;
}

/** COLMETADATA for a result set. */
export function colMetadataToken(columns: readonly WireColumn[]): Buffer {
  const head = Buffer.alloc(3);
  head.writeUInt8(Token.COLMETADATA, 0);
  head.writeUInt16LE(columns.length, 1);
  const parts: Buffer[] = [head];
  for (const c of columns) {
    const meta = Buffer.alloc(6);
    meta.writeUInt32LE(0, 0);
    meta.writeUInt16LE(c.nullable === false ? 0x0000 : 0x0001, 4);
    parts.push(meta, writeTypeInfo(c.type), bVarchar(c.name));
  }
  return Buffer.concat(parts);
}

/** ROW with one value per column, in column order. */
export function rowToken(columns: readonly WireColumn[], values: readonly (SqlValue | undefined)[]): Buffer {
  return Buffer.concat([Buffer.from([Token.ROW]), ...columns.map((c, i) => writeValue(c.type, values[i]))]);
}

/** SSPI token carrying an NTLM CHALLENGE during login. */
export function sspiToken(blob: Buffer): Buffer {
  return lengthPrefixed(Token.SSPI, blob);
}
