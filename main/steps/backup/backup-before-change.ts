/**
 * "Backups before change": wraps an executor that changes a database (sql-scripts, dacpac) so that,
 * before its first change, the database gets a verified COPY_ONLY backup (main/sql/backup.ts). The
 * wrapper, not the executors, owns it so both step types behave the same and neither grows a second
 * concern. A failed or unverifiable backup never lets the step's own work start: the operator retries
 * it, skips it with a reason (journaled, so the report shows it), or aborts.
 */
import type { PreflightCheck, RestorePoint } from '../../../common/journal-events';
import { AppError, toErrorShape } from '../../../common/errors';
import { BackupFailure, backupAndVerify, backupFileName, readBackupEnvironment, restoreStatements, sameVolume, serverPath, verifyStatement, type BackupEnvironment } from '../../sql/backup';
import { openSqlSession, type SqlSession } from '../../sql/connect';
import { describeSqlTarget, type SqlConnectionSettings } from '../../sql/connection-settings';
import type { StepContext, StepExecutor, StepPlanDetail } from '../step-executor';
import { optionalString, settingsError, stepConnection } from '../step-settings';
import { backupLedger, type BackupLedger } from './backup-ledger';

/** The tenant value that sets the backup folder for every step of the tenant's deployments. */
export const TENANT_BACKUP_FOLDER = 'DropRunner.BackupFolder';
const STATS = 10;
/** Retries offered by confirmation before the failure goes to the runner's own guided failure. */
const MAX_CONFIRMED_RETRIES = 3;

export type BackupMode = 'before' | 'none';

export function backupMode(ctx: StepContext): BackupMode {
  const v = ctx.settings.backup;
  if (v === undefined || v === null || v === '') return 'before';
  if (v === 'before' || v === 'none') return v;
  throw settingsError(ctx.step.id, 'backup', `is "${String(v)}"`, 'Use "before" (the default) or "none".');
}

/** backupFolder setting, else the tenant's DropRunner.BackupFolder value, else undefined (the server's default). */
function configuredFolder(ctx: StepContext): string | undefined {
  const own = optionalString(ctx.settings, 'backupFolder');
  if (own) return own;
  for (const [name, value] of ctx.values) if (name.toLowerCase() === TENANT_BACKUP_FOLDER.toLowerCase() && value.trim() !== '') return value.trim();
  return undefined;
}

