/**
 * What every SQL session offers the steps, whichever driver carries it: the server's messages, the
 * failure of a request, typed parameters, and the session itself.
 */
import type { ConnectionConfiguration } from 'tedious';

/** An INFO (PRINT, RAISERROR severity <= 10) or ERROR token as the server sent it. */
export interface SqlServerMessage {
  number: number;
  state: number;
  class: number;
  message: string;
  /** Line within the batch (1-based) the server attributes the message to; 0 when unknown. */
  lineNumber: number;
  procName?: string;
  serverName?: string;
}

/** Why a request did not succeed; the runner turns it into SQL_BATCH_FAILED with file and line. */
export class SqlRequestFailure extends Error {
  constructor(
    message: string,
    /** Driver-neutral code: EREQUEST (server error), ECANCEL, ETIMEOUT, ESOCKET, ECLOSE, EINVALIDSTATE. */
    readonly driverCode: string,
    /** Server errors in the order received; empty when the failure is not the server's. */
    readonly errors: SqlServerMessage[],
  ) {
    super(message);
    this.name = 'SqlRequestFailure';
  }
  get cancelled(): boolean {
    return this.driverCode === 'ECANCEL';
  }
}

export interface SqlParameter {
  name: string;
  type: 'nvarchar' | 'int' | 'bigint' | 'bit' | 'datetime2';
  value: string | number | boolean | Date | null;
}

export interface SqlSessionOptions {
  /** Receives PRINT / informational messages (and, for convenience, nothing else). */
  onMessage?: (message: SqlServerMessage) => void;
  /** Override the driver configuration (tests, e.g. custom TLS trust). Merged over the computed one. */
  tediousOverrides?: Partial<ConnectionConfiguration['options']>;
  /** Told when TLS is negotiated inside TDS 7.x (not for TDS 8 strict, where TLS precedes TDS). */
  onSecure?: (tls: { protocol: string | undefined; cipher: string | undefined }) => void;
  /** Loads the ODBC driver module (tests); default: `import('msnodesqlv8')`. */
  loadOdbcDriver?: () => Promise<unknown>;
}


/**
 * One dedicated connection on which requests run one after another. Two drivers implement it:
 * tedious (tedious-session.ts: SQL logins and Windows accounts over NTLM, on every platform) and
 * msnodesqlv8 over ODBC (odbc-session.ts: Windows integrated authentication, or any connection whose
 * string names an ODBC `Driver=`). Every step talks to this interface only, so it runs unchanged on either.
 */
export interface SqlSession {
  /** Safe to log: server, database and account, never the password. */
  readonly target: string;
  /** Which driver carries the session. */
  readonly driver: 'tedious' | 'odbc';
  onMessage: ((message: SqlServerMessage) => void) | undefined;
  /** True until the connection ends or fails. */
  readonly isOpen: boolean;
  /**
   * Whether the server has a transaction open on this session now. tedious knows it from the server's
   * ENVCHANGE tokens; ODBC does not surface those, so the ODBC session asks (@@TRANCOUNT) — only when a
   * caller needs the answer (after a script, before a commit, after a failure), never after every batch.
   */
  transactionOpen(): Promise<boolean>;
  /** Sends one batch as-is; resolves with the row counts of its statements. */
  batch(text: string): Promise<{ rowCount: number }>;
  /** Runs a parameterised statement and returns its rows as objects. */
  query(sql: string, parameters?: SqlParameter[]): Promise<Array<Record<string, unknown>>>;
  beginTransaction(name?: string): Promise<void>;
  commit(name?: string): Promise<void>;
  rollback(name?: string): Promise<void>;
  /** Interrupts the running request (ATTENTION); false when nothing runs or the driver cannot. */
  cancelCurrent(): boolean;
  /** Closes the connection; safe to call twice. */
  close(): Promise<void>;
}

/** Why a connection could not be opened, in `details.reason` of SQL_CONNECT_FAILED / SQL_LOGIN_FAILED. */
export type ConnectFailureReason = 'unreachable' | 'timeout' | 'instance-not-found' | 'host-unknown' | 'certificate-untrusted' | 'encryption-mismatch' | 'login-failed' | 'database-missing';

/** The hint for a login the server refused, by the error number it sent. */
export function loginFailureHint(number: number | undefined, authentication: 'sql' | 'windows', integrated: boolean): string {
  if (number === 4060) return DATABASE_HINT;
  if (number === 18456 || number === 18452) {
    if (integrated) return 'The server rejected the signed-in Windows user: check that this account has a login on the server (or use a Windows account or SQL login instead).';
    return authentication === 'windows'
      ? 'The server rejected the Windows account: check DOMAIN\\user and its password, and that the account has a login on this server.'
      : 'Check the SQL login name and password, that SQL Server authentication is enabled on the server, and that the login may open the database.';
  }
  return 'Check the credentials and that the login has access to the database.';
}

export const DATABASE_HINT = 'The database does not exist or the login may not open it: check the database name.';
