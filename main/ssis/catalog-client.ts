/**
 * One dedicated mssql connection to the server that hosts SSISDB. It connects to master (so a
 * missing SSISDB is a clear answer, not a login failure) and names every catalog object with three
 * parts. mssql is used rather than raw tedious because the catalog calls are named-procedure RPCs
 * with typed and OUTPUT parameters, which mssql's Request builds for us.
 */
import sql from 'mssql';
import { AppError } from '../../common/errors';
import { describeSqlTarget, toMssqlConfig, type SqlConnectionSettings } from '../sql/connection-settings';
import { openSqlSession } from '../sql/connect';
import { loadOdbcDriver, serverText, toOdbcConnectionString } from '../sql/sql-driver';

/** A typed parameter of a catalog call. */
export interface CatalogParam {
  name: string;
  type: sql.ISqlType;
  value: unknown;
}

/** A server message (INFO or ERROR token) as the catalog sent it. */
export interface CatalogServerMessage {
  number: number;
  state: number;
  class: number;
  message: string;
}

/** A failed request: the server's errors (first is the one that counts) or a driver failure. */
export class CatalogRequestError extends Error {
  constructor(
    message: string,
    /** mssql/tedious code: EREQUEST, ETIMEOUT, ECANCEL, ECONNCLOSED… */
    readonly driverCode: string,
    readonly errors: CatalogServerMessage[],
    /** What was being done, e.g. "catalog.create_folder". */
    readonly what: string,
  ) {
    super(message);
    this.name = 'CatalogRequestError';
  }
  /** The first server error number, or 0 for driver failures. */
  get number(): number {
    return this.errors[0]?.number ?? 0;
  }
}

/** The result of a procedure call. */
export interface CatalogCallResult {
  output: Record<string, unknown>;
  recordsets: Array<Array<Record<string, unknown>>>;
  returnValue: number;
  infos: CatalogServerMessage[];
}

function serverMessage(e: unknown): CatalogServerMessage {
  const x = e as { number?: number; state?: number; class?: number; message?: string };
  // Through ODBC the message carries the driver's "[vendor][SQL Server]" prefixes; the server's words follow.
  return { number: x.number ?? 0, state: x.state ?? 0, class: x.class ?? 0, message: serverText(x.message ?? String(e)) };
}

function toRequestError(error: unknown, what: string): CatalogRequestError {
  const e = error as { code?: string; message?: string; number?: number; precedingErrors?: unknown[]; originalError?: unknown };
  const errors: CatalogServerMessage[] = [];
  // mssql puts the last server error on the RequestError and the earlier ones in precedingErrors.
  for (const p of e.precedingErrors ?? []) errors.push(serverMessage(p));
  if (typeof e.number === 'number') errors.push(serverMessage(e));
  const first = errors[0];
  return new CatalogRequestError(first ? first.message : serverText(e.message ?? String(error)), e.code ?? 'EREQUEST', errors, what);
}

/** A connection to the catalog's server; requests run one at a time and can be cancelled by a signal. */
export class CatalogClient {
  private current: sql.Request | undefined;
  private readonly onAbort = () => this.current?.cancel();

  private constructor(
    private readonly pool: sql.ConnectionPool,
    /** The Request class of the pool's driver flavour (tedious or msnodesqlv8). */
    private readonly requestClass: typeof sql.Request,
    /** Safe to log: server, database and account, never the password. */
    readonly target: string,
    private readonly signal: AbortSignal | undefined,
  ) {
    signal?.addEventListener('abort', this.onAbort);
  }

  /**
   * Opens the connection (database master); SQL_LOGIN_FAILED / SQL_CONNECT_FAILED with a hint otherwise.
   * Windows integrated authentication and `Driver=` strings go through mssql's msnodesqlv8 (ODBC) flavour,
   * everything else through its tedious flavour; the calls below are the same on both.
   */
  static async open(settings: SqlConnectionSettings, options: { requestTimeoutMs: number; signal?: AbortSignal }): Promise<CatalogClient> {
    const resolved: SqlConnectionSettings = { ...settings, database: 'master', requestTimeoutMs: options.requestTimeoutMs };
    const target = describeSqlTarget(resolved);
    const odbc = resolved.integrated === true || resolved.odbcDriver !== undefined;
    const driver = odbc ? await openOdbcFlavour(resolved) : sql;
    const pool = odbc ? new driver.ConnectionPool(odbcPoolConfig(resolved)) : new sql.ConnectionPool(tediousPoolConfig(resolved));
    pool.on('error', () => undefined);
    try {
      await pool.connect();
    } catch (error) {
      await pool.close().catch(() => undefined);
      if (odbc) throw await odbcConnectFailure(resolved, error);
      const e = error as { code?: string; message?: string; originalError?: { message?: string } };
      const detail = e.originalError?.message ?? e.message ?? String(error);
      if (e.code === 'ELOGIN') {
        throw new AppError(
          'SQL_LOGIN_FAILED',
          `Login to ${target} failed: ${detail}`,
          settings.authentication === 'windows'
            ? 'The server rejected the Windows account: check DOMAIN\\user and its password, and that the account has a login on this server.'
            : 'Check the login name and password. Note that SSISDB accepts only Windows authentication (DOMAIN\\user).',
          { target, driverCode: e.code },
        );
      }
      throw new AppError('SQL_CONNECT_FAILED', `Cannot connect to ${target}: ${detail}`, 'Check the server name and port, and that SQL Server accepts TCP connections from this machine.', { target, driverCode: e.code ?? '' });
    }
    return new CatalogClient(pool, driver.Request, target, options.signal);
  }

