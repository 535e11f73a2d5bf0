/**
 * One place that turns what a drop or tenant says about a SQL Server (a connection-string variable
 * or separate fields) into driver settings for tedious 19.2 and mssql 12. Deployment scripts get no
 * command timeout unless the step asks for one: a 40-minute index rebuild must not die at mssql's
 * default 15 s.
 */
import type { config as MssqlConfig } from 'mssql';
import type { ConnectionConfiguration } from 'tedious';
import { AppError } from '../../common/errors';
import { parseConnectionString } from '../../common/connection-string';
import { DEFAULT_ODBC_DRIVER, integratedAuthUnavailable } from './sql-driver';

export type EncryptMode = 'strict' | 'mandatory' | 'optional';

/** What a step or tenant supplies; every field may come as text because settings are evaluated templates. */
export interface SqlConnectionFields {
  /** ADO.NET-style connection string; separate fields below override what it says. */
  connectionString?: string;
  /** `host`, `host\instance`, `host,port` or `host\instance,port`. */
  server?: string;
  database?: string;
  authentication?: 'sql' | 'windows' | string;
  /** SQL login, or `DOMAIN\user` for Windows (NTLM) authentication. */
  user?: string;
  domain?: string;
  password?: string;
  encrypt?: EncryptMode | boolean | string;
  trustServerCertificate?: boolean | string;
  connectTimeoutSeconds?: number | string;
  /** Per-step command timeout; absent, empty or 0 means none. */
  commandTimeoutSeconds?: number | string;
  applicationName?: string;
}

/** Fully resolved settings; `password` is a secret and must never be logged (use describeSqlTarget). */
export interface SqlConnectionSettings {
  server: string;
  instance?: string;
  port?: number;
  database?: string;
  authentication: 'sql' | 'windows';
  user: string;
  domain?: string;
  password: string;
  encrypt: EncryptMode;
  trustServerCertificate: boolean;
  connectTimeoutMs: number;
  /** 0 = no timeout. */
  requestTimeoutMs: number;
  applicationName: string;
  /**
   * Windows integrated authentication: the signed-in Windows user, no user or password (they are
   * empty). Only the ODBC session can open it, on Windows.
   */
  integrated?: boolean;
  /** The ODBC driver to connect through (msnodesqlv8); set for integrated, or by `Driver=` in the string. */
  odbcDriver?: string;
}

const DEFAULT_CONNECT_TIMEOUT_S = 15;

/** Resolves connection fields (connection string first, fields override) into checked settings; SQL_SETTINGS_INVALID otherwise. */
export function resolveConnectionSettings(fields: SqlConnectionFields, platform: NodeJS.Platform = process.platform): SqlConnectionSettings {
  const fromString = fields.connectionString?.trim() ? parseConnectionString(fields.connectionString) : undefined;
  let server = fromString?.server;
  let instance = fromString?.instance;
  let port = fromString?.port;
  if (fields.server?.trim()) ({ server, instance, port } = parseServer(fields.server.trim()));
  if (!server) throw invalid('no server is given', 'Set the server (host, host\\instance or host,port) or a connection string.');

  let user = fields.user?.trim() || fromString?.user;
  let domain = fields.domain?.trim() || (fields.user?.trim() ? undefined : fromString?.domain);
  if (user && user.includes('\\')) {
    const slash = user.indexOf('\\');
    domain = user.slice(0, slash);
    user = user.slice(slash + 1);
  }
  const password = fields.password ?? fromString?.password ?? '';

  let authentication: 'sql' | 'windows';
  const asked = (fields.authentication ?? '').trim().toLowerCase();
  if (asked === 'sql' || asked === 'sqlpassword' || asked === 'sql server') authentication = 'sql';
  else if (asked === 'windows' || asked === 'ntlm' || asked === 'integrated') authentication = 'windows';
  else if (asked) throw invalid(`the authentication "${fields.authentication}" is not known`, 'Use authentication "sql" or "windows".');
  else if (fromString?.authentication === 'windows' || (fromString?.authentication === 'unspecified' && domain)) authentication = 'windows';
  else if (fromString && fromString.authentication !== 'sql' && fromString.authentication !== 'unspecified') {
    throw invalid(`the connection string asks for ${fromString.authentication} authentication, which Drop Runner does not support`, 'Use SQL authentication or Windows authentication (DOMAIN\\user with a password).');
  } else authentication = domain ? 'windows' : 'sql';

  // `Driver={…}` is ODBC's keyword: such a string asks for that ODBC driver (through msnodesqlv8).
  const odbcDriver = fromString?.other.driver?.trim().replace(/^\{(.*)\}$/s, '$1').replace(/\}\}/g, '}') || undefined;
  // Integrated Security=SSPI / Trusted_Connection=yes: the signed-in Windows user, with no password to
  // send. tedious cannot borrow the Windows session's token; msnodesqlv8 over ODBC on Windows can
  // (main/sql/sql-driver.ts), so off Windows the refusal is final and says why.
  const integrated = !user && authentication === 'windows' && fromString?.integrated === true;
  if (integrated && platform !== 'win32') throw integratedAuthUnavailable('not-windows');
  if (!user && !integrated) throw invalid('no user is given', authentication === 'windows' ? 'Give the Windows account as DOMAIN\\user with its password.' : 'Give the SQL login name and password.');
  if (authentication === 'windows' && !domain && !integrated) {
    throw invalid(`Windows authentication needs the account as DOMAIN\\user, but "${user}" has no domain`, 'Write the user as DOMAIN\\user, or use Integrated Security=SSPI for the signed-in Windows user (on Windows, with the ODBC driver).');
  }

  const encrypt = parseEncrypt(fields.encrypt ?? fromString?.encrypt);
  const trustServerCertificate = parseBool(fields.trustServerCertificate, 'trust server certificate') ?? fromString?.trustServerCertificate ?? false;
  const connectS = parseSeconds(fields.connectTimeoutSeconds, 'connect timeout') ?? fromString?.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_S;
  const commandS = parseSeconds(fields.commandTimeoutSeconds, 'command timeout') ?? 0;
  const database = fields.database?.trim() || fromString?.database;

  return {
    server,
    ...(instance ? { instance } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(database ? { database } : {}),
    authentication,
    user: integrated ? '' : user!,
    ...(authentication === 'windows' && domain && !integrated ? { domain } : {}),
    password: integrated ? '' : password,
    ...(integrated ? { integrated: true, odbcDriver: odbcDriver ?? DEFAULT_ODBC_DRIVER } : odbcDriver ? { odbcDriver } : {}),
    encrypt,
    trustServerCertificate,
    connectTimeoutMs: (connectS || DEFAULT_CONNECT_TIMEOUT_S) * 1000,
    requestTimeoutMs: commandS * 1000,
    applicationName: fields.applicationName?.trim() || fromString?.applicationName || 'Drop Runner',
  };
}

