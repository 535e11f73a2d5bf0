/**
 * The tedious implementation of SqlSession: one dedicated connection per script run. Scripts rely on
 * session state across batches (#temp tables, SET options), and mssql's pool would both hand out
 * different connections and add a validation round trip before every request, so this talks to
 * tedious directly.
 */
import type { TLSSocket } from 'node:tls';
import { Connection, Request, TYPES } from 'tedious';
import { AppError } from '../../common/errors';
import { describeSqlTarget, toTediousConfig, type SqlConnectionSettings } from './connection-settings';
import { silenceIpServerNameWarning } from './ip-servername-warning';
import { DATABASE_HINT, loginFailureHint, SqlRequestFailure, type ConnectFailureReason, type SqlParameter, type SqlServerMessage, type SqlSession, type SqlSessionOptions } from './sql-session';

/** A session on one tedious connection (TDS in JavaScript: SQL logins, and Windows accounts over NTLM). */
export class TediousSqlSession implements SqlSession {
  readonly driver = 'tedious' as const;
  private busy: Request | undefined;
  private closed = false;
  private closeReason: string | undefined;
  onMessage: ((message: SqlServerMessage) => void) | undefined;

  constructor(
    private readonly connection: Connection,
    readonly target: string,
    onMessage?: (message: SqlServerMessage) => void,
  ) {
    this.onMessage = onMessage;
    connection.on('infoMessage', (token) => this.onMessage?.(toMessage(token)));
    connection.on('end', () => {
      this.closed = true;
      this.closeReason ??= 'the connection was closed';
    });
    connection.on('error', (error: Error) => {
      this.closed = true;
      this.closeReason = error.message;
    });
  }

  /** True until the connection ends or fails. */
  get isOpen(): boolean {
    return !this.closed;
  }

  /** Tracked by tedious from the server's ENVCHANGE tokens, so no round trip is needed. */
  transactionOpen(): Promise<boolean> {
    return Promise.resolve(this.connection.inTransaction);
  }

  /** Sends one batch as-is (SQL_BATCH); resolves with the row counts of its statements. */
  batch(text: string): Promise<{ rowCount: number }> {
    return new Promise((resolve, reject) => {
      let rowCount = 0;
      const request = new Request(text, (error, count) => {
        this.busy = undefined;
        if (error) reject(toFailure(error));
        else {
          rowCount = count ?? rowCount;
          resolve({ rowCount });
        }
      });
      this.start(request, () => this.connection.execSqlBatch(request), reject);
    });
  }

  /** Runs a parameterised statement (sp_executesql) and returns its rows as objects. */
  query(sql: string, parameters: SqlParameter[] = []): Promise<Array<Record<string, unknown>>> {
    return new Promise((resolve, reject) => {
      const rows: Array<Record<string, unknown>> = [];
      const request = new Request(sql, (error) => {
        this.busy = undefined;
        if (error) reject(toFailure(error));
        else resolve(rows);
      });
      for (const p of parameters) request.addParameter(p.name, tediousType(p.type), p.value);
      request.on('row', (columns: Array<{ value: unknown; metadata: { colName: string } }>) => {
        const row: Record<string, unknown> = {};
        for (const c of columns) row[c.metadata.colName] = c.value;
        rows.push(row);
      });
      this.start(request, () => this.connection.execSql(request), reject);
    });
  }

  /** BEGIN TRANSACTION through the TDS transaction manager (the driver then tracks the descriptor). */
  beginTransaction(name = ''): Promise<void> {
    return this.transactionCall((cb) => this.connection.beginTransaction(cb, name));
  }

  /** COMMIT of the innermost transaction begun with beginTransaction. */
  commit(name = ''): Promise<void> {
    return this.transactionCall((cb) => this.connection.commitTransaction(cb, name));
  }

  /** ROLLBACK of the whole transaction. */
  rollback(name = ''): Promise<void> {
    return this.transactionCall((cb) => this.connection.rollbackTransaction(cb, name));
  }

  /** Cancels the running request: the driver sends ATTENTION and the request fails with ECANCEL. */
  cancelCurrent(): boolean {
    if (!this.busy) return false;
    return this.connection.cancel();
  }

