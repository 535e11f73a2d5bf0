/**
 * The ODBC implementation of SqlSession, through msnodesqlv8: Windows integrated authentication on
 * Windows (ODBC Driver 18 for SQL Server with Trusted_Connection=yes), and any connection string that
 * names an ODBC `Driver=`. It keeps the same contract as the tedious session — one connection, requests
 * one after another, the server's PRINT messages, errors with their numbers, transactions — so the
 * steps cannot tell the two apart. What ODBC changes, and how this file makes up for it:
 *  - ODBC has no named parameters: `query()` declares each parameter as a variable assigned from a `?`
 *    placeholder (`DECLARE @db nvarchar(max) = ?;`), so the statement text keeps its `@names`.
 *  - ODBC does not surface the transaction descriptor tedious tracks: `transactionOpen()` asks
 *    `SELECT @@TRANCOUNT` when a caller needs to know (after a script, before a commit, after a failure).
 *  - A running statement can only be interrupted in msnodesqlv8's polling (asynchronous) mode; the
 *    session turns it on when the ODBC driver supports it (Microsoft's does; FreeTDS's answers "Driver
 *    not capable", and then a cancel waits for the running batch to end).
 */
import { AppError } from '../../common/errors';
import { describeSqlTarget, type SqlConnectionSettings } from './connection-settings';
import { integratedAuthUnavailable, isMissingOdbcDriver, loadOdbcDriver, serverText, toOdbcConnectionString } from './sql-driver';
import {
  DATABASE_HINT,
  loginFailureHint,
  SqlRequestFailure,
  type ConnectFailureReason,
  type SqlParameter,
  type SqlServerMessage,
  type SqlSession,
  type SqlSessionOptions,
} from './sql-session';

/** A diagnostic record as msnodesqlv8 reports it (errors, and 'info' for PRINT). */
interface OdbcDiagnostic {
  message: string;
  code?: number;
  sqlstate?: string;
  sqlState?: string;
  severity?: number;
  lineNumber?: number;
  procName?: string;
  serverName?: string;
  details?: OdbcDiagnostic[];
}

interface OdbcQuery {
  on(event: 'info', listener: (message: OdbcDiagnostic) => void): void;
  on(event: 'rowcount', listener: (count: number) => void): void;
  cancelQuery(callback?: (error?: unknown) => void): void;
}

interface OdbcConnection {
  query(
    description: { query_str: string; query_polling?: boolean },
    params: unknown[],
    callback: (error: OdbcDiagnostic | null | undefined, rows?: Array<Record<string, unknown>>, more?: boolean) => void,
  ): OdbcQuery;
  close(callback: (error?: unknown) => void): void;
}

/** SQLSTATEs that mean the connection itself is gone (communication link failure, not open, dropped). */
const CONNECTION_GONE = new Set(['08S01', '08003', '08007']);

/** T-SQL type of each parameter type, as the tedious session sends them. */
const DECLARED_TYPE: Record<SqlParameter['type'], string> = {
  nvarchar: 'nvarchar(max)',
  int: 'int',
  bigint: 'bigint',
  bit: 'bit',
  datetime2: 'datetime2(7)',
};

function toMessage(d: OdbcDiagnostic, defaultClass: number): SqlServerMessage {
  return {
    number: d.code ?? 0,
    state: 0,
    // FreeTDS reports severity 0 for everything; an error is at least 11 by definition.
    class: d.severity && d.severity > 0 ? d.severity : defaultClass,
    message: serverText(d.message ?? String(d)),
    lineNumber: d.lineNumber ?? 0,
    ...(d.procName ? { procName: d.procName } : {}),
    ...(d.serverName ? { serverName: d.serverName } : {}),
  };
}

function sqlState(d: OdbcDiagnostic): string {
  return d.sqlstate ?? d.sqlState ?? '';
}

/** A session on one msnodesqlv8 (ODBC) connection. */
export class OdbcSqlSession implements SqlSession {
  readonly driver = 'odbc' as const;
  onMessage: ((message: SqlServerMessage) => void) | undefined;
  private running: OdbcQuery | undefined;
  private closed = false;
  /** True once the native connection was closed (closed may be set earlier, by a dropped connection). */
  private released = false;
  private closeReason: string | undefined;
  private stopping: 'ECANCEL' | 'ETIMEOUT' | undefined;

