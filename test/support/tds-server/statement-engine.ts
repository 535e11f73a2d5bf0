import { randomUUID } from 'node:crypto';
import type { ResponseWriter } from './response-writer';
import type { ConnectionInfo, ErrorSpec } from './responder-types';
import type { Expr, IfTest, Statement } from './statement-parser';
import type { TableEmulator } from './table-emulator';
import { envChangeText, EnvType } from './token-writer';
import type { TransactionState } from './transaction-state';
import type { SqlValue } from './value-codec';

/** Per-connection state the statement engine reads and changes. */
export interface EngineSession {
  connection: ConnectionInfo;
  txn: TransactionState;
  nocount: boolean;
  lastIdentity: number | null;
  serverName: string;
  version: string;
  /** SERVERPROPERTY('ProductVersion'), e.g. 16.0.1000.6. */
  productVersion: string;
}

/** Per-request inputs: parameter values and the writer for the response. */
export interface EngineRequest {
  param(name: string): SqlValue | undefined;
  writer: ResponseWriter;
}

class StatementError extends Error {
  constructor(readonly spec: ErrorSpec) {
    super(spec.message);
  }
}

/**
 * Runs parsed statements the way SQL Server would for the shapes the double knows: transaction
 * statements, USE, SET NOCOUNT, simple IF guards, expression SELECTs (SELECT 1, @@TRANCOUNT,
 * DB_NAME(), OBJECT_ID(...)) and the table emulation. Unknown statements succeed silently.
 * `onlySessionStatements` is used when a responder answers the request: only the session effects
 * (transactions, USE) are applied then.
 */
