/**
 * Rolling a deployment back from what its journal recorded before each change: SSIS projects go back
 * to the recorded catalog version (catalog.restore_project) with the recorded non-sensitive
 * environment values; databases are restored from the verified backup file (SINGLE_USER WITH
 * ROLLBACK IMMEDIATE, RESTORE … WITH REPLACE, MULTI_USER) only after the operator confirmed by
 * typing the database's name (or --yes), or the exact T-SQL is written for the hospital DBA instead.
 * A rollback is a deployment record of its own (journal, history, report), pointing at the original.
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { JournalEvent, JournalEventInput, RestorePoint } from '../../common/journal-events';
import { AppError, toErrorShape } from '../../common/errors';
import type { DropLibrary } from '../drop/drop-library';
import { quoteName, restoreStatements, sqlString } from '../sql/backup';
import { openSqlSession } from '../sql/connect';
import { CatalogClient } from '../ssis/catalog-client';
import { restoreProject, restoreVariableValues } from '../ssis/ssis-rollback';
import { stepConnection } from '../steps/step-settings';
import type { TenantStore } from '../tenants/tenant-store';
import { journalPathOf } from './deployment-index';
import { prepareInputs } from './deployment-inputs';
import { JournalWriter, readJournal } from '../journal/journal-file';

/** One thing to undo, found in the original journal. */
export interface RollbackTarget {
  stepId: string;
  kind: 'database' | 'ssis';
  /** Database name, or folder/project. */
  label: string;
  point: RestorePoint;
}

export interface RollbackOptions {
  dataDir: string;
  drops: DropLibrary;
  tenants: TenantStore;
  deploymentId: string;
  stepId?: string;
  operator?: string;
  /** Asks the operator to type the database's name; true only when typed exactly. Not called with `yes`. */
  confirmDatabase?: (database: string, disk: string) => Promise<boolean>;
  yes?: boolean;
}

export interface RollbackResult {
  rollbackId: string;
  outcome: 'succeeded' | 'failed' | 'aborted';
  targets: Array<RollbackTarget & { result: 'restored' | 'failed' | 'not confirmed'; detail: string }>;
}

function originalJournal(dataDir: string, deploymentId: string): JournalEvent[] {
  try {
    return readJournal(journalPathOf(dataDir, deploymentId)).events;
  } catch {
    throw new AppError('DEPLOY_NOT_FOUND', `There is no deployment "${deploymentId}" on this machine.`, 'Run `drop-runner history` to list the deployments.', { deploymentId });
  }
}

/** What the deployment recorded that can be undone, in reverse order of the changes (last change first). */
export function rollbackTargets(events: readonly JournalEvent[], stepId?: string): RollbackTarget[] {
  const out: RollbackTarget[] = [];
  for (const e of events) {
    if (e.type !== 'artifact' || !e.artifact.restore) continue;
    if (stepId !== undefined && e.stepId !== stepId) continue;
    const p = e.artifact.restore;
    if (e.artifact.kind === 'backup' && p.disk && p.database) out.push({ stepId: e.stepId, kind: 'database', label: p.database, point: p });
    if (e.artifact.kind === 'ssis-rollback-point' && p.folder && p.project) out.push({ stepId: e.stepId, kind: 'ssis', label: `${p.folder}/${p.project}`, point: p });
  }
  return out.reverse();
}

