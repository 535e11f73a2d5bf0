/**
 * The core of the `sql-scripts` step: pick the package's scripts, compare them with the journal
 * table in the target database, and run what is pending on ONE connection, batch by batch, with a
 * transaction per script (default), per step, or none. Every script is split (and every variable
 * resolved) before the first batch is sent, so a typo in a variable name never leaves a database
 * half-deployed. Splitting streams: the plan reads each script once to count and check its batches
 * without keeping them, and the run reads it again batch by batch, refusing a file that changed in
 * between (SQL_SCRIPT_CHANGED), so memory follows the largest batch, not the largest script.
 */
import { AppError } from '../../common/errors';
import type { JournalEventInput, StepArtifact } from '../../common/journal-events';
import { openSqlSession, SqlRequestFailure, type SqlSession, type SqlSessionOptions } from './connect';
import type { SqlConnectionSettings } from './connection-settings';
import { ensureJournalTable, parseJournalTableName, readJournal, recordScript } from './journal-table';
import { takeScriptsLock } from './scripts-lock';
import { sendScriptBatches } from './script-batch-loop';
import { transactionStrategy } from './script-transaction';
import { hashSelected, planScripts, plannedLine } from './script-plan';
import { selectScripts, type ScriptSelectionSettings, type SelectedScript } from './script-selection';

export type TransactionMode = 'per-script' | 'step' | 'none';

export interface SqlScriptsSettings extends ScriptSelectionSettings {
  /** `[schema].[table]`; default `[dbo].[SchemaVersions]`. */
  journalTable?: string;
  transaction?: TransactionMode;
  /** What a changed, already-applied script is: a warning (default) or an error (SQL_SCRIPT_DRIFT). */
  drift?: 'warn' | 'error';
  /**
   * A batch the server refuses is reported as a warning and the next batch runs (Octopus's
   * ContinueOnError on its SQL templates); a lost connection or a cancel still stops the step.
   */
  continueOnError?: boolean;
}

/** Cancel requests: `graceful` stops before the next batch, `immediate` also interrupts the running one (ATTENTION). */
export interface ScriptRunCancel {
  graceful?: AbortSignal;
  immediate?: AbortSignal;
}

export interface RunSqlScriptsOptions {
  stepId: string;
  /** Absolute folder holding the step's scripts (its package); `:r` includes stay inside it. Unused with `inline`. */
  packageRoot?: string;
  /**
   * SQL written in the step itself instead of files (Octopus's "SQL - Execute Script"): sent as ONE
   * batch, without GO splitting or sqlcmd commands, as that template sends it; it runs on every deployment.
   */
  inline?: { name: string; text: string };
  connection: SqlConnectionSettings;
  settings?: SqlScriptsSettings;
  /** sqlcmd variables for `$(name)`: step settings and tenant variables. */
  variables?: Record<string, string>;
  /** Release version recorded in the journal table. */
  release?: string;
  /** List what would run, in order, reading the journal table read-only; nothing is executed. */
  dryRun?: boolean;
  onEvent?: (event: JournalEventInput) => void;
  /** Masks secrets in everything this emits or throws (the deployment's Redactor). */
  redact?: (text: string) => string;
  cancel?: ScriptRunCancel;
  /** How long to wait for another deployment's lock on the database (default SCRIPTS_LOCK_TIMEOUT_MS). */
  lockTimeoutMs?: number;
  /**
   * A resume's answer for a `transaction: none` script a crash left part-way (main/deploy/interrupted-script.ts):
   * continue after the batches known applied, rerun from the first batch, or skip the rest. Only that script, only this run.
   */
  resumeScript?: ResumeScript;
  /** Driver overrides (tests). */
  sessionOptions?: Pick<SqlSessionOptions, 'tediousOverrides'>;
}

export interface ResumeScript {
  script: string;
  choice: 'continue' | 'rerun' | 'skip';
  /** Batches 1..appliedBatches were committed before the interruption. */
  appliedBatches: number;
  reason?: string;
}

export type PlannedAction = 'apply' | 'run-always' | 'skip-applied' | 'skip-drift';

export interface PlannedScript {
  name: string;
  action: PlannedAction;
  sha256: string;
  /** Batches that will be sent (after GO repeat counts), for the plan and progress. */
  batchCount: number;
}

export interface RunSqlScriptsResult {
  outcome: 'succeeded' | 'cancelled';
  plan: PlannedScript[];
  /** Scripts actually run to completion (committed when in a transaction), in order. */
  ran: string[];
  journalTableCreated: boolean;
}