/** tedious 19.2 configuration for one dedicated connection. */
export function toTediousConfig(s: SqlConnectionSettings): ConnectionConfiguration {
  return {
    server: s.server,
    authentication:
      s.authentication === 'windows'
        ? { type: 'ntlm', options: { userName: s.user, password: s.password, domain: s.domain ?? '' } }
        : { type: 'default', options: { userName: s.user, password: s.password } },
    options: {
      ...(s.instance ? { instanceName: s.instance } : { port: s.port ?? 1433 }),
      ...(s.database ? { database: s.database } : {}),
      encrypt: s.encrypt === 'strict' ? 'strict' : s.encrypt === 'mandatory',
      trustServerCertificate: s.trustServerCertificate,
      connectTimeout: s.connectTimeoutMs,
      requestTimeout: s.requestTimeoutMs,
      appName: s.applicationName,
      tdsVersion: '7_4',
      rowCollectionOnDone: false,
      rowCollectionOnRequestCompletion: false,
      useColumnNames: false,
    },
  };
}

/** mssql 12 configuration (a pool of exactly one connection) for code that prefers mssql's API. */
export function toMssqlConfig(s: SqlConnectionSettings): MssqlConfig {
  return {
    server: s.server,
    ...(s.port !== undefined && !s.instance ? { port: s.port } : {}),
    ...(s.database ? { database: s.database } : {}),
    user: s.user,
    password: s.password,
    ...(s.authentication === 'windows' ? { domain: s.domain ?? '' } : {}),
    connectionTimeout: s.connectTimeoutMs,
    requestTimeout: s.requestTimeoutMs,
    pool: { min: 0, max: 1, idleTimeoutMillis: 30_000 },
    options: {
      ...(s.instance ? { instanceName: s.instance } : {}),
      encrypt: s.encrypt === 'strict' ? ('strict' as unknown as boolean) : s.encrypt === 'mandatory',
      trustServerCertificate: s.trustServerCertificate,
      appName: s.applicationName,
    },
  };
}

/** A description safe for logs and errors: server, database and who — never the password. */
export function describeSqlTarget(s: SqlConnectionSettings): string {
  const where = s.server + (s.instance ? `\\${s.instance}` : '') + (s.port !== undefined && !s.instance ? `,${s.port}` : '');
  const who = s.integrated ? 'Windows integrated: the signed-in user' : s.authentication === 'windows' ? `Windows login ${s.domain}\\${s.user}` : `SQL login ${s.user}`;
  return `${where}${s.database ? ` / ${s.database}` : ''} (${who}, encrypt ${s.encrypt}${s.odbcDriver ? `, ODBC ${s.odbcDriver}` : ''})`;
}

function parseServer(text: string): { server: string; instance?: string; port?: number } {
  // Reuse the connection-string parser's server grammar so both inputs accept the same forms.
  const parsed = parseConnectionString(`Server=${text.includes(';') || text.includes('"') ? `"${text.replace(/"/g, '""')}"` : text}`);
  return { server: parsed.server, ...(parsed.instance ? { instance: parsed.instance } : {}), ...(parsed.port !== undefined ? { port: parsed.port } : {}) };
}

function parseEncrypt(value: EncryptMode | boolean | string | undefined): EncryptMode {
  if (value === undefined || value === '') return 'mandatory';
  if (value === true) return 'mandatory';
  if (value === false) return 'optional';
  const v = value.trim().toLowerCase();
  if (v === 'strict') return 'strict';
  if (v === 'mandatory' || v === 'true' || v === 'yes') return 'mandatory';
  if (v === 'optional' || v === 'false' || v === 'no') return 'optional';
  throw invalid(`encrypt "${value}" is not known`, 'Use encrypt strict, mandatory or optional.');
}

function parseBool(value: boolean | string | undefined, what: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'yes' || v === '1') return true;
  if (v === 'false' || v === 'no' || v === '0') return false;
  throw invalid(`${what} "${value}" is not true or false`, `Set ${what} to true or false.`);
}

function parseSeconds(value: number | string | undefined, what: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value.trim());
  if (!Number.isInteger(n) || n < 0) throw invalid(`${what} "${value}" is not a whole number of seconds`, `Set ${what} to a whole number of seconds (0 = none).`);
  return n;
}

function invalid(what: string, hint: string): AppError {
  return new AppError('SQL_SETTINGS_INVALID', `The SQL Server connection settings are not usable: ${what}.`, hint);
}