/** The T-SQL a DBA runs by hand to do the same rollback (`--script-only`). */
export function rollbackScript(deploymentId: string, targets: readonly RollbackTarget[]): string {
  const lines = [`-- Drop Runner rollback of deployment ${deploymentId}, written ${new Date().toISOString()}.`, '-- Review before running. Each part can run on its own.', ''];
  for (const t of targets) {
    if (t.kind === 'database') {
      lines.push(`-- Step ${t.stepId}: restore database ${t.label} from the verified COPY_ONLY backup taken before the deployment.`);
      lines.push(`-- Every change made to ${t.label} since that backup is lost, and other sessions are disconnected.`);
      for (const s of restoreStatements(t.label, t.point.disk!)) lines.push(s, 'GO');
    } else {
      lines.push(`-- Step ${t.stepId}: SSIS project ${t.label} back to version ${t.point.objectVersionLsn ?? '(none: the project was new)'}.`);
      if (t.point.objectVersionLsn) lines.push(`EXEC [SSISDB].[catalog].[restore_project] @folder_name = ${sqlString(t.point.folder!)}, @project_name = ${sqlString(t.point.project!)}, @object_version_lsn = ${t.point.objectVersionLsn};`, 'GO');
      for (const v of t.point.variables ?? []) {
        if (!v.existed) lines.push(`-- ${v.environment}.${v.name} did not exist before; delete it if it must go.`);
        else if (v.sensitive || v.value === undefined) lines.push(`-- ${v.environment}.${v.name} is sensitive: its earlier value was not readable; re-enter it.`);
        else lines.push(`EXEC [SSISDB].[catalog].[set_environment_variable_value] @folder_name = ${sqlString(t.point.environmentFolder ?? t.point.folder!)}, @environment_name = ${sqlString(v.environment)}, @variable_name = ${sqlString(v.name)}, @value = ${sqlString(v.value)}; -- ${v.type ?? ''}`, 'GO');
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Finds what to undo and the step settings (evaluated with the tenant's current values, secrets from the keychain). */
export async function loadRollback(options: Pick<RollbackOptions, 'dataDir' | 'drops' | 'tenants' | 'deploymentId' | 'stepId'>) {
  const events = originalJournal(options.dataDir, options.deploymentId);
  const started = events.find((e) => e.type === 'deployment-started');
  if (!started || started.type !== 'deployment-started') throw new AppError('DEPLOY_NOT_FOUND', `The journal of "${options.deploymentId}" has no start.`, 'Run `drop-runner history` to list the deployments.', { deploymentId: options.deploymentId });
  if (options.stepId !== undefined && !started.steps.some((s) => s.id === options.stepId)) {
    throw new AppError('INVALID_ARGUMENTS', `Deployment ${options.deploymentId} has no step "${options.stepId}".`, `Steps: ${started.steps.map((s) => s.id).join(', ')}.`, { stepId: options.stepId });
  }
  const targets = rollbackTargets(events, options.stepId);
  if (targets.length === 0) {
    throw new AppError('ROLLBACK_NOTHING_RECORDED', `Deployment ${options.deploymentId}${options.stepId ? ` (step ${options.stepId})` : ''} recorded no backup or SSIS version to go back to.`, 'Only steps that took a backup before change or recorded an SSIS version can be rolled back; restore by hand otherwise.', { deploymentId: options.deploymentId });
  }
  return { events, started, targets };
}

/** Runs the rollback and journals it as its own deployment record. */
export async function rollbackDeployment(options: RollbackOptions): Promise<RollbackResult> {
  const { started, targets } = await loadRollback(options);
  const drop = options.drops.get(started.drop.id);
  const inputs = await prepareInputs(drop, started.tenant.id, options.tenants);
  if (inputs.secretsProblem) throw new AppError(inputs.secretsProblem.code, inputs.secretsProblem.message, inputs.secretsProblem.hint);
  const redact = (s: string) => inputs.redactor.redact(s);
  const operator = options.operator ?? safeUser();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const rollbackId = `${stamp}-rollback-${randomBytes(3).toString('hex')}`;
  const journal = JournalWriter.open(journalPathOf(options.dataDir, rollbackId), inputs.redactor);
  const append = (e: JournalEventInput) => journal.append(e);
  const t0 = Date.now();
  const { seq: _seq, at: _at, ...first } = started;
  void _seq;
  void _at;
  append({
    ...first,
    deploymentId: rollbackId,
    operator,
    rollbackOf: options.deploymentId,
    steps: targets.map((t) => ({ id: t.stepId, name: `Roll back ${t.label}`, type: t.kind === 'database' ? 'rollback-database' : 'rollback-ssis' })),
    variables: [],
  } as JournalEventInput);
  const results: RollbackResult['targets'] = [];
  let outcome: RollbackResult['outcome'] = 'succeeded';
  try {
    for (const t of targets) {
      const step = drop.steps.find((s) => s.id === t.stepId);
      append({ type: 'step-started', stepId: t.stepId, attempt: 1 });
      const s0 = Date.now();
      try {
        if (!step) throw new AppError('ROLLBACK_STEP_MISSING', `The drop no longer has step ${t.stepId}.`, 'Use --script-only and run the T-SQL by hand.');
        const { settings, problems } = inputs.settingsFor(step);
        if (problems.length > 0) throw new AppError(problems[0]!.code, problems[0]!.message, problems[0]!.hint, { stepId: t.stepId });
        const connection = stepConnection(settings, t.stepId);
        if (t.kind === 'database') {
          const disk = t.point.disk!;
          const confirmed = options.yes === true || (options.confirmDatabase ? await options.confirmDatabase(t.label, disk) : false);
          if (!confirmed) {
            append({ type: 'decision', stepId: t.stepId, decision: 'abort', reason: `The restore of ${t.label} was not confirmed (the database name was not typed).`, by: operator });
            append({ type: 'step-finished', stepId: t.stepId, attempt: 1, outcome: 'cancelled', durationMs: Date.now() - s0 });
            results.push({ ...t, result: 'not confirmed', detail: 'not confirmed' });
            outcome = 'aborted';
            break;
          }
          append({ type: 'log', stepId: t.stepId, level: 'info', source: 'rollback', message: redact(`Restoring ${t.label} from ${disk} (confirmed by ${options.yes ? `${operator} with --yes` : `${operator}, who typed the database name`}).`) });
          const session = await openSqlSession({ ...connection, database: 'master' }, { onMessage: (m) => append({ type: 'log', stepId: t.stepId, level: 'info', source: 'rollback', message: redact(m.message) }) });
          let single = false;
          try {
            for (const sqlText of restoreStatements(t.label, disk)) {
              await session.batch(sqlText);
              if (/SET SINGLE_USER/.test(sqlText)) single = true;
              if (/SET MULTI_USER/.test(sqlText)) single = false;
            }
          } finally {
            // Never leave the hospital's database in single-user mode because the restore failed.
            if (single) await session.batch(`ALTER DATABASE ${quoteName(t.label)} SET MULTI_USER`).catch(() => undefined);
            await session.close().catch(() => undefined);
          }
          append({ type: 'artifact', stepId: t.stepId, artifact: { kind: 'rollback', name: t.label, action: 'restored', detail: redact(`RESTORE DATABASE ${t.label} FROM DISK ${disk} WITH REPLACE`), restore: t.point } });
          results.push({ ...t, result: 'restored', detail: `restored from ${disk}` });
        } else {
          const client = await CatalogClient.open(connection, { requestTimeoutMs: 300_000 });
          try {
            const notes: string[] = [];
            if (t.point.objectVersionLsn) {
              await restoreProject(client, t.point.folder!, t.point.project!, t.point.objectVersionLsn);
              notes.push(`project back to version ${t.point.objectVersionLsn}`);
            } else notes.push('the project was new before the deployment: left in place');
            const vars = await restoreVariableValues(client, t.point);
            if (vars.restored.length) notes.push(`values restored: ${vars.restored.join(', ')}`);
            for (const n of vars.notRestored) append({ type: 'warning', stepId: t.stepId, message: redact(`${n.name}: ${n.why}`) });
            append({ type: 'artifact', stepId: t.stepId, artifact: { kind: 'rollback', name: t.label, action: 'restored', detail: redact(notes.join('; ')), restore: t.point } });
            results.push({ ...t, result: 'restored', detail: notes.join('; ') });
          } finally {
            await client.close();
          }
        }
        append({ type: 'step-finished', stepId: t.stepId, attempt: 1, outcome: 'succeeded', durationMs: Date.now() - s0 });
      } catch (error) {
        const e = toErrorShape(error);
        append({ type: 'step-finished', stepId: t.stepId, attempt: 1, outcome: 'failed', durationMs: Date.now() - s0, error: { code: e.code, message: redact(e.message), hint: redact(e.hint) } });
        results.push({ ...t, result: 'failed', detail: redact(`${e.code}: ${e.message}`) });
        outcome = 'failed';
        break;
      }
    }
  } finally {
    append({ type: 'deployment-finished', outcome, durationMs: Date.now() - t0 });
    journal.close();
  }
  return { rollbackId, outcome, targets: results };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
