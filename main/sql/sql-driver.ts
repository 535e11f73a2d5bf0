/**
 * Which SQL Server driver a connection needs. Everything except Windows integrated authentication
 * (Integrated Security=SSPI / Trusted_Connection=yes) goes through tedious, as today. Integrated
 * authentication borrows the signed-in Windows user's token, which only Windows' SSPI can hand out,
 * so it needs mssql's ODBC-backed driver `mssql/msnodesqlv8` plus a Microsoft ODBC driver.
 *
 * msnodesqlv8 is deliberately NOT a dependency (not even optional): it ships no prebuilt binary for
 * Linux/Node 20, so `npm ci` here would compile it and `.ci/run` fails whenever a native module is
 * compiled. A hospital that wants integrated authentication installs it next to the app on Windows
 * (docs/operations.md, §5a); it is loaded lazily and its absence is a clear AppError, never a crash.
 */
import { AppError } from '../../common/errors';

export type IntegratedUnavailableReason = 'not-windows' | 'driver-not-installed' | 'no-odbc-driver';

/** What the msnodesqlv8 connection string is built from (no user or password: the OS provides them). */
export interface IntegratedTarget {
  server: string;
  instance?: string;
  port?: number;
  database?: string;
  encrypt: 'strict' | 'mandatory' | 'optional';
  trustServerCertificate: boolean;
  connectTimeoutMs: number;
  applicationName: string;
  /** The ODBC driver name; Microsoft's current one unless the machine has another. */
  odbcDriver?: string;
}

export const DEFAULT_ODBC_DRIVER = 'ODBC Driver 18 for SQL Server';

const WINDOWS_ACCOUNT_HINT =
  'Choose "Windows account" in the connection editor and give the account as DOMAIN\\user with its password (NTLM), or use a SQL login. SSISDB accepts the Windows account method.';

const REASON_TEXT: Record<IntegratedUnavailableReason, string> = {
  'not-windows': 'integrated authentication borrows the signed-in Windows user, and this machine is not running Windows',
  'driver-not-installed': 'the msnodesqlv8 driver (npm package "msnodesqlv8") is not installed next to Drop Runner',
  'no-odbc-driver': 'no Microsoft ODBC Driver for SQL Server is installed (msnodesqlv8 talks to SQL Server through it)',
};

const REASON_HINT: Record<IntegratedUnavailableReason, string> = {
  'not-windows': WINDOWS_ACCOUNT_HINT,
  'driver-not-installed': `Install msnodesqlv8 on this Windows machine (docs/operations.md, section 5a), or: ${WINDOWS_ACCOUNT_HINT}`,
  'no-odbc-driver': `Install "Microsoft ODBC Driver 18 for SQL Server" (docs/operations.md, section 5a), or: ${WINDOWS_ACCOUNT_HINT}`,
};

/** SQL_INTEGRATED_AUTH_UNAVAILABLE carrying the exact reason in its message and details. */
export function integratedAuthUnavailable(reason: IntegratedUnavailableReason, cause?: string): AppError {
  return new AppError(
    'SQL_INTEGRATED_AUTH_UNAVAILABLE',
    `The connection uses Windows integrated authentication (Integrated Security=SSPI), which cannot be used here: ${REASON_TEXT[reason]}.`,
    REASON_HINT[reason],
    { reason, ...(cause ? { cause } : {}) },
  );
}

/** The part of `mssql/msnodesqlv8` the runner needs; typed loosely because the package is optional. */
export interface IntegratedDriverModule {
  ConnectionPool: new (config: { connectionString: string; driver?: string }) => {
    connect(): Promise<unknown>;
    close(): Promise<void>;
  };
}

export type DriverLoader = () => Promise<unknown>;

/** Loads `mssql/msnodesqlv8` only when asked: requiring it without the native package throws. */
const defaultLoader: DriverLoader = () => import('mssql/msnodesqlv8');

/**
 * Returns the msnodesqlv8 flavour of mssql, or throws SQL_INTEGRATED_AUTH_UNAVAILABLE saying why.
 * `platform` and `load` are parameters so the Linux tests can exercise every branch for real.
 */
export async function loadIntegratedDriver(
  platform: NodeJS.Platform = process.platform,
  load: DriverLoader = defaultLoader,
): Promise<IntegratedDriverModule> {
  if (platform !== 'win32') throw integratedAuthUnavailable('not-windows');
  let loaded: unknown;
  try {
    loaded = await load();
  } catch (error) {
    throw integratedAuthUnavailable('driver-not-installed', error instanceof Error ? error.message : String(error));
  }
  const mod = (loaded as { default?: unknown }).default ?? loaded;
  if (typeof (mod as { ConnectionPool?: unknown }).ConnectionPool !== 'function') {
    throw integratedAuthUnavailable('driver-not-installed', 'mssql/msnodesqlv8 has no ConnectionPool');
  }
  return mod as IntegratedDriverModule;
}

/**
 * Maps an ODBC connect failure to the missing-ODBC-driver reason: IM002 is the driver manager's
 * "data source name not found and no default driver specified", which is what a machine without
 * the Microsoft driver answers. Other failures (login failed, unreachable) stay as they are.
 */
export function isMissingOdbcDriver(message: string): boolean {
  return /\bIM002\b/.test(message) || /data source name not found and no default driver/i.test(message);
}

/** ODBC values are wrapped in braces when they hold a `;`, `{` or `}` (closing braces doubled). */
function odbcValue(value: string): string {
  return /[;{}]|^\s|\s$/.test(value) ? `{${value.replace(/}/g, '}}')}}` : value;
}

/**
 * The ODBC connection string for msnodesqlv8 with the signed-in user (Trusted_Connection=yes).
 * Encrypt maps to ODBC Driver 18's keywords: mandatory→yes, optional→no, strict→strict (TDS 8).
 */
export function toMsnodesqlv8ConnectionString(t: IntegratedTarget): string {
  const server = t.instance ? `${t.server}\\${t.instance}` : t.server;
  const address = t.port !== undefined ? `${server},${t.port}` : server;
  const parts: Array<[string, string]> = [
    ['Driver', `{${(t.odbcDriver ?? DEFAULT_ODBC_DRIVER).replace(/}/g, '}}')}}`],
    ['Server', odbcValue(address)],
  ];
  if (t.database) parts.push(['Database', odbcValue(t.database)]);
  parts.push(['Trusted_Connection', 'yes']);
  parts.push(['Encrypt', t.encrypt === 'mandatory' ? 'yes' : t.encrypt === 'strict' ? 'strict' : 'no']);
  parts.push(['TrustServerCertificate', t.trustServerCertificate ? 'yes' : 'no']);
  parts.push(['Connection Timeout', String(Math.max(1, Math.ceil(t.connectTimeoutMs / 1000)))]);
  parts.push(['APP', odbcValue(t.applicationName)]);
  return parts.map(([k, v]) => `${k}=${v}`).join(';') + ';';
}
