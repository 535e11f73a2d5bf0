import type { ColumnSpec, ErrorSpec, ResultSetSpec } from './responder-types';
import { normaliseTableName, type ColumnDef, type Condition, type Expr, type Statement } from './statement-parser';
import { MAX_LENGTH, parseSqlType, TypeId, type TypeInfo } from './type-info';
import type { SqlValue } from './value-codec';

/** A column of an emulated table. */
export interface EmulatedColumn {
  name: string;
  typeText: string;
  type: TypeInfo;
  nullable: boolean;
  identity?: { seed: number; increment: number };
  default?: Expr | { kind: 'value'; value: SqlValue };
}

/** An emulated table: its columns and rows. `columns` is undefined when CREATE TABLE used syntax the double does not parse. */
export interface EmulatedTable {
  name: string;
  columns: EmulatedColumn[] | undefined;
  rows: Array<Record<string, SqlValue>>;
  nextIdentity: number;
  objectId: number;
}

/** A column as given to `tables.create()` from test code. */
export interface TableColumnInput {
  name: string;
  /** T-SQL type, e.g. 'int', 'nvarchar(255)', 'datetime'. */
  type: string;
  nullable?: boolean;
  identity?: boolean;
  /** 'now' fills the current time on insert, like DEFAULT (GETDATE()). */
  default?: 'now' | SqlValue;
}

/** What executing one table statement produced. */
export interface TableOutcome {
  resultSet?: ResultSetSpec;
  rowCount?: number;
  error?: ErrorSpec;
  /** Identity value of the last inserted row, for SCOPE_IDENTITY(). */
  identity?: number;
}

/** Evaluates an expression in the context of the current request (parameters, clock, session). */
export type ExprEvaluator = (e: Expr) => SqlValue;

function sameValue(a: SqlValue | undefined, b: SqlValue | undefined): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase(); // CI collation
  if (a instanceof Date || b instanceof Date) return new Date(a as string).getTime() === new Date(b as string).getTime();
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) === Number(b);
  if (typeof a === 'number' || typeof b === 'number' || typeof a === 'bigint' || typeof b === 'bigint') return Number(a) === Number(b);
  return String(a) === String(b);
}