/** Runs (or, with dryRun, plans) a sql-scripts step on one dedicated connection; throws AppError on failure. */
export async function runSqlScripts(options: RunSqlScriptsOptions): Promise<RunSqlScriptsResult> {
  const redact = options.redact ?? ((s: string) => s);
  const emit = (event: JournalEventInput) => options.onEvent?.(event);
  const { stepId } = options;
  const settings = options.settings ?? {};
  const mode: TransactionMode = settings.transaction ?? 'per-script';
  if (!['per-script', 'step', 'none'].includes(mode)) {
    throw new AppError('SQL_SETTINGS_INVALID', `The transaction mode "${mode}" is not known.`, 'Use transaction per-script, step or none.');
  }
  const journalName = parseJournalTableName(settings.journalTable);
  const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => emit({ type: 'log', stepId, level, message: redact(message), source: 'sql' });

  const inline = options.inline;
  if (!inline && !options.packageRoot) throw new AppError('SQL_SETTINGS_INVALID', `Step ${stepId} has neither a package folder with scripts nor inline SQL.`, 'Give the step a package with .sql files.', { stepId });
  const selected: SelectedScript[] = inline ? [{ name: inline.name, path: inline.name, runAlways: true }] : selectScripts(options.packageRoot!, settings);
  const files = selected.map((script) => hashSelected(script, inline));

  let session: SqlSession | undefined;
  const cancelGraceful = () => options.cancel?.graceful?.aborted === true || options.cancel?.immediate?.aborted === true;
  const onImmediate = () => session?.cancelCurrent();
  options.cancel?.immediate?.addEventListener('abort', onImmediate);
  let currentScript = '';
  let planSoFar: PlannedScript[] = [];
  let ranSoFar: string[] = [];
  try {
    session = await openSqlSession(options.connection, {
      ...options.sessionOptions,
      onMessage: (m) => log('info', currentScript ? `${currentScript}: ${m.message}` : m.message),
    });
    log('info', `Connected to ${session.target}.`);
    // A plan only reads; a run first makes sure no other deployment is changing this database.
    if (!options.dryRun) await takeScriptsLock(session, journalName, options.lockTimeoutMs);

    const journal = await readJournal(session, journalName);
    const applied = new Map(journal.entries.map((e) => [e.scriptName.toLowerCase(), e]));

    // Decide, then split everything that will run before sending anything (script-plan.ts).
    const plan = planScripts(files, applied, options, (message) => emit({ type: 'warning', stepId, message: redact(message) }));
    const publicPlan = plan.map(({ name, action, sha256, batchCount }) => ({ name, action, sha256, batchCount }));
    planSoFar = publicPlan;

    const drifted = plan.filter((p) => p.action === 'skip-drift');
    for (const d of drifted) {
      const message = `${d.name} was changed after it was applied (its content hash differs from the journal table); it is not run again.`;
      if (settings.drift === 'error' && !options.dryRun) {
        throw new AppError('SQL_SCRIPT_DRIFT', message, 'Ship changes as a new script instead of editing an applied one, or ask the vendor; set drift to "warn" to continue anyway.', { script: d.name, sha256: d.sha256 });
      }
      emit({ type: 'warning', stepId, message: redact(message) });
    }

    if (options.dryRun) {
      for (const p of publicPlan) log('info', plannedLine(p));
      if (!journal.exists) log('info', `The journal table ${journalName.quoted} does not exist yet; every script is pending.`);
      return { outcome: 'succeeded', plan: publicPlan, ran: [], journalTableCreated: false };
    }

    for (const p of plan) {
      if (p.action === 'skip-applied') emit({ type: 'artifact', stepId, artifact: artifact(p, 'skipped (already applied)') });
      if (p.action === 'skip-drift') emit({ type: 'artifact', stepId, artifact: artifact(p, 'drift') });
    }

    if (!journal.exists) {
      await ensureJournalTable(session, journalName);
      log('info', `Created the journal table ${journalName.quoted}.`);
    } else await ensureJournalTable(session, journalName);

    const toRun = plan.filter((p) => p.action === 'apply' || p.action === 'run-always');
    const totalBatches = toRun.reduce((n, p) => n + p.batchCount, 0) || 1;
    // Shared with the batch loop (script-batch-loop.ts), which advances it batch by batch.
    const progress = { done: 0, total: totalBatches };
    const ran: string[] = [];
    ranSoFar = ran;
    const s = session;
    // When to BEGIN and COMMIT, and when an applied script may be reported (script-transaction.ts).
    const tx = transactionStrategy(mode, s);
    const report = (a: StepArtifact) => emit({ type: 'artifact', stepId, artifact: a });

    await tx.beginStep(toRun.length);
    for (const p of toRun) {
      if (cancelGraceful()) return await cancelled(s, mode, publicPlan, ran, !journal.exists, log);
      currentScript = p.name;
      const started = Date.now();
      log('info', `${p.action === 'run-always' ? 'Running (always)' : 'Applying'} ${p.name} (${p.batchCount} batches).`);
      const resume = mode === 'none' && options.resumeScript?.script.toLowerCase() === p.name.toLowerCase() ? options.resumeScript : undefined;
      if (resume?.choice === 'skip') {
        // The operator dealt with the rest by hand: nothing is sent and nothing recorded in the journal table.
        log('warn', `Skipping the rest of ${p.name} as chosen on resume (batches 1–${resume.appliedBatches} of ${p.batchCount} were applied before the interruption).`);
        emit({ type: 'artifact', stepId, artifact: artifact(p, 'skipped after interruption', `batches 1–${resume.appliedBatches} of ${p.batchCount} applied before the crash; reason: ${resume.reason ?? ''}`) });
        progress.done += p.batchCount;
        continue;
      }
      const skipFirst = resume?.choice === 'continue' ? Math.min(resume.appliedBatches, p.batchCount) : 0;
      if (resume) log('info', resume.choice === 'continue' ? `Continuing ${p.name} at batch ${skipFirst + 1} of ${p.batchCount}: batches 1–${skipFirst} were applied before the interruption.` : `Running ${p.name} again from its first batch, as chosen on resume.`);
      await tx.beginScript();
      // Without a transaction every batch commits on its own: the journal records each, so a crash leaves a known position.
      if (mode === 'none') emit({ type: 'script-started', stepId, script: p.name, batches: p.batchCount, sha256: p.sha256 });
      const loop = { session: s, mode, stepId, settings, emit, log, redact, cancelRequested: cancelGraceful, progress };
      if ((await sendScriptBatches(loop, p, skipFirst)) === 'cancelled') return await cancelled(s, mode, publicPlan, ran, !journal.exists, log);
      const durationMs = Date.now() - started;
      await tx.checkScriptKept(p.name);
      if (p.action === 'apply') {
        await recordScript(s, journalName, { scriptName: p.name, contentHash: p.sha256, release: options.release ?? null, durationMs, applied: new Date() });
      }
      await tx.commitScript();
      ran.push(p.name);
      const done = artifact(p, p.action === 'apply' ? 'applied' : 'ran (always)');
      // In step mode nothing is applied until the final COMMIT, so the report must not claim it earlier.
      tx.applied(done, report);
      log('info', `${p.name} done in ${durationMs} ms${mode === 'step' ? " (commits with the step's transaction)" : ''}.`);
    }
    await tx.commitStep(toRun.length, report);
    currentScript = '';
    emit({ type: 'progress', stepId, percent: 100, item: `${toRun.length} script${toRun.length === 1 ? '' : 's'} run` });
    return { outcome: 'succeeded', plan: publicPlan, ran, journalTableCreated: !journal.exists };
  } catch (error) {
    // An immediate cancel can also land on a journal insert or a COMMIT: still a cancel, not a failure.
    if (error instanceof SqlRequestFailure && error.cancelled && session) {
      return await cancelled(session, mode, planSoFar, ranSoFar, false, log);
    }
    if (error instanceof SqlRequestFailure) {
      throw new AppError('SQL_REQUEST_FAILED', redact(`A request on ${session?.target ?? 'the server'} failed: ${error.message}`), 'Check the server log and the connection, then retry the step.', { driverCode: error.driverCode });
    }
    throw error;
  } finally {
    options.cancel?.immediate?.removeEventListener('abort', onImmediate);
    await session?.close().catch(() => undefined);
  }
}

async function cancelled(
  s: SqlSession,
  mode: TransactionMode,
  plan: PlannedScript[],
  ran: string[],
  created: boolean,
  log: (level: 'warn', message: string) => void,
): Promise<RunSqlScriptsResult> {
  if (mode !== 'none' && s.isOpen && (await s.transactionOpen())) {
    await s.rollback().catch(() => undefined);
    log('warn', 'Cancelled: the open transaction was rolled back.');
  } else log('warn', mode === 'none' ? 'Cancelled: the script that was running may be partly applied (transaction mode none).' : 'Cancelled.');
  // In step mode the rollback undid every script of the step.
  return { outcome: 'cancelled', plan, ran: mode === 'step' ? [] : ran, journalTableCreated: created };
}

function artifact(p: PlannedScript, action: string, detail?: string): StepArtifact {
  return { kind: 'script', name: p.name, action, sha256: p.sha256, ...(detail ? { detail } : {}) };
}

