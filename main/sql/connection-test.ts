/**
 * "Test connection": log in with the settings a step would use and report what the server says
 * about the session, the way an SSMS "Connect" tells a DBA it worked. Failures keep one code per
 * cause (unreachable, login failed, database missing, certificate not trusted …) so the editor,
 * the Preflight screen and `drop-runner sql test` all give the same hint. Nothing here ever puts
 * the password into a result or an error: the target is described by describeSqlTarget.
 */
import type { ConnectionTestView } from '../../common/contract';
import { AppError } from '../../common/errors';
import { openSqlSession, type ConnectFailureReason } from './connect';
import { describeSqlTarget, type SqlConnectionSettings } from './connection-settings';

/** What a successful test reports: the contract's view (common/contract.ts), which the UI shows as is. */
export type SqlConnectionTestResult = ConnectionTestView;

// Standard T-SQL that needs no permission beyond a login: CONNECTIONPROPERTY reads the own session
// (sys.dm_exec_connections would need VIEW SERVER STATE, which a deployment login may not have).
const WHO_AM_I = [
  'SELECT CAST(@@SERVERNAME AS nvarchar(256)) AS server_name,',
  "CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version,",
  'SUSER_SNAME() AS login_name, DB_NAME() AS database_name,',
  "CAST(CONNECTIONPROPERTY('auth_scheme') AS nvarchar(40)) AS auth_scheme,",
  // The ODBC driver does not tell whether TLS was negotiated; the server does.
  "CAST(CONNECTIONPROPERTY('encrypt_option') AS nvarchar(10)) AS encrypt_option",
].join(' ');

/** Stable codes per cause; the hint comes from the driver-level classification in connect.ts. */
const CODE_BY_REASON: Record<ConnectFailureReason, string> = {
  unreachable: 'SQL_UNREACHABLE',
  timeout: 'SQL_UNREACHABLE',
  'host-unknown': 'SQL_UNREACHABLE',
  'instance-not-found': 'SQL_UNREACHABLE',
  'certificate-untrusted': 'SQL_CERTIFICATE_UNTRUSTED',
  'encryption-mismatch': 'SQL_ENCRYPTION_MISMATCH',
  'login-failed': 'SQL_LOGIN_FAILED',
  'database-missing': 'SQL_DATABASE_UNAVAILABLE',
};

/** Opens a connection, asks who we are, closes it. Rejects with an AppError whose code names the cause. */
export async function testSqlConnection(settings: SqlConnectionSettings): Promise<SqlConnectionTestResult> {
  let tlsProtocol: string | undefined;
  let session;
  try {
    session = await openSqlSession(
      // A test should answer now, not after tedious's transient-error retries (4060 is "transient").
      { ...settings, requestTimeoutMs: 30_000 },
      { tediousOverrides: { maxRetriesOnTransientErrors: 0 }, onSecure: (tls) => (tlsProtocol = tls.protocol) },
    );
  } catch (error) {
    if (error instanceof AppError && typeof error.details?.reason === 'string' && error.details.reason in CODE_BY_REASON) {
      throw new AppError(CODE_BY_REASON[error.details.reason as ConnectFailureReason], error.message, error.hint, error.details);
    }
    throw error;
  }
  try {
    const [row] = await session.query(WHO_AM_I);
    const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
    const encrypted = tlsProtocol !== undefined || settings.encrypt === 'strict' || (session.driver === 'odbc' && text(row?.encrypt_option).toUpperCase() === 'TRUE');
    return {
      target: describeSqlTarget(settings),
      serverName: text(row?.server_name),
      productVersion: text(row?.product_version),
      login: text(row?.login_name),
      database: text(row?.database_name),
      authScheme: text(row?.auth_scheme),
      encrypted,
      ...(tlsProtocol ? { tlsProtocol } : {}),
    };
  } catch (error) {
    const e = error as { message?: string };
    throw new AppError('SQL_TEST_QUERY_FAILED', `Logged in to ${describeSqlTarget(settings)}, but the identity query failed: ${e.message ?? String(error)}`, 'The login works; the server refused a plain SELECT of @@SERVERNAME and SUSER_SNAME(). Ask the DBA whether the login is restricted.');
  } finally {
    await session.close();
  }
}
