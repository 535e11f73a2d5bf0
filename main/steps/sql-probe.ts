/**
 * Preflight for steps that talk to SQL Server: can we reach the server and log in, and does the
 * login hold the rights the step needs. A permission query the server cannot answer is a warning,
 * not a failure: some hospitals deny VIEW SERVER STATE and the step may still succeed.
 */
import type { PreflightCheck } from '../../common/journal-events';
import { toErrorShape } from '../../common/errors';
import { openSqlSession } from '../sql/connect';
import { describeSqlTarget, type SqlConnectionSettings } from '../sql/connection-settings';

/** The rights a step needs on its database, as HAS_PERMS_BY_NAME permission names. */
export interface PermissionNeed {
  permission: string;
  /** Why the step needs it, for the hint. */
  why: string;
}

/** Connects, logs in and checks database permissions; one check per concern, never throws. */
export async function probeSqlTarget(stepId: string, connection: SqlConnectionSettings, needs: PermissionNeed[], redact: (s: string) => string): Promise<PreflightCheck[]> {
  const target = describeSqlTarget(connection);
  let session;
  try {
    session = await openSqlSession(connection);
  } catch (error) {
    const e = toErrorShape(error);
    return [{ id: `${stepId}:connection`, stepId, title: `Connect to ${redact(target)}`, status: 'fail', detail: `${e.code}: ${redact(e.message)}`, hint: redact(e.hint) }];
  }
  const checks: PreflightCheck[] = [{ id: `${stepId}:connection`, stepId, title: `Connect to ${redact(target)}`, status: 'pass', detail: 'Reachable; the login was accepted.' }];
  try {
    if (needs.length > 0) {
      const columns = needs.map((n, i) => `HAS_PERMS_BY_NAME(DB_NAME(), 'DATABASE', '${n.permission.replace(/'/g, "''")}') AS p${i}`).join(', ');
      let row: Record<string, unknown> | undefined;
      try {
        row = (await session.query(`SELECT ${columns}`))[0];
      } catch {
        row = undefined;
      }
      const missing = needs.filter((_, i) => row !== undefined && Number(row[`p${i}`]) === 0);
      const unknown = row === undefined || needs.some((_, i) => row![`p${i}`] === null || row![`p${i}`] === undefined);
      if (missing.length > 0) {
        checks.push({
          id: `${stepId}:permissions`,
          stepId,
          title: 'Database permissions',
          status: 'fail',
          detail: `The login lacks ${missing.map((m) => m.permission).join(', ')} on the database.`,
          hint: `Ask hospital IT to grant ${missing.map((m) => `${m.permission} (${m.why})`).join('; ')} — or db_owner on the database.`,
        });
      } else if (unknown) {
        checks.push({ id: `${stepId}:permissions`, stepId, title: 'Database permissions', status: 'warn', detail: 'The server did not answer the permission check.', hint: `Make sure the login has ${needs.map((n) => n.permission).join(', ')} (db_owner covers them).` });
      } else {
        checks.push({ id: `${stepId}:permissions`, stepId, title: 'Database permissions', status: 'pass', detail: `The login holds ${needs.map((n) => n.permission).join(', ')}.` });
      }
    }
  } finally {
    await session.close().catch(() => undefined);
  }
  return checks;
}

/** A failed check for settings that could not even be turned into a connection. */
export function settingsCheck(stepId: string, error: unknown, redact: (s: string) => string): PreflightCheck {
  const e = toErrorShape(error);
  return { id: `${stepId}:settings`, stepId, title: 'Step settings', status: 'fail', detail: `${e.code}: ${redact(e.message)}`, hint: redact(e.hint) };
}