  constructor(
    private readonly connection: OdbcConnection,
    readonly target: string,
    /** True when the ODBC driver runs statements asynchronously, so a running one can be cancelled. */
    readonly canCancel: boolean,
    private readonly requestTimeoutMs: number,
    /** Wraps a parameter value in the driver's typed binder. */
    private readonly bind: (parameter: SqlParameter) => unknown,
    onMessage?: (message: SqlServerMessage) => void,
  ) {
    this.onMessage = onMessage;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  async transactionOpen(): Promise<boolean> {
    if (this.closed || this.running) return false;
    try {
      const [row] = (await this.send('SELECT @@TRANCOUNT AS [trancount]', [], false)).rows;
      return Number(row?.trancount ?? 0) > 0;
    } catch {
      // The connection failed under us: whatever was open is gone with it.
      return false;
    }
  }

  async batch(text: string): Promise<{ rowCount: number }> {
    const { rowCount } = await this.request(text, []);
    return { rowCount };
  }

  async query(sql: string, parameters: SqlParameter[] = []): Promise<Array<Record<string, unknown>>> {
    if (parameters.length === 0) return (await this.request(sql, [])).rows;
    for (const p of parameters) {
      if (!/^@?[A-Za-z_][A-Za-z0-9_]*$/.test(p.name)) throw new SqlRequestFailure(`The parameter name "${p.name}" is not a plain T-SQL identifier.`, 'EINVALIDSTATE', []);
    }
    const declare = `DECLARE ${parameters.map((p) => `@${p.name.replace(/^@/, '')} ${DECLARED_TYPE[p.type]} = ?`).join(', ')};\n`;
    return (await this.request(declare + sql, parameters.map(this.bind))).rows;
  }

  beginTransaction(): Promise<void> {
    return this.batch('BEGIN TRANSACTION').then(() => undefined);
  }

  commit(): Promise<void> {
    return this.batch('COMMIT TRANSACTION').then(() => undefined);
  }

  rollback(): Promise<void> {
    return this.batch('ROLLBACK TRANSACTION').then(() => undefined);
  }

  cancelCurrent(): boolean {
    if (!this.running || !this.canCancel) return false;
    this.stopping ??= 'ECANCEL';
    this.running.cancelQuery(() => {});
    return true;
  }

  close(): Promise<void> {
    this.closed = true;
    this.closeReason ??= 'the connection was closed';
    // A connection the server dropped is closed too: that frees the ODBC handles it still holds.
    if (this.released) return Promise.resolve();
    this.released = true;
    return new Promise((resolve) => this.connection.close(() => resolve()));
  }

  private async request(text: string, values: unknown[]): Promise<{ rows: Array<Record<string, unknown>>; rowCount: number }> {
    if (this.closed) throw new SqlRequestFailure(`The connection to ${this.target} is closed: ${this.closeReason ?? 'closed'}.`, 'ECLOSE', []);
    if (this.running) throw new SqlRequestFailure('Another request is still running on this connection.', 'EINVALIDSTATE', []);
    try {
      return await this.send(text, values, true);
    } catch (error) {
      throw await this.explain(error);
    }
  }

  /**
   * A failure with no server error behind it (number 0) may be a connection the server dropped: FreeTDS
   * reports that first as HY000 "Unknown error" and only the next call as 08S01. One cheap probe tells
   * them apart, so a lost connection is ESOCKET (the session then closed), as with tedious.
   */
  private async explain(error: unknown): Promise<unknown> {
    if (!(error instanceof SqlRequestFailure) || error.driverCode !== 'EREQUEST' || error.errors.some((e) => e.number !== 0) || this.closed) return error;
    try {
      await this.send('SELECT 1 AS [alive]', [], false);
      return error;
    } catch {
      if (!this.closed) return error;
      return new SqlRequestFailure(`The connection to ${this.target} was lost: ${error.message}`, 'ESOCKET', []);
    }
  }

  /** Sends one statement text; settles once the driver reports the last result (more = false). */
  private send(text: string, values: unknown[], userRequest: boolean): Promise<{ rows: Array<Record<string, unknown>>; rowCount: number }> {
    return new Promise((resolve, reject) => {
      const rows: Array<Record<string, unknown>> = [];
      const errors: OdbcDiagnostic[] = [];
      let rowCount = 0;
      let timer: NodeJS.Timeout | undefined;
      this.stopping = undefined;
      const query = this.connection.query({ query_str: text, ...(this.canCancel ? { query_polling: true } : {}) }, values, (error, chunk, more) => {
        if (error) errors.push(error);
        else if (chunk) rows.push(...chunk);
        if (more) return;
        clearTimeout(timer);
        this.running = undefined;
        if (errors.length === 0) resolve({ rows, rowCount });
        else reject(this.failure(errors));
      });
      if (!userRequest) return;
      this.running = query;
      query.on('info', (message) => this.onMessage?.(toMessage(message, 0)));
      query.on('rowcount', (count) => {
        if (count > 0) rowCount += count;
      });
      if (this.requestTimeoutMs > 0 && this.canCancel) {
        timer = setTimeout(() => {
          this.stopping = 'ETIMEOUT';
          this.cancelCurrent();
        }, this.requestTimeoutMs);
      }
    });
  }

  private failure(errors: OdbcDiagnostic[]): SqlRequestFailure {
    const states = errors.map(sqlState);
    const messages = errors.map((e) => toMessage(e, 16));
    const first = messages[0]!;
    if (states.some((s) => CONNECTION_GONE.has(s))) {
      this.closed = true;
      this.closeReason = first.message;
      return new SqlRequestFailure(first.message, 'ESOCKET', []);
    }
    if (states.includes('HY008') || this.stopping) {
      const code = this.stopping ?? 'ECANCEL';
      return new SqlRequestFailure(code === 'ETIMEOUT' ? `The request timed out after ${this.requestTimeoutMs} ms.` : 'The request was cancelled.', code, []);
    }
    if (states.includes('HYT00')) return new SqlRequestFailure(`The request timed out: ${first.message}`, 'ETIMEOUT', []);
    return new SqlRequestFailure(first.message, 'EREQUEST', messages);
  }
}

/** Opens an msnodesqlv8 session; failures are SQL_CONNECT_FAILED / SQL_LOGIN_FAILED with a hint, as with tedious. */
export async function openOdbcSession(settings: SqlConnectionSettings, options: SqlSessionOptions = {}): Promise<OdbcSqlSession> {
  const driver = await loadOdbcDriver(settings.integrated === true, process.platform, options.loadOdbcDriver);
  const target = describeSqlTarget(settings);
  const connection = await new Promise<OdbcConnection>((resolve, reject) => {
    driver.open({ conn_str: toOdbcConnectionString(settings), conn_timeout: Math.max(1, Math.ceil(settings.connectTimeoutMs / 1000)) }, (error, opened) =>
      error ? reject(odbcConnectError(error as OdbcDiagnostic, target, settings)) : resolve(opened as OdbcConnection),
    );
  });
  const canCancel = await supportsPolling(connection);
  const binders: Record<SqlParameter['type'], ((value: unknown) => unknown) | undefined> = {
    nvarchar: driver.WVarChar,
    int: driver.Int,
    bigint: driver.BigInt,
    bit: driver.Bit,
    datetime2: driver.DateTime2,
  };
  const bind = (p: SqlParameter): unknown => binders[p.type]?.(p.value) ?? p.value;
  return new OdbcSqlSession(connection, target, canCancel, settings.requestTimeoutMs, bind, options.onMessage);
}

/** Asks once whether the ODBC driver can run a statement asynchronously (msnodesqlv8 "polling"). */
function supportsPolling(connection: OdbcConnection): Promise<boolean> {
  return new Promise((resolve) => {
    connection.query({ query_str: 'SELECT 1 AS [polling]', query_polling: true }, [], (error, _rows, more) => {
      if (!more) resolve(!error);
    });
  });
}

function odbcConnectError(error: OdbcDiagnostic, target: string, s: SqlConnectionSettings): AppError {
  const all = [error, ...(error.details ?? [])];
  const login = all.find((d) => d.code === 18456 || d.code === 18452) ?? all.find((d) => d.code === 4060);
  const databaseMissing = all.some((d) => d.code === 4060);
  const first = serverText(error.message ?? String(error));
  const details = { target, driverCode: sqlState(error) || 'EODBC', ...(login ? { number: login.code } : {}) };
  if (all.some((d) => isMissingOdbcDriver(d.message ?? '') || sqlState(d) === 'IM002')) {
    if (s.integrated) return integratedAuthUnavailable('no-odbc-driver', first);
    return new AppError(
      'SQL_ODBC_DRIVER_UNAVAILABLE',
      `The ODBC driver "${s.odbcDriver}" named in the connection string is not installed on this machine: ${first}`,
      'Install that ODBC driver (for SQL Server: "Microsoft ODBC Driver 18 for SQL Server"), or correct Driver=… in the connection string.',
      { ...details, reason: 'no-odbc-driver' },
    );
  }
  if (login) {
    const reason: ConnectFailureReason = databaseMissing ? 'database-missing' : 'login-failed';
    const hint = databaseMissing ? DATABASE_HINT : loginFailureHint(login.code, s.authentication, s.integrated === true);
    return new AppError('SQL_LOGIN_FAILED', `Login to ${target} failed: ${serverText(login.message)}`, hint, { ...details, reason });
  }
  const text = all.map((d) => `${sqlState(d)} ${d.message ?? ''}`).join(' ');
  let reason: ConnectFailureReason = 'unreachable';
  let hint = 'Check the server name and port, and that SQL Server accepts TCP connections from this machine.';
  if (/HYT00|timeout expired/i.test(text)) {
    reason = 'timeout';
    hint = 'The server did not answer in time: check the server name, port and firewall, or raise the connect timeout.';
  } else if (/certificate|SSL Provider|TLS/i.test(text)) {
    reason = 'certificate-untrusted';
    hint = 'The server\'s TLS certificate is not trusted: install the issuing CA on this machine, or set "trust server certificate" if hospital IT confirms the server.';
  } else if (/unknown host|could not be resolved|host is unknown|No such host/i.test(text)) {
    reason = 'host-unknown';
    hint = 'The server name does not resolve: check the spelling or use the IP address.';
  }
  return new AppError('SQL_CONNECT_FAILED', `Cannot connect to ${target}: ${first}`, hint, { ...details, reason });
}
