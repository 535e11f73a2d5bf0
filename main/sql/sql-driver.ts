/**
 * Which SQL Server driver a connection needs, and the ODBC side of it. Everything goes through tedious
 * except (a) Windows integrated authentication (Integrated Security=SSPI / Trusted_Connection=yes),
 * which borrows the signed-in Windows user's token — only Windows' SSPI can hand it out, so it needs
 * the ODBC-backed msnodesqlv8 driver plus a Microsoft ODBC driver — and (b) a connection string that
 * names an ODBC `Driver=` itself. Both open an OdbcSqlSession (odbc-session.ts) behind the same
 * SqlSession interface, so every step runs unchanged.
 *
 * msnodesqlv8 is an optional dependency whose install script allowScripts denies: npm never compiles it,
 * and it arrives with its prebuilt binaries (win32-x64 among them, which the Windows installer carries).
 * Those declare Node-API 10: Electron loads them, Node 20 would crash loading them, so the loader checks
 * first (msnodesqlv8LoadProblem). The Linux build/test machine builds it for its Node with
 * `npm run odbc-driver`. It is loaded lazily, and every missing piece is a clear AppError, never a crash.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AppError } from '../../common/errors';
import type { SqlConnectionSettings } from './connection-settings';

export type IntegratedUnavailableReason = 'not-windows' | 'driver-not-installed' | 'driver-incompatible' | 'no-odbc-driver';

export const DEFAULT_ODBC_DRIVER = 'ODBC Driver 18 for SQL Server';

/** The Node-API version msnodesqlv8 5.5.0's prebuilt binaries declare; loading them on an older runtime crashes it. */
export const PREBUILT_NAPI = 10;

const WINDOWS_ACCOUNT_HINT =
  'Choose "Windows account" in the connection editor and give the account as DOMAIN\\user with its password (NTLM), or use a SQL login. SSISDB accepts the Windows account method.';

const REASON_TEXT: Record<IntegratedUnavailableReason, string> = {
  'not-windows': 'integrated authentication borrows the signed-in Windows user, and this machine is not running Windows',
  'driver-not-installed': 'the msnodesqlv8 driver (npm package "msnodesqlv8") is not installed next to Drop Runner',
  'driver-incompatible': `the installed msnodesqlv8 has only its prebuilt binary, which needs Node-API ${PREBUILT_NAPI} (Electron, Node 22 and later), and this runtime has Node-API ${process.versions.napi ?? '?'}`,
  'no-odbc-driver': 'no Microsoft ODBC Driver for SQL Server is installed (msnodesqlv8 talks to SQL Server through it)',
};

const REASON_HINT: Record<IntegratedUnavailableReason, string> = {
  'not-windows': WINDOWS_ACCOUNT_HINT,
  'driver-not-installed': `Reinstall Drop Runner with its optional msnodesqlv8 driver (docs/operations.md, section 5a), or: ${WINDOWS_ACCOUNT_HINT}`,
  'driver-incompatible': `Use the Drop Runner desktop app, or build the driver for this Node with "npm run odbc-driver" (docs/operations.md, section 5a), or: ${WINDOWS_ACCOUNT_HINT}`,
  'no-odbc-driver': `Install "Microsoft ODBC Driver 18 for SQL Server" (docs/operations.md, section 5a), or: ${WINDOWS_ACCOUNT_HINT}`,
};

/** Whether Windows integrated authentication can be offered on this machine, and if not, why. */
export interface IntegratedAvailability {
  available: boolean;
  /** What the editor and `doctor` show. */
  text: string;
  reason?: IntegratedUnavailableReason;
  hint?: string;
}

/**
 * What can be known before connecting: the platform, and whether msnodesqlv8 is installed (resolved,
 * not loaded: loading a native module is left to the first connection). Whether Microsoft's ODBC
 * driver is installed is only known when the driver manager is asked, at the first connection.
 */
