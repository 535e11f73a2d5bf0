import type { RpcParam } from './rpc-parser';
import type { ColumnSpec, ErrorSpec, InfoSpec, ResultSetSpec } from './responder-types';
import {
  colMetadataToken,
  DoneStatus,
  doneInProcToken,
  doneProcToken,
  doneToken,
  errorToken,
  infoToken,
  returnStatusToken,
  returnValueToken,
  rowToken,
  type WireColumn,
} from './token-writer';
import { parseSqlType, type TypeInfo } from './type-info';
import type { SqlValue } from './value-codec';

const CMD_SELECT = 0xc1;

function inferType(value: SqlValue | undefined): TypeInfo {
  if (typeof value === 'number') return Number.isInteger(value) ? parseSqlType(Math.abs(value) <= 0x7fffffff ? 'int' : 'bigint') : parseSqlType('float');
  if (typeof value === 'bigint') return parseSqlType('bigint');
  if (typeof value === 'boolean') return parseSqlType('bit');
  if (Buffer.isBuffer(value)) return parseSqlType('varbinary(max)');
  if (value instanceof Date) return parseSqlType('datetime2(7)');
  return parseSqlType('nvarchar(max)');
}

/** Resolves column specs (or infers them from the first rows) into wire columns. */
export function toWireColumns(rs: ResultSetSpec): WireColumn[] {
  if (rs.columns) {
    return rs.columns.map((c: ColumnSpec) => ({ name: c.name, type: typeof c.type === 'string' ? parseSqlType(c.type) : c.type, nullable: c.nullable ?? true }));
  }
  const first = rs.rows[0];
  if (first === undefined) throw new Error('a result set without rows needs explicit columns');
  const names = Array.isArray(first) ? first.map((_, i) => `Column${i + 1}`) : Object.keys(first);
  return names.map((name, i) => {
    const sample = rs.rows
      .map((row) => (Array.isArray(row) ? row[i] : (row as Record<string, SqlValue>)[name]))
      .find((v) => v !== null && v !== undefined);
    return { name: Array.isArray(first) ? '' : name, type: inferType(sample), nullable: true };
  });
}

/**
 * Accumulates the tokens of one response message. Batches end statements with DONE, RPCs with
 * DONEINPROC and the call with RETURNSTATUS, RETURNVALUEs and DONEPROC, as SQL Server does.
 */
export class ResponseWriter {
  private readonly parts: Buffer[] = [];
  hadError = false;

  constructor(
    readonly kind: 'batch' | 'rpc',
    private readonly serverName: string,
    private readonly defaultProcedure = '',
  ) {}

  /** Appends raw token bytes. */
  push(buf: Buffer): void {
    this.parts.push(buf);
  }

  private statementDone(status: number, rowCount: number, curCmd = 0): Buffer {
    return this.kind === 'batch' ? doneToken(status, rowCount, curCmd) : doneInProcToken(status, rowCount, curCmd);
  }

  /** COLMETADATA, one ROW per row, then a DONE with the row count. */
  resultSet(rs: ResultSetSpec): void {
    const columns = toWireColumns(rs);
    this.parts.push(colMetadataToken(columns));
    for (const row of rs.rows) {
      const values = Array.isArray(row) ? row : columns.map((c) => (row as Record<string, SqlValue>)[c.name]);
      this.parts.push(rowToken(columns, values));
    }
    this.parts.push(this.statementDone(DoneStatus.MORE | DoneStatus.COUNT, rs.rows.length, CMD_SELECT));
  }

  /** A statement that affected rows (INSERT/UPDATE/DELETE); with SET NOCOUNT ON the count is not reported. */
  rowCount(n: number, report = true): void {
    this.parts.push(this.statementDone(report ? DoneStatus.MORE | DoneStatus.COUNT : DoneStatus.MORE, report ? n : 0));
  }

  /** An INFO message (class 0 unless given). */
  info(i: InfoSpec): void {
    this.parts.push(
      infoToken({ number: i.number ?? 0, message: i.message, class: i.class ?? 0, state: i.state ?? 1, lineNumber: i.lineNumber ?? 1, serverName: this.serverName, procedure: i.procedure ?? this.defaultProcedure }),
    );
  }

  /** An ERROR message followed by a statement DONE carrying the error bit. */
  error(e: ErrorSpec): void {
    this.hadError = true;
    this.parts.push(
      errorToken({ number: e.number, message: e.message, class: e.class ?? 16, state: e.state ?? 1, lineNumber: e.lineNumber ?? 1, serverName: this.serverName, procedure: e.procedure ?? this.defaultProcedure }),
    );
    if (this.kind === 'batch') this.parts.push(doneToken(DoneStatus.MORE | DoneStatus.ERROR, 0));
  }

  /** Ends the response: a final DONE for batches; RETURNSTATUS, RETURNVALUEs and DONEPROC for RPCs. */
  finish(opts: { returnStatus?: number; outputParams?: Array<{ ordinal: number; param: RpcParam; value: SqlValue | undefined }> } = {}): Buffer {
    if (this.kind === 'batch') {
      this.parts.push(doneToken(this.hadError ? DoneStatus.ERROR : DoneStatus.FINAL, 0));
    } else {
      if (opts.returnStatus !== undefined) this.parts.push(returnStatusToken(opts.returnStatus));
      for (const o of opts.outputParams ?? []) this.parts.push(returnValueToken(o.ordinal, o.param.name, o.param.type, o.value));
      this.parts.push(doneProcToken(this.hadError ? DoneStatus.ERROR : DoneStatus.FINAL, 0));
    }
    return Buffer.concat(this.parts);
  }
}
