import { ByteReader } from './byte-reader';
import { TdsProtocolError } from './protocol-error';
import { fixedSize, isPlp, MAX_LENGTH, TypeId, type TypeInfo } from './type-info';

/** A value the double reads from a client or writes into a result. */
export type SqlValue = null | number | bigint | string | boolean | Buffer | Date;

const PLP_NULL = 0xffffffffffffffffn;
const PLP_UNKNOWN = 0xfffffffffffffffen;
const MS_PER_DAY = 86_400_000;
const EPOCH_0001 = Date.UTC(2000, 0, 1) - 730_119 * MS_PER_DAY; // 0001-01-01 in the proleptic Gregorian calendar
const EPOCH_1900 = Date.UTC(1900, 0, 1);

// Code page 1252 differs from Latin-1 only in 0x80-0x9F. Node's TextDecoder treats the
// 'windows-1252' label as Latin-1, so the table is spelled out (unassigned bytes map to U+0080+n).
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const cp1252Reverse = new Map<number, number>(CP1252_HIGH.map((cp, i) => [cp, 0x80 + i]));

/** Decodes code page 1252 bytes. */
export function decodeCp1252(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : b);
  return out;
}

/** Encodes text in code page 1252, the code page of the collation the double announces. */
export function encodeCp1252(text: string): Buffer {
  const out = Buffer.alloc(text.length);
  let i = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out[i++] = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : (cp1252Reverse.get(code) ?? 0x3f);
  }
  return out.subarray(0, i);
}