  /** Runs a parameterised read query (sp_executesql) and returns its rows. */
  async query<T = Record<string, unknown>>(what: string, text: string, params: CatalogParam[] = []): Promise<T[]> {
    const request = this.request(params);
    try {
      const result = await request.query(text);
      return (result.recordset ?? []) as T[];
    } catch (error) {
      throw toRequestError(error, what);
    } finally {
      this.current = undefined;
    }
  }

  /** Calls a catalog procedure by its three-part name with typed inputs and OUTPUT parameters. */
  async execute(procedure: string, params: CatalogParam[], outputs: Record<string, sql.ISqlType> = {}): Promise<CatalogCallResult> {
    const request = this.request(params);
    for (const [name, type] of Object.entries(outputs)) request.output(name, type);
    const infos: CatalogServerMessage[] = [];
    request.on('info', (info: unknown) => infos.push(serverMessage(info)));
    try {
      const result = await request.execute(procedure);
      return { output: result.output ?? {}, recordsets: (result.recordsets ?? []) as unknown as Array<Array<Record<string, unknown>>>, returnValue: result.returnValue ?? 0, infos };
    } catch (error) {
      throw toRequestError(error, procedure);
    } finally {
      this.current = undefined;
    }
  }

  /** Closes the connection; safe to call twice. */
  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.onAbort);
    await this.pool.close().catch(() => undefined);
  }

  private request(params: CatalogParam[]): sql.Request {
    if (this.signal?.aborted) throw new CatalogRequestError('The step was cancelled.', 'ECANCEL', [], 'cancel');
    const request = new this.requestClass(this.pool);
    for (const p of params) request.input(p.name, p.type, p.value);
    this.current = request;
    return request;
  }
}

/** The tedious pool: one connection, checked by its socket rather than a SELECT 1 before every request. */
function tediousPoolConfig(s: SqlConnectionSettings): sql.config {
  const config = toMssqlConfig(s);
  (config as sql.config & { validateConnection?: unknown }).validateConnection = 'socket';
  return config;
}

/**
 * The msnodesqlv8 pool. No driver-side request timeout: msnodesqlv8 enforces one through the ODBC
 * driver's asynchronous mode, which FreeTDS does not have ("Driver not capable"); the SSIS steps bound
 * their waits themselves (they poll the catalog's operations).
 */
function odbcPoolConfig(s: SqlConnectionSettings): sql.config {
  return {
    server: s.server,
    connectionString: toOdbcConnectionString(s),
    connectionTimeout: s.connectTimeoutMs,
    requestTimeout: 0,
    pool: { min: 0, max: 1, idleTimeoutMillis: 30_000 },
    options: { useUTC: true },
  } as sql.config;
}

/**
 * mssql's msnodesqlv8 flavour. loadOdbcDriver first: it refuses what cannot work here (integrated off
 * Windows, no msnodesqlv8, a prebuilt this runtime would crash on) before anything native is loaded.
 */
async function openOdbcFlavour(s: SqlConnectionSettings): Promise<typeof sql> {
  await loadOdbcDriver(s.integrated === true);
  const loaded = (await import('mssql/msnodesqlv8' as string)) as { default?: typeof sql } & typeof sql;
  return loaded.default ?? loaded;
}

/**
 * Why mssql's ODBC pool could not connect. It reports a failed login by the last ODBC record ("Unable to
 * connect to data source"), so one login through the ODBC session, only after a failure, gets the
 * server's own answer (18456, 4060, a missing ODBC driver) with the codes every other step gives.
 */
async function odbcConnectFailure(s: SqlConnectionSettings, poolError: unknown): Promise<unknown> {
  try {
    const probe = await openSqlSession(s);
    await probe.close();
  } catch (error) {
    return error;
  }
  const detail = serverText((poolError as { message?: string }).message ?? String(poolError));
  return new AppError('SQL_CONNECT_FAILED', `Cannot connect to ${describeSqlTarget(s)}: ${detail}`, 'Check the server name and port, and that SQL Server accepts TCP connections from this machine.', { target: describeSqlTarget(s), driverCode: 'EODBC' });
}