export function integratedAuthAvailability(platform: NodeJS.Platform = process.platform, locate: () => string = locateMsnodesqlv8): IntegratedAvailability {
  if (platform !== 'win32') return { available: false, reason: 'not-windows', text: `Not available: ${REASON_TEXT['not-windows']}.`, hint: WINDOWS_ACCOUNT_HINT };
  let entry: string;
  try {
    entry = locate();
  } catch {
    return { available: false, reason: 'driver-not-installed', text: `Not available: ${REASON_TEXT['driver-not-installed']}.`, hint: REASON_HINT['driver-not-installed'] };
  }
  const problem = msnodesqlv8LoadProblem(dirname(dirname(entry)));
  if (problem) return { available: false, reason: problem, text: `Not available: ${REASON_TEXT[problem]}.`, hint: REASON_HINT[problem] };
  return { available: true, text: `Available through msnodesqlv8 and "${DEFAULT_ODBC_DRIVER}" (the ODBC driver is checked at the first connection).` };
}

/** SQL_INTEGRATED_AUTH_UNAVAILABLE carrying the exact reason in its message and details. */
export function integratedAuthUnavailable(reason: IntegratedUnavailableReason, cause?: string): AppError {
  return new AppError(
    'SQL_INTEGRATED_AUTH_UNAVAILABLE',
    `The connection uses Windows integrated authentication (Integrated Security=SSPI), which cannot be used here: ${REASON_TEXT[reason]}.`,
    REASON_HINT[reason],
    { reason, ...(cause ? { cause } : {}) },
  );
}

/** The part of msnodesqlv8's API the ODBC session uses; typed loosely because the package is optional. */
export interface OdbcDriverModule {
  open(description: { conn_str: string; conn_timeout?: number }, callback: (error: unknown, connection: unknown) => void): void;
  /** Typed parameter binders (a bare null or Date cannot be bound without its SQL type). */
  WVarChar?: (value: unknown) => unknown;
  Int?: (value: unknown) => unknown;
  BigInt?: (value: unknown) => unknown;
  Bit?: (value: unknown) => unknown;
  DateTime2?: (value: unknown) => unknown;
}

export type DriverLoader = () => Promise<unknown>;

/** The entry file of the installed msnodesqlv8 (its lib/sql.js); throws when it is not installed. */
function locateMsnodesqlv8(): string {
  return createRequire(import.meta.url).resolve('msnodesqlv8');
}

/**
 * Why msnodesqlv8 cannot be loaded into this process, or undefined when it can. Its prebuilt binaries
 * declare Node-API 10; Node 20 (Node-API 9) does not refuse such a binary, it dies with SIGSEGV while
 * registering it, so the check must come before the load. A binary built here (build/Release, as
 * `npm run odbc-driver` makes) matches this runtime and is what node-gyp-build loads first.
 */
export function msnodesqlv8LoadProblem(packageDir: string, napi = Number(process.versions.napi ?? 0)): IntegratedUnavailableReason | undefined {
  if (existsSync(join(packageDir, 'build', 'Release', 'sqlserver.node'))) return undefined;
  return napi >= PREBUILT_NAPI ? undefined : 'driver-incompatible';
}

/** Loads msnodesqlv8 only when asked, and never a binary that would crash this runtime. */
const defaultLoader: DriverLoader = async () => {
  const problem = msnodesqlv8LoadProblem(dirname(dirname(locateMsnodesqlv8())));
  if (problem) throw new DriverProblem(problem);
  return import('msnodesqlv8' as string);
};

/** A reason found before loading, carried through the loader's catch. */
class DriverProblem extends Error {
  constructor(readonly reason: IntegratedUnavailableReason) {
    super(REASON_TEXT[reason]);
  }
}

/**
 * Returns the msnodesqlv8 module, or throws SQL_INTEGRATED_AUTH_UNAVAILABLE saying why. Integrated
 * authentication is refused off Windows before anything is loaded (no other OS can lend the
 * signed-in Windows user). `platform` and `load` are parameters so every branch runs on Linux.
 */