/** Reads a PLP value (max types): total length, then chunks until a zero-length terminator. */
export function readPlp(r: ByteReader): Buffer | null {
  const total = r.u64('PLP length');
  if (total === PLP_NULL) return null;
  const chunks: Buffer[] = [];
  let sum = 0;
  for (;;) {
    const len = r.u32('PLP chunk length');
    if (len === 0) break;
    const chunk = r.bytes(len, 'PLP chunk');
    chunks.push(chunk);
    sum += len;
  }
  if (total !== PLP_UNKNOWN && BigInt(sum) !== total) throw new TdsProtocolError(`PLP value declared ${total} bytes but its chunks hold ${sum}`);
  return Buffer.concat(chunks, sum);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function dateFromDays(days: number, epoch: number): string {
  const d = new Date(epoch + days * MS_PER_DAY);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function timeFromUnits(units: bigint, scale: number): string {
  const perSecond = 10n ** BigInt(scale);
  const seconds = Number(units / perSecond);
  const fraction = units % perSecond;
  const base = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return scale > 0 ? `${base}.${fraction.toString().padStart(scale, '0')}` : base;
}

function readUIntLE(buf: Buffer): bigint {
  let v = 0n;
  for (let i = buf.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[i]!);
  return v;
}

function intResult(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function guidToString(b: Buffer): string {
  const hex = (s: number, e: number, reverse: boolean): string => {
    const part = Buffer.from(b.subarray(s, e));
    return (reverse ? part.reverse() : part).toString('hex');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`.toUpperCase();
}

function decodeFixed(id: number, data: Buffer): SqlValue {
  switch (id) {
    case TypeId.INT1:
      return data.readUInt8(0);
    case TypeId.INT2:
      return data.readInt16LE(0);
    case TypeId.INT4:
      return data.readInt32LE(0);
    case TypeId.INT8:
      return intResult(data.readBigInt64LE(0));
    case TypeId.BIT:
      return data.readUInt8(0) !== 0;
    case TypeId.FLT4:
      return data.readFloatLE(0);
    case TypeId.FLT8:
      return data.readDoubleLE(0);
    case TypeId.MONEY:
      return Number((BigInt(data.readInt32LE(0)) << 32n) | BigInt(data.readUInt32LE(4))) / 10000;
    case TypeId.MONEY4:
      return data.readInt32LE(0) / 10000;
    case TypeId.DATETIME: {
      const ms = Math.round((data.readUInt32LE(4) * 10) / 3);
      return new Date(EPOCH_1900 + data.readInt32LE(0) * MS_PER_DAY + ms).toISOString().slice(0, 23);
    }
    case TypeId.DATETIM4:
      return new Date(EPOCH_1900 + data.readUInt16LE(0) * MS_PER_DAY + data.readUInt16LE(2) * 60_000).toISOString().slice(0, 19);
    case TypeId.NULL:
      return null;
    default:
      throw new TdsProtocolError(`unexpected fixed type 0x${id.toString(16)}`);
  }
}

const N_TO_FIXED: Record<number, Record<number, number>> = {
  [TypeId.INTN]: { 1: TypeId.INT1, 2: TypeId.INT2, 4: TypeId.INT4, 8: TypeId.INT8 },
  [TypeId.BITN]: { 1: TypeId.BIT },
  [TypeId.FLTN]: { 4: TypeId.FLT4, 8: TypeId.FLT8 },
  [TypeId.MONEYN]: { 4: TypeId.MONEY4, 8: TypeId.MONEY },
  [TypeId.DATETIMN]: { 4: TypeId.DATETIM4, 8: TypeId.DATETIME },
};

function timeBytes(scale: number): number {
  return scale <= 2 ? 3 : scale <= 4 ? 4 : 5;
}

/**
 * Reads one value of the given type (an RPC parameter value). Dates come back as ISO-like strings
 * with the type's full precision, 64-bit integers as numbers when safe (else decimal strings),
 * decimals as strings, binary as Buffers.
 */
export function readValue(r: ByteReader, ti: TypeInfo): SqlValue {
  const fixed = fixedSize(ti.id);
  if (fixed !== undefined) return decodeFixed(ti.id, r.bytes(fixed, 'fixed value'));
  if (isPlp(ti)) {
    const data = readPlp(r);
    if (data === null) return null;
    return decodeBytes(ti, data);
  }
  switch (ti.id) {
    case TypeId.INTN:
    case TypeId.BITN:
    case TypeId.FLTN:
    case TypeId.MONEYN:
    case TypeId.DATETIMN: {
      const len = r.u8('value length');
      if (len === 0) return null;
      const id = N_TO_FIXED[ti.id]![len];
      if (id === undefined) throw new TdsProtocolError(`invalid value length ${len} for type 0x${ti.id.toString(16)}`);
      return decodeFixed(id, r.bytes(len, 'value'));
    }
    case TypeId.GUID: {
      const len = r.u8('guid length');
      if (len === 0) return null;
      if (len !== 16) throw new TdsProtocolError(`uniqueidentifier value of ${len} bytes`);
      return guidToString(r.bytes(16, 'guid'));
    }
    case TypeId.DECIMALN:
    case TypeId.NUMERICN: {
      const len = r.u8('decimal length');
      if (len === 0) return null;
      const data = r.bytes(len, 'decimal value');
      const magnitude = readUIntLE(data.subarray(1)).toString().padStart((ti.scale ?? 0) + 1, '0');
      const scale = ti.scale ?? 0;
      const text = scale > 0 ? `${magnitude.slice(0, -scale)}.${magnitude.slice(-scale)}` : magnitude;
      return data[0] === 1 ? text : `-${text}`;
    }
    case TypeId.DATE: {
      const len = r.u8('date length');
      if (len === 0) return null;
      return dateFromDays(r.bytes(3, 'date').readUIntLE(0, 3), EPOCH_0001);
    }
    case TypeId.TIME:
    case TypeId.DATETIME2:
    case TypeId.DATETIMEOFFSET: {
      const len = r.u8('time length');
      if (len === 0) return null;
      const scale = ti.scale ?? 7;
      const data = r.bytes(len, 'time value');
      const tb = timeBytes(scale);
      const units = readUIntLE(data.subarray(0, tb));
      if (ti.id === TypeId.TIME) return timeFromUnits(units, scale);
      let days = data.readUIntLE(tb, 3);
      if (ti.id === TypeId.DATETIME2) return `${dateFromDays(days, EPOCH_0001)}T${timeFromUnits(units, scale)}`;
      // DATETIMEOFFSET stores UTC; show the client's local time followed by its offset.
      const offset = data.readInt16LE(tb + 3);
      const perMinute = 60n * 10n ** BigInt(scale);
      const perDay = 1440n * perMinute;
      let local = units + BigInt(offset) * perMinute;
      while (local < 0n) {
        local += perDay;
        days -= 1;
      }
      while (local >= perDay) {
        local -= perDay;
        days += 1;
      }
      const sign = offset < 0 ? '-' : '+';
      return `${dateFromDays(days, EPOCH_0001)}T${timeFromUnits(local, scale)}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
    }
    case TypeId.IMAGE:
    case TypeId.TEXT:
    case TypeId.NTEXT: {
      const len = r.i32('long value length');
      if (len < 0) return null;
      return decodeBytes(ti, r.bytes(len, 'long value'));
    }
    default: {
      const len = r.u16('value length');
      if (len === 0xffff) return null;
      return decodeBytes(ti, r.bytes(len, 'value'));
    }
  }
}

function decodeBytes(ti: TypeInfo, data: Buffer): SqlValue {
  switch (ti.id) {
    case TypeId.NVARCHAR:
    case TypeId.NCHAR:
    case TypeId.NTEXT:
    case TypeId.XML:
      return data.toString('utf16le');
    case TypeId.BIGVARCHR:
    case TypeId.BIGCHAR:
    case TypeId.TEXT:
      return decodeCp1252(data);
    default:
      return Buffer.from(data);
  }
}

interface DateParts {
  /** Milliseconds since 1970 of the UTC date at midnight. */
  dayMs: number;
  /** 100-nanosecond ticks since midnight (UTC). */
  ticks: bigint;
  offsetMinutes: number;
}

/** Accepts a Date (UTC) or an ISO-like string with up to 7 fractional digits and an optional offset. */
function toDateParts(value: SqlValue): DateParts {
  if (value instanceof Date) {
    const ms = value.getTime();
    const dayMs = Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
    return { dayMs, ticks: BigInt(ms - dayMs) * 10_000n, offsetMinutes: 0 };
  }
  if (typeof value !== 'string') throw new Error(`expected a Date or date string, got ${typeof value}`);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:\d{2})?$/.exec(value.trim());
  if (!m) throw new Error(`not a date/time string: ${value}`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  let ticks = BigInt((Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0))) * 10_000_000n;
  ticks += BigInt((m[7] ?? '').padEnd(7, '0') || '0');
  let offsetMinutes = 0;
  if (m[8] && m[8] !== 'Z') {
    const sign = m[8].startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6)));
  }
  // Local time minus offset = UTC.
  let dayMs = d.getTime();
  ticks -= BigInt(offsetMinutes) * 600_000_000n;
  const ticksPerDay = 864_000_000_000n;
  while (ticks < 0n) {
    ticks += ticksPerDay;
    dayMs -= MS_PER_DAY;
  }
  while (ticks >= ticksPerDay) {
    ticks -= ticksPerDay;
    dayMs += MS_PER_DAY;
  }
  return { dayMs, ticks, offsetMinutes };
}

