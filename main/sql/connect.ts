/**
 * Opens the dedicated SQL session a step works on, choosing the driver from the settings: tedious for
 * SQL logins and Windows accounts (NTLM), msnodesqlv8 over ODBC for Windows integrated authentication
 * and for connection strings that name an ODBC `Driver=`. Both implement SqlSession (sql-session.ts),
 * so callers never depend on the driver.
 */
import type { SqlConnectionSettings } from './connection-settings';
import { openOdbcSession } from './odbc-session';
import type { SqlSession, SqlSessionOptions } from './sql-session';
import { openTediousSession } from './tedious-session';

export { SqlRequestFailure } from './sql-session';
export type { ConnectFailureReason, SqlParameter, SqlServerMessage, SqlSession, SqlSessionOptions } from './sql-session';

/** Opens the dedicated connection; failures are SQL_CONNECT_FAILED, SQL_LOGIN_FAILED or a driver-unavailable code, with a hint. */
export function openSqlSession(settings: SqlConnectionSettings, options: SqlSessionOptions = {}): Promise<SqlSession> {
  return settings.integrated || settings.odbcDriver ? openOdbcSession(settings, options) : openTediousSession(settings, options);
}
