import type { SqlValue } from '../tds-server/index';

/**
 * The emulation's internal.check_data_type_value: which sql_variant base types the catalog accepts
 * for each SSIS data type, following the documented mapping (String → character types, Int32 → int,
 * Int64 → bigint, Boolean → bit, DateTime → date/time types, Double/Single/Decimal → numeric types).
 */

/** SSIS types the catalog stores (SByte, Char, DBNull and Object are refused). */
export const CATALOG_DATA_TYPES = ['Boolean', 'Byte', 'DateTime', 'Decimal', 'Double', 'Int16', 'Int32', 'Int64', 'Single', 'String', 'UInt32', 'UInt64'] as const;

const STRING = ['nvarchar', 'varchar', 'nchar', 'char'];
const NUMERIC = ['float', 'real', 'decimal', 'numeric'];

const ACCEPTED: Record<string, string[]> = {
  Boolean: ['bit'],
  Byte: ['tinyint'],
  Int16: ['smallint', 'tinyint'],
  Int32: ['int', 'smallint', 'tinyint'],
  Int64: ['bigint', 'int', 'smallint', 'tinyint'],
  UInt32: ['bigint', 'int', 'smallint', 'tinyint'],
  UInt64: ['bigint', 'int', 'smallint', 'tinyint'],
  Single: NUMERIC,
  Double: NUMERIC,
  Decimal: NUMERIC,
  DateTime: ['datetime2', 'datetime', 'smalldatetime', 'datetimeoffset', 'date'],
  String: STRING,
};

/** The base type name of a sent type name: `nvarchar(12)` → `nvarchar`, `decimal(38,2)` → `decimal`. */
export function baseTypeOf(typeName: string): string {
  return typeName.replace(/\(.*$/, '');
}

/** True when the catalog knows the SSIS type. */
export function isCatalogDataType(name: string): boolean {
  return (CATALOG_DATA_TYPES as readonly string[]).includes(name);
}

/** Undefined when a value of this base type may be stored for the SSIS type; else the reason. */
export function checkDataTypeValue(ssisType: string, baseType: string, value: SqlValue): string | undefined {
  const accepted = ACCEPTED[ssisType];
  if (!accepted) return `the data type '${ssisType}' is not supported`;
  if (!accepted.includes(baseType)) return `a ${baseType} value cannot be stored as ${ssisType} (accepted: ${accepted.join(', ')})`;
  if (ssisType.startsWith('UInt') && (typeof value === 'number' ? value < 0 : typeof value === 'string' && value.trim().startsWith('-'))) return `${ssisType} values cannot be negative`;
  return undefined;
}

/** The catalog's text form of a stored value, as CONVERT(nvarchar(4000), value) gives it. */
export function variantText(baseType: string, value: SqlValue): string | null {
  if (value === null) return null;
  if (baseType === 'bit') return value === true || value === 1 ? '1' : '0';
  if (value instanceof Date) return value.toISOString().replace('Z', '');
  if (Buffer.isBuffer(value)) return `0x${value.toString('hex')}`;
  return String(value);
}