function uintLE(v: bigint, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let x = v;
  for (let i = 0; i < bytes; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

function toBigInt(value: SqlValue): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string') return BigInt(value.trim());
  throw new Error(`expected an integer, got ${value instanceof Buffer ? 'a Buffer' : typeof value}`);
}

function plp(data: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeBigUInt64LE(BigInt(data.length), 0);
  head.writeUInt32LE(data.length, 8);
  return data.length === 0 ? Buffer.concat([head.subarray(0, 8), Buffer.alloc(4)]) : Buffer.concat([head, data, Buffer.alloc(4)]);
}

function textBytes(ti: TypeInfo, value: SqlValue): Buffer {
  if (Buffer.isBuffer(value)) return value;
  const text = value instanceof Date ? value.toISOString() : String(value);
  return ti.id === TypeId.NVARCHAR || ti.id === TypeId.NCHAR || ti.id === TypeId.XML ? Buffer.from(text, 'utf16le') : encodeCp1252(text);
}

function guidBytes(text: string): Buffer {
  const hex = text.replace(/[{}-]/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a uniqueidentifier: ${text}`);
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}

/** Encodes one value of the given type for a ROW or RETURNVALUE token. */
export function writeValue(ti: TypeInfo, value: SqlValue | undefined): Buffer {
  const isNull = value === null || value === undefined;
  if (isPlp(ti)) {
    if (isNull) return Buffer.alloc(8, 0xff);
    return plp(ti.id === TypeId.BIGVARBIN ? (Buffer.isBuffer(value) ? value : Buffer.from(String(value))) : textBytes(ti, value));
  }
  switch (ti.id) {
    case TypeId.INTN: {
      if (isNull) return Buffer.from([0]);
      const len = ti.length ?? 4;
      const out = Buffer.alloc(len + 1);
      out[0] = len;
      const v = toBigInt(value);
      if (len === 8) out.writeBigInt64LE(v, 1);
      else if (len === 4) out.writeInt32LE(Number(v), 1);
      else if (len === 2) out.writeInt16LE(Number(v), 1);
      else out.writeUInt8(Number(v), 1);
      return out;
    }
    case TypeId.BITN:
      return isNull ? Buffer.from([0]) : Buffer.from([1, value === true || (value !== false && Number(value) !== 0) ? 1 : 0]);
    case TypeId.FLTN: {
      if (isNull) return Buffer.from([0]);
      const len = ti.length ?? 8;
      const out = Buffer.alloc(len + 1);
      out[0] = len;
      if (len === 4) out.writeFloatLE(Number(value), 1);
      else out.writeDoubleLE(Number(value), 1);
      return out;
    }
    case TypeId.MONEYN: {
      if (isNull) return Buffer.from([0]);
      const cents = BigInt(Math.round(Number(value) * 10000));
      if (ti.length === 4) {
        const out = Buffer.alloc(5);
        out[0] = 4;
        out.writeInt32LE(Number(cents), 1);
        return out;
      }
      const out = Buffer.alloc(9);
      out[0] = 8;
      out.writeInt32LE(Number(cents >> 32n), 1);
      out.writeUInt32LE(Number(cents & 0xffffffffn), 5);
      return out;
    }
    case TypeId.DECIMALN:
    case TypeId.NUMERICN: {
      if (isNull) return Buffer.from([0]);
      const scale = ti.scale ?? 0;
      const text = String(value).trim();
      const negative = text.startsWith('-');
      const [whole = '0', frac = ''] = text.replace(/^[-+]/, '').split('.');
      const scaled = BigInt(whole + frac.padEnd(scale, '0').slice(0, scale));
      const len = ti.length ?? 17;
      return Buffer.concat([Buffer.from([len, negative ? 0 : 1]), uintLE(scaled, len - 1)]);
    }
    case TypeId.DATETIMN: {
      if (isNull) return Buffer.from([0]);
      const parts = toDateParts(value);
      const days = Math.round((parts.dayMs - EPOCH_1900) / MS_PER_DAY);
      if (ti.length === 4) {
        const out = Buffer.alloc(5);
        out[0] = 4;
        out.writeUInt16LE(days, 1);
        out.writeUInt16LE(Number(parts.ticks / 600_000_000n), 3);
        return out;
      }
      const out = Buffer.alloc(9);
      out[0] = 8;
      out.writeInt32LE(days, 1);
      out.writeUInt32LE(Number((parts.ticks * 3n + 50_000n) / 100_000n), 5);
      return out;
    }
    case TypeId.GUID:
      return isNull ? Buffer.from([0]) : Buffer.concat([Buffer.from([16]), guidBytes(String(value))]);
    case TypeId.DATE: {
      if (isNull) return Buffer.from([0]);
      const days = Math.round((toDateParts(value).dayMs - EPOCH_0001) / MS_PER_DAY);
      return Buffer.concat([Buffer.from([3]), uintLE(BigInt(days), 3)]);
    }
    case TypeId.TIME:
    case TypeId.DATETIME2:
    case TypeId.DATETIMEOFFSET: {
      if (isNull) return Buffer.from([0]);
      const scale = ti.scale ?? 7;
      const parts = toDateParts(value);
      const units = parts.ticks / 10n ** BigInt(7 - scale);
      const tb = timeBytes(scale);
      const chunks = [uintLE(units, tb)];
      if (ti.id !== TypeId.TIME) chunks.push(uintLE(BigInt(Math.round((parts.dayMs - EPOCH_0001) / MS_PER_DAY)), 3));
      if (ti.id === TypeId.DATETIMEOFFSET) {
        const off = Buffer.alloc(2);
        off.writeInt16LE(parts.offsetMinutes, 0);
        chunks.push(off);
      }
      const body = Buffer.concat(chunks);
      return Buffer.concat([Buffer.from([body.length]), body]);
    }
    case TypeId.BIGVARBIN:
    case TypeId.BIGBINARY:
    case TypeId.BIGVARCHR:
    case TypeId.BIGCHAR:
    case TypeId.NVARCHAR:
    case TypeId.NCHAR: {
      if (isNull) return Buffer.from([0xff, 0xff]);
      const data = ti.id === TypeId.BIGVARBIN || ti.id === TypeId.BIGBINARY ? (Buffer.isBuffer(value) ? value : Buffer.from(String(value))) : textBytes(ti, value);
      if (ti.length !== undefined && ti.length !== MAX_LENGTH && data.length > ti.length) {
        throw new Error(`value of ${data.length} bytes does not fit the declared length ${ti.length}`);
      }
      const head = Buffer.alloc(2);
      head.writeUInt16LE(data.length, 0);
      return Buffer.concat([head, data]);
    }
    default:
      throw new Error(`the double cannot write values of TDS type 0x${ti.id.toString(16)}`);
  }
}