async function currentDatabase(session: SqlSession, connection: SqlConnectionSettings): Promise<string> {
  if (connection.database) return connection.database;
  const row = (await session.query('SELECT DB_NAME() AS db'))[0];
  return String(row?.db ?? 'master');
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

interface Target {
  connection: SqlConnectionSettings;
  database: string;
  folder: string | null;
  env: BackupEnvironment;
}

async function readTarget(ctx: StepContext, session: SqlSession, connection: SqlConnectionSettings): Promise<Target> {
  const database = await currentDatabase(session, connection);
  const env = await readBackupEnvironment(session, database);
  return { connection, database, folder: configuredFolder(ctx) ?? env.defaultPath, env };
}

/** The server as a restore point names it (host, instance or port; no database). */
function serverText(connection: SqlConnectionSettings): string {
  return describeSqlTarget(connection).split(' (')[0]!;
}

/** A backup (or a skipped one) of this database that an earlier session of the deployment journaled. */
function journaled(earlier: readonly RestorePoint[] | undefined, server: string, database: string): RestorePoint | undefined {
  return earlier?.find((p) => p.database?.toLowerCase() === database.toLowerCase() && (p.server === undefined || p.server.toLowerCase() === server.toLowerCase()));
}

function ledgerKey(deploymentId: string, connection: SqlConnectionSettings, database: string): string {
  return `${deploymentId}|${connection.server.toLowerCase()}|${connection.port ?? ''}|${(connection.instance ?? '').toLowerCase()}|${database.toLowerCase()}`;
}

/** Wraps `inner` so its run starts with the backup and its plan and preflight describe it. */
export function withBackupBeforeChange(inner: StepExecutor, ledger: BackupLedger = backupLedger): StepExecutor {
  return {
    ...inner,

    async plan(ctx) {
      const result = await inner.plan(ctx);
      if (backupMode(ctx) === 'none') return result;
      const connection = stepConnection(ctx.settings, ctx.step.id);
      let backup: StepPlanDetail['backup'];
      let session: SqlSession | undefined;
      try {
        session = await openSqlSession(connection);
        const t = await readTarget(ctx, session, connection);
        // The real name carries the run's time and deployment id, unknown while planning.
        const disk = serverPath(t.folder ?? '<backup folder>', `${t.database.replace(/[^A-Za-z0-9_.-]/g, '_')}_DropRunner_<UTC time>_<deployment>.bak`);
        backup = {
          database: t.database,
          folder: t.folder,
          expectedBytes: t.env.dataBytes,
          compression: t.env.compression,
          verify: verifyStatement(disk),
          restore: restoreStatements(t.database, disk),
          ...(t.folder ? {} : { note: 'The server does not report a default backup folder: set backupFolder or the tenant value DropRunner.BackupFolder.' }),
        };
      } catch (error) {
        // A plan is still useful without the server's answers; preflight reports the connection problem.
        const e = toErrorShape(error);
        const database = connection.database ?? '(the login\'s default database)';
        backup = { database, folder: configuredFolder(ctx) ?? null, expectedBytes: null, compression: false, verify: verifyStatement('<backup file>'), restore: restoreStatements(database, '<backup file>'), note: ctx.redactor.redact(`The server could not be read for the backup plan: ${e.message}`) };
      } finally {
        await session?.close().catch(() => undefined);
      }
      const where = backup.folder ?? 'no folder known yet';
      return {
        ...result,
        items: [{ label: `Backup of ${backup.database}`, action: 'will back up first (COPY_ONLY, verified)', detail: `${where}${backup.expectedBytes !== null ? `, about ${mb(backup.expectedBytes)} at most` : ''}` }, ...result.items],
        detail: { ...result.detail, backup },
      };
    },

    async preflight(ctx) {
      const checks = await inner.preflight(ctx);
      let mode: BackupMode;
      try {
        mode = backupMode(ctx);
      } catch (error) {
        const e = toErrorShape(error);
        return [...checks, { id: `${ctx.step.id}:backup`, stepId: ctx.step.id, title: 'Backup before change', status: 'fail', detail: `${e.code}: ${e.message}`, hint: e.hint }];
      }
      if (mode === 'none') return [...checks, { id: `${ctx.step.id}:backup`, stepId: ctx.step.id, title: 'Backup before change', status: 'warn', detail: 'The drop turns the backup off for this step (backup: "none").', hint: 'Make sure the hospital has a recent backup of the database.' }];
      return [...checks, ...(await backupPreflight(ctx))];
    },

    async run(ctx) {
      if (ctx.deploymentId !== undefined && backupMode(ctx) === 'before') {
        const outcome = await ensureBackup(ctx, ctx.deploymentId, ledger);
        if (outcome !== 'ok') return outcome;
      }
      return inner.run(ctx);
    },
  };
}

/** Permission, folder and room; never throws. */
async function backupPreflight(ctx: StepContext): Promise<PreflightCheck[]> {
  const id = `${ctx.step.id}:backup`;
  const stepId = ctx.step.id;
  const redact = (s: string) => ctx.redactor.redact(s);
  let session: SqlSession | undefined;
  try {
    const connection = stepConnection(ctx.settings, ctx.step.id);
    session = await openSqlSession(connection);
    const t = await readTarget(ctx, session, connection);
    const checks: PreflightCheck[] = [];
    let permitted: unknown = null;
    try {
      permitted = (await session.query("SELECT HAS_PERMS_BY_NAME(@db, 'DATABASE', 'BACKUP DATABASE') AS can_backup", [{ name: 'db', type: 'nvarchar', value: t.database }]))[0]?.can_backup;
    } catch {
      permitted = null;
    }
    if (permitted === null || permitted === undefined) checks.push({ id: `${id}-permission`, stepId, title: 'Backup permission', status: 'warn', detail: `The server did not say whether the login may back up ${t.database}.`, hint: 'Make sure the login holds BACKUP DATABASE (db_backupoperator or db_owner).' });
    else if (Number(permitted) === 0) checks.push({ id: `${id}-permission`, stepId, title: 'Backup permission', status: 'fail', detail: `The login may not back up ${t.database} (BACKUP DATABASE is not granted).`, hint: 'Ask hospital IT for db_backupoperator on the database, or set backup: "none" after agreeing another backup with them.' });
    else checks.push({ id: `${id}-permission`, stepId, title: 'Backup permission', status: 'pass', detail: `The login may back up ${t.database}.` });
    if (!t.folder) {
      checks.push({ id: `${id}-folder`, stepId, title: 'Backup folder', status: 'fail', detail: 'No backup folder: the server does not report its default backup path and none is set.', hint: `Set the tenant value ${TENANT_BACKUP_FOLDER} (a folder on the SQL Server machine) or the step's backupFolder.` });
    } else {
      const size = t.env.dataBytes;
      const vol = t.env.volume;
      if (size !== null && vol && sameVolume(t.folder, vol.mountPoint)) {
        const ok = vol.availableBytes > size;
        checks.push({ id: `${id}-space`, stepId, title: 'Backup space', status: ok ? 'pass' : 'warn', detail: `${t.database} holds at most ${mb(size)}; ${vol.mountPoint} has ${mb(vol.availableBytes)} free.`, hint: ok ? undefined : 'Free space on the backup volume or choose another backup folder.' } as PreflightCheck);
      } else {
        checks.push({ id: `${id}-space`, stepId, title: 'Backup space', status: 'warn', detail: `Free space in ${t.folder} cannot be read from SQL Server${size !== null ? `; ${t.database} holds at most ${mb(size)}` : ''}.`, hint: 'Check the backup folder has room for the database.' });
      }
    }
    return checks.map((c) => ({ ...c, detail: redact(c.detail), ...(c.hint ? { hint: redact(c.hint) } : {}) }));
  } catch (error) {
    const e = toErrorShape(error);
    return [{ id, stepId, title: 'Backup before change', status: 'warn', detail: `${e.code}: ${redact(e.message)}`, hint: redact(e.hint) }];
  } finally {
    await session?.close().catch(() => undefined);
  }
}

type EnsureOutcome = 'ok' | { outcome: 'cancelled'; abort: true; by: string };

/** Backs up once per database per deployment; asks the operator when it fails. */
async function ensureBackup(ctx: StepContext, deploymentId: string, ledger: BackupLedger): Promise<EnsureOutcome> {
  const connection = stepConnection(ctx.settings, ctx.step.id);
  const stepId = ctx.step.id;
  const redact = (s: string) => ctx.redactor.redact(s);
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    let session: SqlSession | undefined;
    let skipKey: string | undefined;
    let skipTarget: RestorePoint | undefined;
    try {
      session = await openSqlSession(connection);
      const t = await readTarget(ctx, session, connection);
      const key = ledgerKey(deploymentId, connection, t.database);
      skipKey = key;
      const server = serverText(connection);
      skipTarget = { server, database: t.database };
      const earlier = ledger.get(key) ?? journaled(ctx.earlierBackups, server, t.database);
      if (earlier) {
        const said = earlier.disk ? `${t.database} was already backed up in this deployment (${earlier.disk}); no second backup.` : `${t.database}: the backup was skipped earlier in this deployment; not taken now either (it would hold earlier steps' changes).`;
        ctx.emit({ type: 'log', stepId, level: 'info', source: 'backup', message: redact(said) });
        return 'ok';
      }
      if (t.database.toLowerCase() === 'tempdb') {
        ctx.emit({ type: 'warning', stepId, message: 'The step connects to tempdb, which cannot be backed up; no backup taken.' });
        return 'ok';
      }
      if (!t.folder) throw new AppError('BACKUP_FOLDER_UNKNOWN', `No backup folder for ${t.database}: the server does not report its default backup path.`, `Set the tenant value ${TENANT_BACKUP_FOLDER} or the step's backupFolder.`, { stepId });
      const disk = serverPath(t.folder, backupFileName(t.database, deploymentId, new Date()));
      ctx.emit({ type: 'log', stepId, level: 'info', source: 'backup', message: redact(`Backing up ${t.database} to ${disk} (COPY_ONLY, CHECKSUM${t.env.compression ? ', COMPRESSION' : ''}) before the step changes it.`) });
      const result = await backupAndVerify(session, t.database, disk, {
        compression: t.env.compression,
        stats: STATS,
        onMessage: (m) => ctx.emit({ type: 'log', stepId, level: 'info', source: 'backup', message: redact(m.message) }),
      });
      const record = { server, database: t.database, disk, ...(result.bytes !== null ? { bytes: result.bytes } : {}), verified: result.verified };
      ledger.set(key, record);
      ctx.emit({
        type: 'artifact',
        stepId,
        artifact: {
          kind: 'backup',
          name: redact(disk),
          action: 'written and verified',
          detail: redact(`COPY_ONLY backup of ${t.database}${result.bytes !== null ? `, ${mb(result.bytes)} of pages` : ''}${result.compressed ? ', compressed' : ''}; RESTORE VERIFYONLY WITH CHECKSUM: ${result.summary.at(-1) ?? 'valid'}`),
          restore: { ...record, server: redact(record.server) },
        },
      });
      return 'ok';
    } catch (error) {
      const e = error instanceof BackupFailure ? { code: error.phase === 'backup' ? 'BACKUP_FAILED' : 'BACKUP_VERIFY_FAILED', message: error.message } : toErrorShape(error);
      failure = `${e.code}: ${e.message}`;
    } finally {
      await session?.close().catch(() => undefined);
    }
    const text = redact(failure);
    ctx.emit({ type: 'log', stepId, level: 'error', source: 'backup', message: `The backup before change failed: ${text}` });
    const hint = 'Fix the cause (folder, permission, space) and retry, or skip the backup with a reason, or abort. No script has run.';
    if (!ctx.confirm || attempt > MAX_CONFIRMED_RETRIES) throw new AppError('BACKUP_FAILED', `The backup before step ${stepId} failed, so the step did not start: ${text}`, hint, { stepId });
    const answer = await ctx.confirm({ about: 'backup-failed', instructions: `The backup before this step failed, so nothing has been changed: ${text}. Retry the backup; skip it to run the step WITHOUT a backup (give the reason); or abort the deployment.` });
    if (answer.answer === 'abort') return { outcome: 'cancelled', abort: true, by: answer.by };
    if (answer.answer === 'unanswered') throw new AppError('BACKUP_FAILED', `The backup before step ${stepId} failed, so the step did not start (${answer.why}): ${text}`, hint, { stepId });
    if (answer.answer === 'skip') {
      if (skipKey && skipTarget) ledger.set(skipKey, skipTarget);
      ctx.emit({ type: 'warning', stepId, message: redact(`The backup before change was skipped by ${answer.by}: ${answer.reason}`) });
      ctx.emit({ type: 'artifact', stepId, artifact: { kind: 'backup', name: '(no backup)', action: 'skipped', detail: redact(`Skipped by ${answer.by} after "${text}": ${answer.reason}`), ...(skipTarget ? { restore: { server: redact(skipTarget.server!), database: skipTarget.database! } } : {}) } });
      return 'ok';
    }
  }
}