export async function loadOdbcDriver(
  integrated: boolean,
  platform: NodeJS.Platform = process.platform,
  load: DriverLoader = defaultLoader,
): Promise<OdbcDriverModule> {
  if (integrated && platform !== 'win32') throw integratedAuthUnavailable('not-windows');
  let loaded: unknown;
  try {
    loaded = await load();
  } catch (error) {
    if (error instanceof DriverProblem) throw driverMissing(integrated, error.message, error.reason);
    throw driverMissing(integrated, error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  const mod = (loaded as { default?: unknown }).default ?? loaded;
  if (typeof (mod as { open?: unknown }).open !== 'function') throw driverMissing(integrated, 'the msnodesqlv8 module has no open()');
  return mod as OdbcDriverModule;
}

function driverMissing(integrated: boolean, cause: string, reason: IntegratedUnavailableReason = 'driver-not-installed'): AppError {
  if (integrated) return integratedAuthUnavailable(reason, cause);
  return new AppError(
    'SQL_ODBC_DRIVER_UNAVAILABLE',
    `The connection string names an ODBC driver (Driver=…), which Drop Runner reaches through the msnodesqlv8 package, and ${REASON_TEXT[reason]}.`,
    reason === 'driver-incompatible'
      ? 'Use the Drop Runner desktop app, or build the driver for this Node with "npm run odbc-driver", or remove Driver=… from the connection string to use the built-in driver.'
      : 'Reinstall Drop Runner with its optional msnodesqlv8 driver (docs/operations.md, section 5a), or remove Driver=… from the connection string to use the built-in driver.',
    { reason, cause },
  );
}

/**
 * Maps an ODBC connect failure to the missing-ODBC-driver reason: IM002 is the Windows driver
 * manager's "data source name not found and no default driver specified", and unixODBC's is
 * "Can't open lib '<driver>' : file not found" — what a machine without that driver answers. Other failures (login failed, unreachable) stay as they are.
 */
export function isMissingOdbcDriver(message: string): boolean {
  return /\bIM002\b/.test(message) || /data source name not found and no default driver|can't open lib .* file not found/i.test(message);
}

/** `[FreeTDS][SQL Server]Login failed…` → `Login failed…`: the bracketed prefixes are the ODBC layers', not the server's words. */
export function serverText(message: string): string {
  return message.replace(/^(\[[^\]]*\])+\s*/, '');
}

/** ODBC values are wrapped in braces when they hold a `;`, `{` or `}` (closing braces doubled). */
function odbcValue(value: string): string {
  return /[;{}]|^\s|\s$/.test(value) ? `{${value.replace(/}/g, '}}')}}` : value;
}

/**
 * The ODBC connection string for a session: the signed-in user (Trusted_Connection=yes) for integrated
 * authentication, otherwise UID/PWD (DOMAIN\\user for a Windows account). Encrypt maps to ODBC
 * Driver 18's keywords: mandatory→yes, optional→no, strict→strict (TDS 8). The result holds the
 * password: it goes to the driver only, never to a log or an error.
 */
export function toOdbcConnectionString(s: SqlConnectionSettings): string {
  const server = s.instance ? `${s.server}\\${s.instance}` : s.server;
  const address = s.port !== undefined ? `${server},${s.port}` : server;
  const parts: Array<[string, string]> = [
    ['Driver', `{${(s.odbcDriver ?? DEFAULT_ODBC_DRIVER).replace(/}/g, '}}')}}`],
    ['Server', odbcValue(address)],
  ];
  if (s.database) parts.push(['Database', odbcValue(s.database)]);
  if (s.integrated) parts.push(['Trusted_Connection', 'yes']);
  else {
    parts.push(['UID', odbcValue(s.authentication === 'windows' && s.domain ? `${s.domain}\\${s.user}` : s.user)]);
    // Always braced: a password may hold anything, and braces make every character literal.
    parts.push(['PWD', `{${s.password.replace(/}/g, '}}')}}`]);
  }
  parts.push(['Encrypt', s.encrypt === 'mandatory' ? 'yes' : s.encrypt === 'strict' ? 'strict' : 'no']);
  parts.push(['TrustServerCertificate', s.trustServerCertificate ? 'yes' : 'no']);
  parts.push(['Connection Timeout', String(Math.max(1, Math.ceil(s.connectTimeoutMs / 1000)))]);
  parts.push(['APP', odbcValue(s.applicationName)]);
  return parts.map(([k, v]) => `${k}=${v}`).join(';') + ';';
}
