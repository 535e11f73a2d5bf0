/**
 * The core of the `sql-scripts` step: pick the package's scripts, compare them with the journal
 * table in the target database, and run what is pending on ONE connection, batch by batch, with a
 * transaction per script (default), per step, or none. Every script is split (and every variable
 * resolved) before the first batch is sent, so a typo in a variable name never leaves a database
 * half-deployed. Splitting streams: the plan reads each script once to count and check its batches
 * without keeping them, and the run reads it again batch by batch, refusing a file that changed in
 * between (SQL_SCRIPT_CHANGED), so memory follows the largest batch, not the largest script.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../common/errors';
import type { JournalEventInput, StepArtifact } from '../../common/journal-events';
import { locateBatchLine, type SqlBatch } from './batch-splitter';
import { openSqlSession, SqlRequestFailure, type SqlServerMessage, type SqlSession, type SqlSessionOptions } from './connect';
import type { SqlConnectionSettings } from './connection-settings';
import { ensureJournalTable, parseJournalTableName, readJournal, recordScript } from './journal-table';
import { takeScriptsLock } from './scripts-lock';
import { hashFile, scanSqlFile, streamSqlFile, type SplitFileOptions } from './script-file';
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

interface PreparedScript extends PlannedScript {
  script: SelectedScript;
  /** Each iteration reads the script again (streamSqlFile), checked against what the plan read. */
  batches: Iterable<SqlBatch>;
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
  const files = selected.map((script) => ({ script, sha256: inline ? createHash('sha256').update(inline.text, 'utf8').digest('hex') : hashScript(script) }));

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

    // Decide, then split everything that will run before sending anything.
    const plan: PreparedScript[] = [];
    for (const f of files) {
      const previous = applied.get(f.script.name.toLowerCase());
      let action: PlannedAction;
      if (f.script.runAlways) action = 'run-always';
      else if (!previous) action = 'apply';
      else if (previous.contentHash && previous.contentHash.toLowerCase() !== f.sha256) action = 'skip-drift';
      else action = 'skip-applied';
      const { batches, batchCount } =
        action === 'apply' || action === 'run-always' ? prepareBatches(f, inline, options, (message) => emit({ type: 'warning', stepId, message: redact(message) })) : { batches: [], batchCount: 0 };
      plan.push({ name: f.script.name, action, sha256: f.sha256, batchCount, script: f.script, batches });
    }
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
      for (const p of publicPlan) {
        log('info', `${p.action === 'apply' ? 'would apply' : p.action === 'run-always' ? 'would run (always)' : p.action === 'skip-drift' ? 'skipped (changed since applied)' : 'skipped (already applied)'}: ${p.name}${p.batchCount ? ` (${p.batchCount} batches)` : ''}`);
      }
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
    let doneBatches = 0;
    const ran: string[] = [];
    ranSoFar = ran;
    const pendingArtifacts: StepArtifact[] = [];
    const s = session;

    if (mode === 'step' && toRun.length > 0) await s.beginTransaction();
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
        doneBatches += p.batchCount;
        continue;
      }
      const skipFirst = resume?.choice === 'continue' ? Math.min(resume.appliedBatches, p.batchCount) : 0;
      if (resume) log('info', resume.choice === 'continue' ? `Continuing ${p.name} at batch ${skipFirst + 1} of ${p.batchCount}: batches 1–${skipFirst} were applied before the interruption.` : `Running ${p.name} again from its first batch, as chosen on resume.`);
      if (mode === 'per-script') await s.beginTransaction();
      // Without a transaction every batch commits on its own: the journal records each, so a crash leaves a known position.
      if (mode === 'none') emit({ type: 'script-started', stepId, script: p.name, batches: p.batchCount, sha256: p.sha256 });
      let sent = 0;
      for (const batch of p.batches) {
        for (let r = 0; r < batch.repeat; r++) {
          if (cancelGraceful()) return await cancelled(s, mode, publicPlan, ran, !journal.exists, log);
          sent++;
          if (sent <= skipFirst) {
            emit({ type: 'batch-committed', stepId, script: p.name, batch: sent, of: p.batchCount, file: batch.file, line: batch.firstLine });
            doneBatches++;
            continue;
          }
          emit({ type: 'progress', stepId, percent: Math.floor((doneBatches * 100) / totalBatches), item: `${p.name} — batch ${sent}/${p.batchCount}` });
          try {
            await s.batch(batch.text);
          } catch (error) {
            if (!(error instanceof SqlRequestFailure)) throw error;
            if (error.cancelled) return await cancelled(s, mode, publicPlan, ran, !journal.exists, log);
            const failure = batchError(error, p.name, batch, redact);
            if ((batch.onError === 'ignore' || settings.continueOnError) && error.driverCode === 'EREQUEST') {
              const why = batch.onError === 'ignore' ? 'the script says :on error ignore' : 'the step continues on errors (ContinueOnError)';
              emit({ type: 'warning', stepId, message: `${failure.message} (ignored: ${why})` });
            } else {
              if (mode !== 'none' && s.isOpen && s.inTransaction) {
                await s.rollback().catch(() => undefined);
                log('warn', `Rolled back ${mode === 'step' ? 'the step\'s transaction' : `${p.name}`}.`);
              }
              throw failure;
            }
          }
          if (mode === 'none') emit({ type: 'batch-committed', stepId, script: p.name, batch: sent, of: p.batchCount, file: batch.file, line: batch.firstLine });
          doneBatches++;
        }
      }
      const durationMs = Date.now() - started;
      if (mode !== 'none' && !s.inTransaction) {
        throw new AppError(
          'SQL_TRANSACTION_LOST',
          `${p.name} ended the ${mode === 'step' ? "step's" : "script's"} transaction itself (a COMMIT or ROLLBACK inside the script), so its changes cannot be applied atomically.`,
          'Remove the transaction control from the script, or set the step\'s transaction mode to "none".',
          { script: p.name },
        );
      }
      if (p.action === 'apply') {
        await recordScript(s, journalName, { scriptName: p.name, contentHash: p.sha256, release: options.release ?? null, durationMs, applied: new Date() });
      }
      if (mode === 'per-script') await s.commit();
      ran.push(p.name);
      const done = artifact(p, p.action === 'apply' ? 'applied' : 'ran (always)');
      // In step mode nothing is applied until the final COMMIT, so the report must not claim it earlier.
      if (mode === 'step') pendingArtifacts.push(done);
      else emit({ type: 'artifact', stepId, artifact: done });
      log('info', `${p.name} done in ${durationMs} ms${mode === 'step' ? " (commits with the step's transaction)" : ''}.`);
    }
    if (mode === 'step' && toRun.length > 0) {
      if (!s.inTransaction) {
        throw new AppError('SQL_TRANSACTION_LOST', "A script ended the step's transaction itself (a COMMIT or ROLLBACK inside a script).", 'Remove the transaction control from the scripts, or set the transaction mode to "none".');
      }
      await s.commit();
      for (const a of pendingArtifacts) emit({ type: 'artifact', stepId, artifact: a });
    }
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
  if (mode !== 'none' && s.isOpen && s.inTransaction) {
    await s.rollback().catch(() => undefined);
    log('warn', 'Cancelled: the open transaction was rolled back.');
  } else log('warn', mode === 'none' ? 'Cancelled: the script that was running may be partly applied (transaction mode none).' : 'Cancelled.');
  // In step mode the rollback undid every script of the step.
  return { outcome: 'cancelled', plan, ran: mode === 'step' ? [] : ran, journalTableCreated: created };
}