function compare(a: SqlValue | undefined, b: SqlValue | undefined): number {
  const an = a === null || a === undefined;
  const bn = b === null || b === undefined;
  if (an || bn) return an && bn ? 0 : an ? -1 : 1; // NULLs sort first, as in SQL Server
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  const sa = String(a).toUpperCase();
  const sb = String(b).toUpperCase();
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function coerce(col: EmulatedColumn, value: SqlValue): SqlValue {
  if (value === null) return null;
  switch (col.type.id) {
    case TypeId.INTN:
      if (col.type.length === 8 && typeof value === 'string') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
      return typeof value === 'bigint' ? Number(value) : Number(value);
    case TypeId.BITN:
      return value === true || value === 'true' || (typeof value !== 'string' && Number(value) !== 0) || value === '1';
    case TypeId.FLTN:
      return Number(value);
    case TypeId.NVARCHAR:
    case TypeId.NCHAR:
    case TypeId.BIGVARCHR:
    case TypeId.BIGCHAR:
      return value instanceof Date ? value.toISOString() : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
    default:
      return value;
  }
}

/**
 * A small in-memory table store behind the statement shapes listed in README.md. It exists so a
 * script runner's journal table behaves like a table: created once, rows inserted by parameterised
 * INSERTs, read back by SELECT, and undone when the connection's transaction rolls back.
 */
export class TableEmulator {
  private readonly tables = new Map<string, EmulatedTable>();
  private readonly undoLogs = new Map<number, Array<() => void>>();
  private nextObjectId = 1_000_000;

  /** Creates a table from test code (throws if it exists). */
  create(name: string, columns: TableColumnInput[]): void {
    const key = normaliseTableName(name);
    if (this.tables.has(key)) throw new Error(`table ${name} already exists in the double`);
    this.tables.set(key, {
      name,
      columns: columns.map((c) => ({
        name: c.name,
        typeText: c.type,
        type: parseSqlType(c.type),
        nullable: c.identity ? false : (c.nullable ?? true),
        ...(c.identity ? { identity: { seed: 1, increment: 1 } } : {}),
        ...(c.default === 'now' ? { default: { kind: 'now' as const } } : c.default !== undefined ? { default: { kind: 'value' as const, value: c.default } } : {}),
      })),
      rows: [],
      nextIdentity: 1,
      objectId: this.nextObjectId++,
    });
  }

  /** True if the table exists (name in any form: `T`, `dbo.T`, `[db].[dbo].[T]`). */
  has(name: string): boolean {
    return this.tables.has(normaliseTableName(name));
  }

  /** The table, or undefined. */
  get(name: string): EmulatedTable | undefined {
    return this.tables.get(normaliseTableName(name));
  }

  /** Copies of the table's rows (empty if the table does not exist). */
  rows(name: string): Array<Record<string, SqlValue>> {
    return (this.get(name)?.rows ?? []).map((r) => ({ ...r }));
  }

  /** Inserts a row from test code, filling identity and default columns. */
  insert(name: string, row: Record<string, SqlValue>): void {
    const t = this.get(name);
    if (!t?.columns) throw new Error(`table ${name} does not exist in the double (or has unparsed columns)`);
    const outcome = this.insertRow(t, row, () => null, undefined);
    if (outcome) throw new Error(outcome.message);
  }

  /** Drops a table from test code. */
  drop(name: string): void {
    this.tables.delete(normaliseTableName(name));
  }

  /** Names of all emulated tables. */
  list(): string[] {
    return [...this.tables.values()].map((t) => t.name);
  }

  /** Drops every table. */
  clear(): void {
    this.tables.clear();
    this.undoLogs.clear();
  }

  /** OBJECT_ID() for emulated tables; null when unknown. */
  objectId(name: string): number | null {
    return this.get(name)?.objectId ?? null;
  }

  /** COL_LENGTH() for emulated tables: the column's max length in bytes, or null. */
  colLength(table: string, column: string): number | null {
    const col = this.get(table)?.columns?.find((c) => c.name.toLowerCase() === column.toLowerCase());
    if (!col) return null;
    if (col.type.length === MAX_LENGTH) return -1;
    return col.type.length ?? ({ [TypeId.DATETIME2]: 8, [TypeId.DATE]: 3, [TypeId.DATETIMEOFFSET]: 10 } as Record<number, number>)[col.type.id] ?? null;
  }

  /** Called by the session when a connection's transaction starts. */
  beginTransaction(connectionId: number): void {
    if (!this.undoLogs.has(connectionId)) this.undoLogs.set(connectionId, []);
  }

  /** Called when a connection's transaction commits: its changes become permanent. */
  commit(connectionId: number): void {
    this.undoLogs.delete(connectionId);
  }

  /** Called when a connection's transaction rolls back: undo its changes, newest first. */
  rollback(connectionId: number): void {
    const log = this.undoLogs.get(connectionId) ?? [];
    for (const undo of log.reverse()) undo();
    this.undoLogs.delete(connectionId);
  }

  private logUndo(connectionId: number, undo: () => void): void {
    this.undoLogs.get(connectionId)?.push(undo);
  }

  /** True when this statement is about a table the emulator owns (or creates one). */
  claims(s: Statement): boolean {
    switch (s.kind) {
      case 'create-table':
        return true;
      case 'drop-table':
      case 'alter-add':
      case 'insert':
      case 'update':
      case 'delete':
        return this.get(s.table)?.columns !== undefined || (s.kind === 'drop-table' && this.has(s.table));
      case 'select':
        return s.table !== undefined && this.get(s.table)?.columns !== undefined;
      default:
        return false;
    }
  }

  private toColumns(defs: ColumnDef[]): EmulatedColumn[] | undefined {
    try {
      return defs.map((d) => ({ name: d.name, typeText: d.typeText, type: parseSqlType(d.typeText), nullable: d.nullable, ...(d.identity ? { identity: d.identity } : {}), ...(d.default ? { default: d.default } : {}) }));
    } catch {
      return undefined;
    }
  }

  private insertRow(t: EmulatedTable, given: Record<string, SqlValue>, evaluate: ExprEvaluator, connectionId: number | undefined): ErrorSpec | undefined {
    const row: Record<string, SqlValue> = {};
    const givenKeys = new Map(Object.keys(given).map((k) => [k.toLowerCase(), k]));
    for (const col of t.columns!) {
      const key = givenKeys.get(col.name.toLowerCase());
      if (col.identity) {
        if (key !== undefined) return { number: 544, state: 1, message: `Cannot insert explicit value for identity column in table '${t.name}' when IDENTITY_INSERT is set to OFF.` };
        row[col.name] = t.nextIdentity;
        continue;
      }
      let value: SqlValue = key !== undefined ? given[key]! : null;
      if (key === undefined && col.default) value = col.default.kind === 'value' ? col.default.value : col.default.kind === 'now' ? new Date() : evaluate(col.default);
      if (value === null && !col.nullable) {
        return { number: 515, state: 2, message: `Cannot insert the value NULL into column '${col.name}', table '${t.name}'; column does not allow nulls. INSERT fails.` };
      }
      row[col.name] = coerce(col, value);
    }
    for (const [lower, original] of givenKeys) {
      if (!t.columns!.some((c) => c.name.toLowerCase() === lower)) return { number: 207, state: 1, message: `Invalid column name '${original}'.` };
    }
    const identity = t.columns!.find((c) => c.identity);
    if (identity?.identity) t.nextIdentity += identity.identity.increment;
    t.rows.push(row);
    if (connectionId !== undefined) this.logUndo(connectionId, () => t.rows.splice(t.rows.indexOf(row), 1));
    return undefined;
  }

  private filter(t: EmulatedTable, where: Condition[], evaluate: ExprEvaluator): Array<Record<string, SqlValue>> | ErrorSpec {
    for (const c of where) {
      if (!t.columns!.some((col) => col.name.toLowerCase() === c.column.toLowerCase())) return { number: 207, state: 1, message: `Invalid column name '${c.column}'.` };
    }
    const values = where.map((c) => (c.value ? evaluate(c.value) : null));
    return t.rows.filter((row) =>
      where.every((c, i) => {
        const col = t.columns!.find((x) => x.name.toLowerCase() === c.column.toLowerCase())!;
        const v = row[col.name];
        if (c.op === 'is null') return v === null || v === undefined;
        if (c.op === 'is not null') return v !== null && v !== undefined;
        return sameValue(v, values[i]);
      }),
    );
  }

  /** Executes one claimed statement; `connectionId` is set when the change belongs to an open transaction. */
  execute(s: Statement, evaluate: ExprEvaluator, connectionId: number | undefined): TableOutcome {
    switch (s.kind) {
      case 'create-table': {
        const key = normaliseTableName(s.table);
        if (this.tables.has(key)) return { error: { number: 2714, state: 6, message: `There is already an object named '${key.split('.').pop()}' in the database.`, lineNumber: s.line } };
        const table: EmulatedTable = { name: s.table, columns: s.columns ? this.toColumns(s.columns) : undefined, rows: [], nextIdentity: 1, objectId: this.nextObjectId++ };
        const identity = table.columns?.find((c) => c.identity);
        if (identity?.identity) table.nextIdentity = identity.identity.seed;
        this.tables.set(key, table);
        if (connectionId !== undefined) this.logUndo(connectionId, () => this.tables.delete(key));
        return {};
      }
      case 'drop-table': {
        const key = normaliseTableName(s.table);
        const t = this.tables.get(key);
        if (!t) return s.ifExists ? {} : { error: { number: 3701, class: 11, state: 5, message: `Cannot drop the table '${s.table}', because it does not exist or you do not have permission.`, lineNumber: s.line } };
        this.tables.delete(key);
        if (connectionId !== undefined) this.logUndo(connectionId, () => this.tables.set(key, t));
        return {};
      }
      case 'alter-add': {
        const t = this.get(s.table)!;
        const added = this.toColumns(s.columns);
        if (!added) return {};
        for (const col of added) {
          if (t.columns!.some((c) => c.name.toLowerCase() === col.name.toLowerCase())) {
            return { error: { number: 2705, state: 4, message: `Column names in each table must be unique. Column name '${col.name}' in table '${t.name}' is specified more than once.`, lineNumber: s.line } };
          }
        }
        t.columns!.push(...added);
        for (const row of t.rows) for (const col of added) row[col.name] = col.default ? (col.default.kind === 'value' ? col.default.value : evaluate(col.default)) : null;
        if (connectionId !== undefined) this.logUndo(connectionId, () => t.columns!.splice(t.columns!.length - added.length, added.length));
        return {};
      }
      case 'insert': {
        const t = this.get(s.table)!;
        const names = s.columns ?? t.columns!.filter((c) => !c.identity).map((c) => c.name);
        for (const exprs of s.rows) {
          if (exprs.length !== names.length) {
            return { error: { number: exprs.length > names.length ? 110 : 109, state: 1, lineNumber: s.line, message: 'There are fewer columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.' } };
          }
          const row: Record<string, SqlValue> = {};
          names.forEach((n, i) => {
            row[n] = evaluate(exprs[i]!);
          });
          const err = this.insertRow(t, row, evaluate, connectionId);
          if (err) return { error: { ...err, lineNumber: s.line } };
        }
        const identity = t.columns!.find((c) => c.identity);
        const last = t.rows[t.rows.length - 1];
        return identity && last ? { rowCount: s.rows.length, identity: Number(last[identity.name]) } : { rowCount: s.rows.length };
      }
      case 'update': {
        const t = this.get(s.table)!;
        const matched = this.filter(t, s.where, evaluate);
        if (!Array.isArray(matched)) return { error: { ...matched, lineNumber: s.line } };
        const assignments = s.set.map((a) => ({ col: t.columns!.find((c) => c.name.toLowerCase() === a.column.toLowerCase()), a }));
        const missing = assignments.find((x) => !x.col);
        if (missing) return { error: { number: 207, state: 1, message: `Invalid column name '${missing.a.column}'.`, lineNumber: s.line } };
        for (const row of matched) {
          const before = { ...row };
          for (const { col, a } of assignments) row[col!.name] = coerce(col!, evaluate(a.value));
          if (connectionId !== undefined) this.logUndo(connectionId, () => Object.assign(row, before));
        }
        return { rowCount: matched.length };
      }
      case 'delete': {
        const t = this.get(s.table)!;
        const matched = this.filter(t, s.where, evaluate);
        if (!Array.isArray(matched)) return { error: { ...matched, lineNumber: s.line } };
        const before = [...t.rows];
        t.rows = t.rows.filter((r) => !matched.includes(r));
        if (connectionId !== undefined) this.logUndo(connectionId, () => (t.rows = before));
        return { rowCount: matched.length };
      }
      case 'select': {
        const t = this.get(s.table!)!;
        let rows = this.filter(t, s.where, evaluate);
        if (!Array.isArray(rows)) return { error: { ...rows, lineNumber: s.line } };
        for (const o of s.orderBy) {
          if (!t.columns!.some((c) => c.name.toLowerCase() === o.column.toLowerCase())) return { error: { number: 207, state: 1, message: `Invalid column name '${o.column}'.`, lineNumber: s.line } };
        }
        rows = [...rows].sort((a, b) => {
          for (const o of s.orderBy) {
            const col = t.columns!.find((c) => c.name.toLowerCase() === o.column.toLowerCase())!;
            const d = compare(a[col.name], b[col.name]);
            if (d !== 0) return o.desc ? -d : d;
          }
          return 0;
        });
        if (s.top !== undefined && !s.distinct) rows = rows.slice(0, s.top);
        if (s.items.length === 1 && s.items[0]!.kind === 'count') {
          return { resultSet: { columns: [{ name: s.items[0]!.alias, type: 'int' }], rows: [[rows.length]] } };
        }
        const columns: ColumnSpec[] = [];
        const getters: Array<(r: Record<string, SqlValue>) => SqlValue> = [];
        for (const item of s.items) {
          if (item.kind === 'star') {
            for (const c of t.columns!) {
              columns.push({ name: c.name, type: c.type, nullable: c.nullable });
              getters.push((r) => r[c.name] ?? null);
            }
          } else if (item.kind === 'column') {
            const c = t.columns!.find((x) => x.name.toLowerCase() === item.name.toLowerCase());
            if (!c) return { error: { number: 207, state: 1, message: `Invalid column name '${item.name}'.`, lineNumber: s.line } };
            columns.push({ name: item.alias, type: c.type, nullable: c.nullable });
            getters.push((r) => r[c.name] ?? null);
          } else if (item.kind === 'expr') {
            const v = evaluate(item.expr);
            columns.push({ name: item.alias, type: typeof v === 'number' ? 'int' : Buffer.isBuffer(v) ? 'varbinary(max)' : 'nvarchar(max)' });
            getters.push(() => v);
          } else {
            columns.push({ name: item.alias, type: 'int' });
            getters.push(() => rows.length);
          }
        }
        let out = rows.map((r) => getters.map((g) => g(r)));
        if (s.distinct) {
          const seen = new Set<string>();
          out = out.filter((values) => {
            const key = JSON.stringify(values.map((v) => (typeof v === 'string' ? v.toLowerCase() : Buffer.isBuffer(v) ? v.toString('hex') : v)));
            return seen.has(key) ? false : (seen.add(key), true);
          });
          if (s.top !== undefined) out = out.slice(0, s.top);
        }
        return { resultSet: { columns, rows: out } };
      }
      default:
        return {};
    }
  }
}
