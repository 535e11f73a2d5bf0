import { ByteReader } from './byte-reader';
import { TdsProtocolError } from './protocol-error';

/** TDS data type ids (MS-TDS 2.2.5.4). */
export const TypeId = {
  NULL: 0x1f,
  INT1: 0x30,
  BIT: 0x32,
  INT2: 0x34,
  INT4: 0x38,
  DATETIM4: 0x3a,
  FLT4: 0x3b,
  MONEY: 0x3c,
  DATETIME: 0x3d,
  FLT8: 0x3e,
  MONEY4: 0x7a,
  INT8: 0x7f,
  GUID: 0x24,
  INTN: 0x26,
  BITN: 0x68,
  DECIMALN: 0x6a,
  NUMERICN: 0x6c,
  FLTN: 0x6d,
  MONEYN: 0x6e,
  DATETIMN: 0x6f,
  DATE: 0x28,
  TIME: 0x29,
  DATETIME2: 0x2a,
  DATETIMEOFFSET: 0x2b,
  BIGVARBIN: 0xa5,
  BIGVARCHR: 0xa7,
  BIGBINARY: 0xad,
  BIGCHAR: 0xaf,
  NVARCHAR: 0xe7,
  NCHAR: 0xef,
  IMAGE: 0x22,
  TEXT: 0x23,
  NTEXT: 0x63,
  XML: 0xf1,
} as const;

/** SQL_Latin1_General_CP1_CI_AS: LCID 0x0409, case-insensitive flags, sort id 52. */
export const DEFAULT_COLLATION = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]);

/** The 0xFFFF length that marks a (max) type, whose values travel as PLP. */
export const MAX_LENGTH = 0xffff;

/** A parsed TYPE_INFO: enough to read and write values of the type. */
export interface TypeInfo {
  id: number;
  /** Declared max length in bytes (or 0xFFFF for max types, or the fixed size of n-types). */
  length?: number;
  precision?: number;
  scale?: number;
  collation?: Buffer;
}

const FIXED_SIZES: Record<number, number> = {
  [TypeId.NULL]: 0,
  [TypeId.INT1]: 1,
  [TypeId.BIT]: 1,
  [TypeId.INT2]: 2,
  [TypeId.INT4]: 4,
  [TypeId.DATETIM4]: 4,
  [TypeId.FLT4]: 4,
  [TypeId.MONEY]: 8,
  [TypeId.DATETIME]: 8,
  [TypeId.FLT8]: 8,
  [TypeId.MONEY4]: 4,
  [TypeId.INT8]: 8,
};

/** Byte size of a fixed-length type, or undefined for variable-length types. */
export function fixedSize(id: number): number | undefined {
  return FIXED_SIZES[id];
}

const BYTE_LENGTH_TYPES = new Set<number>([TypeId.GUID, TypeId.INTN, TypeId.BITN, TypeId.FLTN, TypeId.MONEYN, TypeId.DATETIMN]);
const USHORT_LENGTH_TYPES = new Set<number>([TypeId.BIGVARBIN, TypeId.BIGVARCHR, TypeId.BIGBINARY, TypeId.BIGCHAR, TypeId.NVARCHAR, TypeId.NCHAR]);
const CHAR_TYPES = new Set<number>([TypeId.BIGVARCHR, TypeId.BIGCHAR, TypeId.NVARCHAR, TypeId.NCHAR, TypeId.TEXT, TypeId.NTEXT]);

/** True for types whose values are PLP-encoded (the max types and xml). */
export function isPlp(ti: TypeInfo): boolean {
  return ti.id === TypeId.XML || (USHORT_LENGTH_TYPES.has(ti.id) && ti.length === MAX_LENGTH);
}

