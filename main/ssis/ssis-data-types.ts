/**
 * SSIS data types and how a value of each travels to a catalog procedure. The catalog's value
 * parameters are sql_variant, which tedious cannot send, so each value goes as the concrete SQL type
 * whose sql_variant base type the catalog accepts for that SSIS type (internal.check_data_type_value).
 */
import sql from 'mssql';

/** Types the SSIS catalog accepts for environment variables and parameters (SByte, Char, Object, DBNull are refused). */
export const SSIS_DATA_TYPES = ['Boolean', 'Byte', 'DateTime', 'Decimal', 'Double', 'Int16', 'Int32', 'Int64', 'Single', 'String', 'UInt32', 'UInt64'] as const;
export type SsisDataType = (typeof SSIS_DATA_TYPES)[number];

/** Longest String value that still fits a sql_variant (nvarchar(4000)); nvarchar(max) cannot become one. */
export const MAX_STRING_LENGTH = 4000;

/** A value ready to be bound to an mssql request: the concrete type plus the converted JS value. */
export interface TypedValue {
  type: sql.ISqlType;
  value: string | number | boolean | Date;
  /** T-SQL name of the type sent, for logs (never the value). */
  sqlTypeName: string;
}

/** Why a text cannot be a value of an SSIS type; the message never repeats the value. */
export class SsisValueError extends Error {}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  Byte: [0n, 255n],
  Int16: [-32768n, 32767n],
  Int32: [-2147483648n, 2147483647n],
  Int64: [-9223372036854775808n, 9223372036854775807n],
  UInt32: [0n, 4294967295n],
  // The catalog stores UInt64 values as bigint, so the upper half of the range cannot be stored.
  UInt64: [0n, 9223372036854775807n],
};

/** True when the name is an SSIS type the catalog accepts (case-sensitive, as the catalog stores it). */
export function isSsisDataType(name: string): name is SsisDataType {
  return (SSIS_DATA_TYPES as readonly string[]).includes(name);
}

/** Parses "true/false/1/0/yes/no" the way tenant values and Octopus write booleans. */
export function parseBooleanText(text: string): boolean | undefined {
  const v = text.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  return undefined;
}

function parseInteger(type: string, text: string): bigint {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new SsisValueError(`is not a whole number, which ${type} needs`);
  const n = BigInt(t);
  const [min, max] = INT_RANGES[type]!;
  if (n < min || n > max) throw new SsisValueError(`is outside the ${type} range ${min}..${max}`);
  return n;
}

function parseDecimalText(text: string): { text: string; precision: number; scale: number } {
  const t = text.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new SsisValueError('is not a decimal number');
  const intPart = (m[2] ?? '').replace(/^0+(?=\d)/, '') || '0';
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (intPart.length + frac.length > 38) throw new SsisValueError('has more than 38 digits');
  return { text: `${m[1] === '-' ? '-' : ''}${intPart}${frac ? `.${frac}` : ''}`, precision: 38, scale: Math.min(frac.length, 38 - intPart.length) };
}

function parseFloatText(text: string, type: string): number {
  const t = text.trim();
  const n = Number(t);
  if (t === '' || !Number.isFinite(n)) throw new SsisValueError(`is not a number, which ${type} needs`);
  return n;
}

function parseDateTime(text: string): Date {
  const t = text.trim();
  // Without a zone the value is taken as UTC so the same drop gives the same value on every machine.
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(t) ? `${t.replace(' ', 'T')}${t.length === 10 ? 'T00:00:00' : ''}Z` : t;
  const d = new Date(iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t) || Number.isNaN(d.getTime())) throw new SsisValueError('is not a date and time in ISO form (yyyy-mm-dd or yyyy-mm-ddThh:mm:ss)');
  return d;
}

/** Converts a resolved text value to the concretely typed parameter for an SSIS type; throws SsisValueError. */
export function toTypedValue(type: SsisDataType, text: string): TypedValue {
  switch (type) {
    case 'String':
      if (text.length > MAX_STRING_LENGTH) throw new SsisValueError(`is ${text.length} characters; the catalog stores at most ${MAX_STRING_LENGTH} in a String`);
      return { type: sql.NVarChar(Math.max(text.length, 1)), value: text, sqlTypeName: `nvarchar(${Math.max(text.length, 1)})` };
    case 'Boolean': {
      const b = parseBooleanText(text);
      if (b === undefined) throw new SsisValueError('is not true or false');
      return { type: sql.Bit(), value: b, sqlTypeName: 'bit' };
    }
    case 'Byte':
      return { type: sql.TinyInt(), value: Number(parseInteger(type, text)), sqlTypeName: 'tinyint' };
    case 'Int16':
      return { type: sql.SmallInt(), value: Number(parseInteger(type, text)), sqlTypeName: 'smallint' };
    case 'Int32':
      return { type: sql.Int(), value: Number(parseInteger(type, text)), sqlTypeName: 'int' };
    case 'Int64':
    case 'UInt32':
    case 'UInt64':
      // Sent as text so values beyond 2^53 keep every digit; tedious converts it to a bigint.
      return { type: sql.BigInt(), value: parseInteger(type, text).toString(), sqlTypeName: 'bigint' };
    case 'Double':
      return { type: sql.Float(), value: parseFloatText(text, type), sqlTypeName: 'float' };
    case 'Single':
      return { type: sql.Real(), value: parseFloatText(text, type), sqlTypeName: 'real' };
    case 'Decimal': {
      const d = parseDecimalText(text);
      return { type: sql.Decimal(d.precision, d.scale), value: Number(d.text), sqlTypeName: `decimal(${d.precision},${d.scale})` };
    }
    case 'DateTime':
      return { type: sql.DateTime2(7), value: parseDateTime(text), sqlTypeName: 'datetime2(7)' };
  }
}

/**
 * True when the catalog's text form of a stored value (CONVERT(nvarchar(4000), value), see
 * catalog-queries) means the same as the desired text for this SSIS type. Formats differ between
 * the two (bit 1 vs "true", float styles), so values are compared after parsing.
 */
export function sameValue(type: SsisDataType, desired: string, stored: string | null): boolean {
  if (stored === null) return false;
  try {
    switch (type) {
      case 'String':
        return desired === stored;
      case 'Boolean':
        return parseBooleanText(desired) === parseBooleanText(stored);
      case 'Byte':
      case 'Int16':
      case 'Int32':
      case 'Int64':
      case 'UInt32':
      case 'UInt64':
        return parseInteger(type, desired) === BigInt(stored.trim());
      case 'Double':
      case 'Single':
        return parseFloatText(desired, type) === Number(stored.trim());
      case 'Decimal':
        return parseDecimalText(desired).text === parseDecimalText(stored).text;
      case 'DateTime':
        return parseDateTime(desired).getTime() === parseDateTime(stored.trim().replace(/(\.\d{3})\d+$/, '$1')).getTime();
    }
  } catch {
    return false;
  }
}