function artifact(p: PlannedScript, action: string, detail?: string): StepArtifact {
  return { kind: 'script', name: p.name, action, sha256: p.sha256, ...(detail ? { detail } : {}) };
}

/**
 * The batches of a script that will run: split once now, without keeping them, for the count and so
 * that every splitting error is raised before anything is sent; split again, streamed, when sent.
 */
function prepareBatches(
  f: { script: SelectedScript; sha256: string },
  inline: RunSqlScriptsOptions['inline'],
  options: RunSqlScriptsOptions,
  warn: (message: string) => void,
): { batches: Iterable<SqlBatch>; batchCount: number } {
  if (inline) return { batches: inlineBatches(inline), batchCount: inline.text.trim() === '' ? 0 : 1 };
  const split: SplitFileOptions = { packageRoot: options.packageRoot!, displayName: f.script.name, ...(options.variables ? { variables: options.variables } : {}) };
  const scan = scanSqlFile(f.script.path, split);
  if (scan.sha256 !== f.sha256) {
    throw new AppError('SQL_SCRIPT_CHANGED', `${f.script.name} changed on disk while the step was being planned.`, 'Nothing may edit the drop while it deploys; retry the step.', { script: f.script.name });
  }
  for (const w of scan.warnings) warn(`${w.file} line ${w.line}: ${w.message}`);
  const file = f.script.path;
  return { batchCount: scan.batchCount, batches: { [Symbol.iterator]: () => streamSqlFile(file, { ...split, expect: scan }) } };
}