/** Reads a TYPE_INFO as it appears in an RPC parameter. */
export function readTypeInfo(r: ByteReader): TypeInfo {
  const id = r.u8('type id');
  if (fixedSize(id) !== undefined) return { id };
  if (BYTE_LENGTH_TYPES.has(id)) return { id, length: r.u8('type length') };
  switch (id) {
    case TypeId.DECIMALN:
    case TypeId.NUMERICN:
      return { id, length: r.u8('decimal length'), precision: r.u8('precision'), scale: r.u8('scale') };
    case TypeId.DATE:
      return { id };
    case TypeId.TIME:
    case TypeId.DATETIME2:
    case TypeId.DATETIMEOFFSET:
      return { id, scale: r.u8('scale') };
    case TypeId.IMAGE:
    case TypeId.TEXT:
    case TypeId.NTEXT: {
      const length = r.u32('long length');
      return CHAR_TYPES.has(id) ? { id, length, collation: Buffer.from(r.bytes(5, 'collation')) } : { id, length };
    }
    case TypeId.XML: {
      const schemaPresent = r.u8('xml schema flag');
      if (schemaPresent) {
        r.bVarchar('xml db name');
        r.bVarchar('xml owning schema');
        r.usVarchar('xml schema collection');
      }
      return { id };
    }
    default:
      break;
  }
  if (USHORT_LENGTH_TYPES.has(id)) {
    const length = r.u16('type length');
    return CHAR_TYPES.has(id) ? { id, length, collation: Buffer.from(r.bytes(5, 'collation')) } : { id, length };
  }
  throw new TdsProtocolError(`unsupported TDS data type 0x${id.toString(16)}`);
}

/** Writes a TYPE_INFO for COLMETADATA or RETURNVALUE. */
export function writeTypeInfo(ti: TypeInfo): Buffer {
  if (fixedSize(ti.id) !== undefined || ti.id === TypeId.DATE) return Buffer.from([ti.id]);
  if (BYTE_LENGTH_TYPES.has(ti.id)) return Buffer.from([ti.id, ti.length ?? 0]);
  switch (ti.id) {
    case TypeId.DECIMALN:
    case TypeId.NUMERICN:
      return Buffer.from([ti.id, ti.length ?? 17, ti.precision ?? 38, ti.scale ?? 0]);
    case TypeId.TIME:
    case TypeId.DATETIME2:
    case TypeId.DATETIMEOFFSET:
      return Buffer.from([ti.id, ti.scale ?? 7]);
    case TypeId.XML:
      return Buffer.from([ti.id, 0]);
    default:
      break;
  }
  if (USHORT_LENGTH_TYPES.has(ti.id)) {
    const head = Buffer.alloc(3);
    head.writeUInt8(ti.id, 0);
    head.writeUInt16LE(ti.length ?? MAX_LENGTH, 1);
    return CHAR_TYPES.has(ti.id) ? Buffer.concat([head, ti.collation ?? DEFAULT_COLLATION]) : head;
  }
  throw new TdsProtocolError(`the double cannot send values of TDS type 0x${ti.id.toString(16)}`);
}

function decimalLength(precision: number): number {
  if (precision <= 9) return 5;
  if (precision <= 19) return 9;
  if (precision <= 28) return 13;
  return 17;
}

/**
 * Parses a T-SQL type name such as `int`, `nvarchar(255)`, `varbinary(max)`, `datetime2(3)` or
 * `decimal(18,2)` into a TypeInfo. Used for result columns and by the table emulation.
 */
