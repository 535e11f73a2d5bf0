/**
 * One deployment at a time per database: before a sql-scripts step changes anything it takes an
 * exclusive application lock (sp_getapplock, owned by its session) named after the journal table.
 * The machine lock only stops two deployments on one VM; two engineers on two VMs (or a vendor
 * tool) deploying to the same database would otherwise interleave scripts and journal rows. Flyway
 * guards its history table the same way. The lock ends with the session, so a killed deployment
 * never leaves it behind.
 */
import { AppError } from '../../common/errors';
import type { SqlSession } from './connect';
import type { JournalTableName } from './journal-table';

/** How long a step waits for another deployment's lock before it fails. */
export const SCRIPTS_LOCK_TIMEOUT_MS = 10_000;

/** `DropRunner:[schema].[table]`, at most 255 characters as sp_getapplock requires. */
export function scriptsLockResource(journal: JournalTableName): string {
  return `DropRunner:${journal.quoted}`.slice(0, 255);
}

/** Takes the lock or throws SQL_SCRIPTS_LOCKED (another holder) / SQL_SCRIPTS_LOCK_FAILED (anything else). */
export async function takeScriptsLock(session: SqlSession, journal: JournalTableName, timeoutMs = SCRIPTS_LOCK_TIMEOUT_MS): Promise<void> {
  const resource = scriptsLockResource(journal);
  const rows = await session.query(
    "DECLARE @result int; EXEC @result = sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = @timeout; SELECT @result AS result;",
    [
      { name: 'resource', type: 'nvarchar', value: resource },
      { name: 'timeout', type: 'int', value: timeoutMs },
    ],
  );
  const code = Number(rows[0]?.result);
  if (code === 0 || code === 1) return;
  if (code === -1) {
    throw new AppError(
      'SQL_SCRIPTS_LOCKED',
      `Another deployment is running scripts on ${session.target} (it holds the lock "${resource}"); waited ${Math.round(timeoutMs / 1000)} s and ran nothing.`,
      'Wait until the other deployment has finished (ask who is deploying to this database), then retry this step.',
      { resource, code },
    );
  }
  throw new AppError('SQL_SCRIPTS_LOCK_FAILED', `SQL Server did not grant the deployment lock "${resource}" (sp_getapplock returned ${Number.isNaN(code) ? 'nothing' : code}); nothing was run.`, 'Retry the step; if it keeps failing, check that the login may run sp_getapplock in this database.', { resource, code });
}