/** Inline SQL as the one batch it is sent as; a blank script sends nothing. */
function inlineBatches(inline: { name: string; text: string }): SqlBatch[] {
  if (inline.text.trim() === '') return [];
  const lines = inline.text.split(/\r?\n/);
  return [{ index: 1, text: inline.text, file: inline.name, firstLine: 1, lastFile: inline.name, lastLine: lines.length, repeat: 1, onError: 'exit', lineMap: [{ textLine: 1, file: inline.name, line: 1 }] }];
}

function hashScript(script: SelectedScript): string {
  try {
    return hashFile(script.path);
  } catch (error) {
    const errno = error instanceof AppError ? error.details?.errno : (error as NodeJS.ErrnoException).code;
    throw new AppError('SQL_SCRIPT_UNREADABLE', `The script ${script.name} cannot be read (${typeof errno === 'string' ? errno : 'error'}).`, 'Check that the drop was extracted completely.', { script: script.name });
  }
}

/** SQL_BATCH_FAILED naming the file, batch, file line, and the server's number/class/state/message. */
function batchError(error: SqlRequestFailure, scriptName: string, batch: SqlBatch, redact: (s: string) => string): AppError {
  const first: SqlServerMessage | undefined = error.errors[0];
  if (!first) {
    return new AppError(
      'SQL_BATCH_FAILED',
      redact(`${scriptName} batch ${batch.index} (lines ${batch.firstLine}-${batch.lastLine}) failed: ${error.message}`),
      error.driverCode === 'ETIMEOUT' ? 'The batch ran longer than the step\'s command timeout; raise or remove the timeout.' : 'The connection failed while the batch ran; check the server and retry the step.',
      { file: scriptName, batch: batch.index, line: batch.firstLine, driverCode: error.driverCode },
    );
  }
  // Inside a called procedure the server's line is the procedure's, not the batch's.
  const inProcedure = Boolean(first.procName);
  const where = inProcedure ? { file: batch.file, line: batch.firstLine } : locateBatchLine(batch, Math.max(1, first.lineNumber));
  const message = redact(
    `${where.file} line ${where.line} (batch ${batch.index}): Msg ${first.number}, Level ${first.class}, State ${first.state}${inProcedure ? `, Procedure ${first.procName}, Line ${first.lineNumber}` : ''}: ${first.message}`,
  );
  return new AppError('SQL_BATCH_FAILED', message, hintFor(first), {
    file: where.file,
    script: scriptName,
    batch: batch.index,
    line: where.line,
    number: first.number,
    class: first.class,
    state: first.state,
    ...(first.procName ? { procedure: first.procName } : {}),
    ...(error.errors.length > 1 ? { more: error.errors.slice(1).map((e) => ({ number: e.number, class: e.class, state: e.state, line: e.lineNumber, message: redact(e.message) })) } : {}),
  });
}

function hintFor(e: SqlServerMessage): string {
  if (e.number === 208) return 'An object the script uses does not exist: check that earlier scripts ran and that the step targets the right database.';
  if (e.number === 229 || e.number === 262 || e.number === 297 || e.number === 300) return 'The login lacks a permission the script needs; ask hospital IT for the rights listed in the release notes.';
  if (e.number === 1205) return 'The batch was chosen as a deadlock victim; retry the step.';
  if (e.number === 574 || e.number === 226) return 'This statement cannot run inside a transaction; set the step\'s transaction mode to "none".';
  return 'Fix the script or the database state, then retry the step; the script\'s changes were rolled back unless the transaction mode is "none".';
}