export function parseSqlType(text: string): TypeInfo {
  const m = /^\s*\[?([a-z0-9_]+)\]?\s*(?:\(\s*(max|\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(text);
  if (!m) throw new Error(`not a SQL type: ${text}`);
  const name = m[1]!.toLowerCase();
  const arg = m[2]?.toLowerCase();
  const n = arg === undefined || arg === 'max' ? undefined : Number(arg);
  const isMax = arg === 'max';
  const chars = (dflt: number, bytesPerChar: number): number => (isMax ? MAX_LENGTH : (n ?? dflt) * bytesPerChar);
  switch (name) {
    case 'int':
      return { id: TypeId.INTN, length: 4 };
    case 'bigint':
      return { id: TypeId.INTN, length: 8 };
    case 'smallint':
      return { id: TypeId.INTN, length: 2 };
    case 'tinyint':
      return { id: TypeId.INTN, length: 1 };
    case 'bit':
      return { id: TypeId.BITN, length: 1 };
    case 'float':
      return { id: TypeId.FLTN, length: n !== undefined && n <= 24 ? 4 : 8 };
    case 'real':
      return { id: TypeId.FLTN, length: 4 };
    case 'money':
      return { id: TypeId.MONEYN, length: 8 };
    case 'decimal':
    case 'numeric': {
      const precision = n ?? 18;
      return { id: TypeId.DECIMALN, length: decimalLength(precision), precision, scale: m[3] === undefined ? 0 : Number(m[3]) };
    }
    case 'nvarchar':
    case 'sysname':
      return { id: TypeId.NVARCHAR, length: name === 'sysname' ? 256 : chars(1, 2), collation: DEFAULT_COLLATION };
    case 'nchar':
      return { id: TypeId.NCHAR, length: chars(1, 2), collation: DEFAULT_COLLATION };
    case 'varchar':
      return { id: TypeId.BIGVARCHR, length: chars(1, 1), collation: DEFAULT_COLLATION };
    case 'char':
      return { id: TypeId.BIGCHAR, length: chars(1, 1), collation: DEFAULT_COLLATION };
    case 'varbinary':
      return { id: TypeId.BIGVARBIN, length: chars(1, 1) };
    case 'binary':
      return { id: TypeId.BIGBINARY, length: chars(1, 1) };
    case 'datetime2':
      return { id: TypeId.DATETIME2, scale: n ?? 7 };
    case 'datetimeoffset':
      return { id: TypeId.DATETIMEOFFSET, scale: n ?? 7 };
    case 'time':
      return { id: TypeId.TIME, scale: n ?? 7 };
    case 'date':
      return { id: TypeId.DATE };
    case 'datetime':
      return { id: TypeId.DATETIMN, length: 8 };
    case 'smalldatetime':
      return { id: TypeId.DATETIMN, length: 4 };
    case 'uniqueidentifier':
      return { id: TypeId.GUID, length: 16 };
    case 'xml':
      return { id: TypeId.XML };
    default:
      throw new Error(`the TDS double does not support the SQL type ${text}`);
  }
}

/** A readable T-SQL name for a TypeInfo, e.g. `nvarchar(max)` or `int`; used in records. */
export function typeName(ti: TypeInfo): string {
  const len = (bytesPerChar: number): string => (ti.length === MAX_LENGTH ? 'max' : String((ti.length ?? 0) / bytesPerChar));
  switch (ti.id) {
    case TypeId.INTN:
      return ({ 1: 'tinyint', 2: 'smallint', 4: 'int', 8: 'bigint' } as Record<number, string>)[ti.length ?? 4] ?? 'int';
    case TypeId.INT1:
      return 'tinyint';
    case TypeId.INT2:
      return 'smallint';
    case TypeId.INT4:
      return 'int';
    case TypeId.INT8:
      return 'bigint';
    case TypeId.BIT:
    case TypeId.BITN:
      return 'bit';
    case TypeId.FLT4:
      return 'real';
    case TypeId.FLT8:
      return 'float';
    case TypeId.FLTN:
      return ti.length === 4 ? 'real' : 'float';
    case TypeId.MONEY:
    case TypeId.MONEY4:
    case TypeId.MONEYN:
      return ti.length === 4 || ti.id === TypeId.MONEY4 ? 'smallmoney' : 'money';
    case TypeId.DECIMALN:
      return `decimal(${ti.precision},${ti.scale})`;
    case TypeId.NUMERICN:
      return `numeric(${ti.precision},${ti.scale})`;
    case TypeId.DATETIME:
      return 'datetime';
    case TypeId.DATETIM4:
      return 'smalldatetime';
    case TypeId.DATETIMN:
      return ti.length === 4 ? 'smalldatetime' : 'datetime';
    case TypeId.DATE:
      return 'date';
    case TypeId.TIME:
      return `time(${ti.scale})`;
    case TypeId.DATETIME2:
      return `datetime2(${ti.scale})`;
    case TypeId.DATETIMEOFFSET:
      return `datetimeoffset(${ti.scale})`;
    case TypeId.GUID:
      return 'uniqueidentifier';
    case TypeId.NVARCHAR:
      return `nvarchar(${len(2)})`;
    case TypeId.NCHAR:
      return `nchar(${len(2)})`;
    case TypeId.BIGVARCHR:
      return `varchar(${len(1)})`;
    case TypeId.BIGCHAR:
      return `char(${len(1)})`;
    case TypeId.BIGVARBIN:
      return `varbinary(${len(1)})`;
    case TypeId.BIGBINARY:
      return `binary(${len(1)})`;
    case TypeId.TEXT:
      return 'text';
    case TypeId.NTEXT:
      return 'ntext';
    case TypeId.IMAGE:
      return 'image';
    case TypeId.XML:
      return 'xml';
    case TypeId.NULL:
      return 'null';
    default:
      return `type-0x${ti.id.toString(16)}`;
  }
}