  /** Closes the connection; safe to call twice. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.connection.once('end', () => resolve());
      this.connection.close();
    });
  }

  private start(request: Request, send: () => void, reject: (e: unknown) => void): void {
    if (this.closed) {
      reject(new SqlRequestFailure(`The connection to ${this.target} is closed: ${this.closeReason ?? 'closed'}.`, 'ECLOSE', []));
      return;
    }
    if (this.busy) {
      reject(new SqlRequestFailure('Another request is still running on this connection.', 'EINVALIDSTATE', []));
      return;
    }
    this.busy = request;
    try {
      send();
    } catch (error) {
      this.busy = undefined;
      reject(toFailure(error));
    }
  }

  private transactionCall(call: (cb: (error: Error | null | undefined) => void) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new SqlRequestFailure(`The connection to ${this.target} is closed: ${this.closeReason ?? 'closed'}.`, 'ECLOSE', []));
        return;
      }
      try {
        call((error) => (error ? reject(toFailure(error)) : resolve()));
      } catch (error) {
        reject(toFailure(error));
      }
    });
  }
}

/** Opens a tedious connection; failures are SQL_CONNECT_FAILED or SQL_LOGIN_FAILED with a hint. */
export function openTediousSession(settings: SqlConnectionSettings, options: SqlSessionOptions = {}): Promise<SqlSession> {
  silenceIpServerNameWarning();
  const config = toTediousConfig(settings);
  if (options.tediousOverrides) config.options = { ...config.options, ...options.tediousOverrides };
  const target = describeSqlTarget(settings);
  return new Promise((resolve, reject) => {
    let connection: Connection;
    try {
      connection = new Connection(config);
    } catch (error) {
      reject(new AppError('SQL_SETTINGS_INVALID', `The SQL Server connection settings are not usable: ${(error as Error).message}`, 'Check the server, port and authentication settings.'));
      return;
    }
    const loginErrors: SqlServerMessage[] = [];
    const onError = (token: unknown) => loginErrors.push(toMessage(token));
    connection.on('errorMessage', onError);
    // A connect-phase 'error' event is also delivered to the connect callback; this keeps it from being unhandled.
    const swallow = () => {};
    connection.on('error', swallow);
    const onSecure = options.onSecure;
    if (onSecure) {
      connection.on('secure', (cleartext: TLSSocket) => onSecure({ protocol: cleartext.getProtocol() ?? undefined, cipher: cleartext.getCipher()?.name }));
    }
    connection.connect((error) => {
      connection.removeListener('errorMessage', onError);
      connection.removeListener('error', swallow);
      if (error) {
        connection.close();
        reject(connectError(error, loginErrors, target, settings));
        return;
      }
      resolve(new TediousSqlSession(connection, target, options.onMessage));
    });
  });
}

function connectError(error: Error, loginErrors: SqlServerMessage[], target: string, s: SqlConnectionSettings): AppError {
  const code = (error as { code?: string }).code ?? '';
  const login = loginErrors.find((e) => e.number === 18456) ?? loginErrors[0];
  const details = { target, driverCode: code, ...(login ? { number: login.number, state: login.state, class: login.class } : {}) };
  if (code === 'ELOGIN' || login) {
    const reason: ConnectFailureReason = loginErrors.some((e) => e.number === 4060) ? 'database-missing' : 'login-failed';
    const hint = loginFailureHint(login?.number, s.authentication, false);
    return new AppError('SQL_LOGIN_FAILED', `Login to ${target} failed: ${login?.message ?? error.message}`, reason === 'database-missing' ? DATABASE_HINT : hint, { ...details, reason });
  }
  const message = error.message;
  // tedious wraps socket failures ("Could not connect (sequence)"); the cause says which one.
  const causes = causeText(error);
  let hint = 'Check the server name and port, and that SQL Server accepts TCP connections from this machine.';
  let reason: ConnectFailureReason = 'unreachable';
  if (code === 'ETIMEOUT') {
    hint = 'The server did not answer in time: check the server name, port and firewall, or raise the connect timeout.';
    reason = 'timeout';
  } else if (code === 'EINSTLOOKUP') {
    hint = 'The named instance could not be found: check the instance name and that the SQL Server Browser service (UDP 1434) is reachable, or give the port instead.';
    reason = 'instance-not-found';
  } else if (/certificate|self[- ]signed|CERT_|UNABLE_TO_VERIFY|Hostname\/IP does not match/i.test(message)) {
    hint = 'The server\'s TLS certificate is not trusted: install the issuing CA on this machine, or set "trust server certificate" if hospital IT confirms the server.';
    reason = 'certificate-untrusted';
  } else if (code === 'EENCRYPT') {
    hint = 'The server and the encrypt setting disagree: set encrypt to "mandatory" or "strict" when the server requires encryption.';
    reason = 'encryption-mismatch';
  } else if (/ECONNREFUSED/.test(message + causes)) hint = 'Nothing listens on that port: check the port (default 1433) and that the SQL Server service runs and has TCP/IP enabled.';
  else if (/ENOTFOUND|EAI_AGAIN/.test(message + causes)) {
    hint = 'The server name does not resolve: check the spelling or use the IP address.';
    reason = 'host-unknown';
  }
  return new AppError('SQL_CONNECT_FAILED', `Cannot connect to ${target}: ${message}`, hint, { ...details, reason });
}

/** Codes and messages of an error's causes (Error.cause, AggregateError.errors), a few levels deep. */
function causeText(error: unknown, depth = 0): string {
  if (depth > 4 || typeof error !== 'object' || error === null) return '';
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const own = depth === 0 ? '' : ` ${String(e.code ?? '')} ${String(e.message ?? '')}`;
  const nested = [e.cause, ...(Array.isArray(e.errors) ? e.errors : [])].map((c) => causeText(c, depth + 1)).join('');
  return own + nested;
}

function toMessage(token: unknown): SqlServerMessage {
  const t = token as { number: number; state: number; class: number; message: string; lineNumber?: number; procName?: string; serverName?: string };
  return {
    number: t.number,
    state: t.state,
    class: t.class,
    message: t.message,
    lineNumber: t.lineNumber ?? 0,
    ...(t.procName ? { procName: t.procName } : {}),
    ...(t.serverName ? { serverName: t.serverName } : {}),
  };
}

function toFailure(error: unknown): SqlRequestFailure {
  if (error instanceof SqlRequestFailure) return error;
  if (error instanceof AggregateError) {
    const errors = error.errors.map((e) => toMessage(e));
    return new SqlRequestFailure(errors[0]?.message ?? error.message, 'EREQUEST', errors);
  }
  const e = error as { message?: string; code?: string; number?: number };
  const code = e.code ?? 'EREQUEST';
  const errors = typeof e.number === 'number' ? [toMessage(e)] : [];
  return new SqlRequestFailure(e.message ?? String(error), code, errors);
}

function tediousType(type: SqlParameter['type']) {
  switch (type) {
    case 'nvarchar':
      return TYPES.NVarChar;
    case 'int':
      return TYPES.Int;
    case 'bigint':
      return TYPES.BigInt;
    case 'bit':
      return TYPES.Bit;
    case 'datetime2':
      return TYPES.DateTime2;
  }
}