export function runStatements(statements: readonly Statement[], session: EngineSession, req: EngineRequest, tables: TableEmulator, onlySessionStatements = false): void {
  const evaluate = (e: Expr): SqlValue => {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'param': {
        const v = req.param(e.name);
        if (v === undefined) throw new StatementError({ number: 137, state: 2, message: `Must declare the scalar variable "${e.name}".` });
        return v;
      }
      case 'now':
        return new Date();
      case 'newid':
        return randomUUID().toUpperCase();
      case 'global':
        switch (e.name) {
          case '@@TRANCOUNT':
            return session.txn.tranCount;
          case '@@SPID':
            return session.connection.id + 50;
          case '@@VERSION':
            return session.version;
          case '@@SERVERNAME':
            return session.serverName;
          case '@@ERROR':
            return 0;
          default:
            return null;
        }
      case 'fn': {
        const args = e.args.map(evaluate);
        switch (e.name) {
          case 'DB_NAME':
            return session.connection.database;
          case 'OBJECT_ID':
            return args[0] === null || args[0] === undefined ? null : tables.objectId(String(args[0]));
          case 'COL_LENGTH':
            return tables.colLength(String(args[0]), String(args[1]));
          case 'SCOPE_IDENTITY':
            return session.lastIdentity;
          case 'SUSER_SNAME':
            return session.connection.user ?? null;
          case 'SERVERPROPERTY':
            return serverProperty(session, String(args[0] ?? ''));
          case 'CONNECTIONPROPERTY':
            return connectionProperty(session, String(args[0] ?? ''));
        }
      }
    }
    return null;
  };

  const test = (t: IfTest): boolean => {
    switch (t.kind) {
      case 'object-null':
        return (evaluate({ kind: 'fn', name: 'OBJECT_ID', args: [t.name] }) === null) !== t.negate;
      case 'col-length-null':
        return (tables.colLength(String(evaluate(t.table)), String(evaluate(t.column))) === null) !== t.negate;
      case 'exists': {
        if (!tables.claims(t.select)) return t.negate; // unknown table: treat as empty
        const out = tables.execute(t.select, evaluate, undefined);
        if (out.error) throw new StatementError(out.error);
        return (out.resultSet!.rows.length > 0) !== t.negate;
      }
      case 'trancount': {
        const n = session.txn.tranCount;
        return { '>': n > t.value, '<': n < t.value, '=': n === t.value, '>=': n >= t.value, '<=': n <= t.value, '<>': n !== t.value }[t.op];
      }
    }
  };

  const w = req.writer;
  const run = (list: readonly Statement[]): void => {
    for (const s of list) {
      try {
        runOne(s);
      } catch (e) {
        if (!(e instanceof StatementError)) throw e;
        w.error({ ...e.spec, lineNumber: e.spec.lineNumber ?? s.line });
      }
    }
  };

  const runOne = (s: Statement): void => {
    switch (s.kind) {
      case 'begin-tran':
        w.push(session.txn.begin('batch', s.name));
        return;
      case 'commit': {
        const tokens = session.txn.commit('batch', s.name);
        if (tokens) w.push(tokens);
        return;
      }
      case 'rollback': {
        const tokens = session.txn.rollback('batch', s.name);
        if (tokens) w.push(tokens);
        return;
      }
      case 'save-tran':
        session.txn.save('batch', s.name);
        return;
      case 'use': {
        const old = session.connection.database;
        session.connection.database = s.database;
        w.push(envChangeText(EnvType.DATABASE, s.database, old));
        w.info({ number: 5701, state: 1, message: `Changed database context to '${s.database}'.`, lineNumber: s.line });
        return;
      }
      case 'set-nocount':
        session.nocount = s.on;
        return;
      case 'if':
        if (onlySessionStatements) return run([...s.then, ...s.else].filter((x) => x.kind !== 'if'));
        run(test(s.test) ? s.then : s.else);
        return;
      default:
        break;
    }
    if (onlySessionStatements) return;
    if (s.kind === 'select' && s.table === undefined) {
      const items = s.items.filter((i) => i.kind === 'expr');
      if (items.length !== s.items.length || items.length === 0) return;
      const values = items.map((i) => evaluate(i.expr));
      w.resultSet({
        columns: items.map((i, idx) => {
          const v = values[idx];
          return { name: i.alias, type: typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : Buffer.isBuffer(v) ? 'varbinary(max)' : v instanceof Date ? 'datetime2' : 'nvarchar(4000)' };
        }),
        rows: [values],
      });
      return;
    }
    if (!tables.claims(s)) return;
    const out = tables.execute(s, evaluate, session.txn.tranCount > 0 ? session.connection.id : undefined);
    if (out.identity !== undefined) session.lastIdentity = out.identity;
    if (out.error) throw new StatementError(out.error);
    if (out.resultSet) w.resultSet(out.resultSet);
    if (out.rowCount !== undefined) w.rowCount(out.rowCount, !session.nocount);
  };

  run(statements);
}

/** The SERVERPROPERTY names a connection test reads; others are NULL, as SQL Server answers unknown names. */
function serverProperty(session: EngineSession, name: string): SqlValue {
  switch (name.toLowerCase()) {
    case 'productversion':
      return session.productVersion;
    case 'servername':
    case 'machinename':
      return session.serverName;
    case 'productlevel':
      return 'RTM';
    case 'edition':
      return 'Developer Edition (64-bit)';
    default:
      return null;
  }
}

/** CONNECTIONPROPERTY as SQL Server reports it for a TCP session; auth_scheme follows the login. */
function connectionProperty(session: EngineSession, name: string): SqlValue {
  switch (name.toLowerCase()) {
    case 'auth_scheme':
      return session.connection.authKind === 'ntlm' ? 'NTLM' : session.connection.authKind === 'sql' ? 'SQL' : null;
    case 'net_transport':
    case 'physical_net_transport':
      return 'TCP';
    case 'protocol_type':
      return 'TSQL';
    case 'encrypt_option':
      // TRUE once the whole session runs in TLS (a login-only TLS exchange leaves the session in clear).
      return session.connection.encryption === 'tls' || session.connection.encryption === 'strict' ? 'TRUE' : 'FALSE';
    default:
      return null;
  }
}
