/**
 * The `sql-scripts` step: an adapter from drop.json settings to the SQL engine's script runner
 * (main/sql/script-runner.ts), which owns the journal table, batching, transactions and cancel.
 */
import type { DryRunItem } from '../../common/contract';
import { AppError } from '../../common/errors';
import { runSqlScripts, type SqlScriptsSettings, type TransactionMode } from '../sql/script-runner';
import { probeSqlTarget, settingsCheck } from './sql-probe';
import type { StepContext, StepExecutor } from './step-executor';
import { parseBooleanValue } from '../variables/validate-value';
import { optionalString, settingsError, stepConnection, stringMap } from './step-settings';

const GLOB = /[*?]/;

/** Turns the manifest's settings into the runner's: `scripts` entries with wildcards are include patterns. */
export function toSqlScriptsSettings(settings: Record<string, unknown>, stepId: string): SqlScriptsSettings {
  const out: SqlScriptsSettings = {};
  const list = (key: string): string[] | undefined => {
    const v = settings[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw settingsError(stepId, key, 'is not a list of paths or patterns', `Write "${key}": ["*.sql"].`);
    return v as string[];
  };
  const scripts = list('scripts');
  if (scripts && scripts.length > 0) {
    if (scripts.some((s) => GLOB.test(s))) out.include = scripts;
    else out.scripts = scripts;
  }
  const include = list('include');
  if (include) out.include = [...(out.include ?? []), ...include];
  const exclude = list('exclude');
  if (exclude) out.exclude = exclude;
  const runAlways = list('runAlways');
  if (runAlways) out.runAlways = runAlways;
  const journalTable = optionalString(settings, 'journalTable');
  if (journalTable) out.journalTable = journalTable;
  const transaction = optionalString(settings, 'transaction');
  if (transaction) {
    if (!['per-script', 'step', 'none'].includes(transaction)) throw settingsError(stepId, 'transaction', `is "${transaction}"`, 'Use per-script, step or none.');
    out.transaction = transaction as TransactionMode;
  }
  const drift = optionalString(settings, 'drift');
  if (drift === 'warn' || drift === 'error') out.drift = drift;
  const continueOnError = settings.continueOnError;
  if (continueOnError !== undefined) {
    const flag = typeof continueOnError === 'boolean' ? continueOnError : typeof continueOnError === 'string' ? parseBooleanValue(continueOnError) : undefined;
    if (flag === undefined) throw settingsError(stepId, 'continueOnError', `is "${String(continueOnError)}"`, 'Use true or false.');
    if (flag) out.continueOnError = true;
  }
  return out;
}

function transactionalText(mode: TransactionMode | undefined): string {
  if (mode === 'step') return 'the whole step in one transaction';
  if (mode === 'none') return 'none (scripts run without a transaction)';
  return 'each script in its own transaction';
}

/** Where the step's SQL comes from: the package's files, or SQL written in the step (`sql`, from Octopus's "SQL - Execute Script"). */
function scriptSource(ctx: StepContext): { packageRoot: string } | { inline: { name: string; text: string } } {
  const sql = ctx.settings.sql;
  if (sql !== undefined) {
    if (typeof sql !== 'string') throw settingsError(ctx.step.id, 'sql', 'is not text', 'Write the SQL as one string.');
    return { inline: { name: optionalString(ctx.settings, 'scriptName') ?? `${ctx.step.name} (inline SQL)`, text: sql } };
  }
  if (!ctx.packageRoot) throw new AppError('STEP_SETTINGS_INVALID', `Step ${ctx.step.id} has no package folder with its scripts.`, 'Set the step\'s "package" to the folder that holds the .sql files.', { stepId: ctx.step.id });
  return { packageRoot: ctx.packageRoot };
}

/** The sql-scripts executor. */
export const sqlScriptsExecutor: StepExecutor = {
  type: 'sql-scripts',
  transactional: (settings) => {
    const t = settings.transaction;
    return transactionalText(t === 'step' || t === 'none' || t === 'per-script' ? t : undefined);
  },

  async plan(ctx) {
    const settings = toSqlScriptsSettings(ctx.settings, ctx.step.id);
    const result = await runSqlScripts({
      stepId: ctx.step.id,
      ...scriptSource(ctx),
      connection: stepConnection(ctx.settings, ctx.step.id),
      settings,
      variables: stringMap(ctx.settings, ctx.step.id, 'variables'),
      release: ctx.release,
      dryRun: true,
      redact: (s) => ctx.redactor.redact(s),
    });
    const items: DryRunItem[] = result.plan.map((p) => ({
      label: p.name,
      action: p.action === 'apply' ? 'will run' : p.action === 'run-always' ? 'will run (every deployment)' : p.action === 'skip-drift' ? 'changed since applied — not run' : 'already applied — not run',
      detail: `sha256 ${p.sha256}${p.batchCount ? `, ${p.batchCount} batches` : ''}`,
    }));
    const pending = result.plan.filter((p) => p.action === 'apply' || p.action === 'run-always');
    const applied = result.plan.filter((p) => p.action === 'skip-applied' || p.action === 'skip-drift');
    return {
      summary: `${pending.length} of ${result.plan.length} script${result.plan.length === 1 ? '' : 's'} to run${applied.length ? `, ${applied.length} already applied` : ''}.`,
      items,
      transactional: transactionalText(settings.transaction),
      detail: {
        scriptsPending: pending.map((p) => ({ name: p.name, sha256: p.sha256 })),
        scriptsAlreadyApplied: applied.map((p) => ({ name: p.name, sha256: p.sha256 })),
        warnings: result.plan.filter((p) => p.action === 'skip-drift').map((p) => `${p.name} changed after it was applied; it will not run again.`),
      },
    };
  },

  async preflight(ctx) {
    const redact = (s: string) => ctx.redactor.redact(s);
    let connection;
    try {
      toSqlScriptsSettings(ctx.settings, ctx.step.id);
      connection = stepConnection(ctx.settings, ctx.step.id);
    } catch (error) {
      return [settingsCheck(ctx.step.id, error, redact)];
    }
    return probeSqlTarget(ctx.step.id, connection, [
      { permission: 'CREATE TABLE', why: 'the journal table and schema changes' },
      { permission: 'ALTER', why: 'changing existing objects' },
    ], redact);
  },

  async run(ctx) {
    const result = await runSqlScripts({
      stepId: ctx.step.id,
      ...scriptSource(ctx),
      connection: stepConnection(ctx.settings, ctx.step.id),
      settings: toSqlScriptsSettings(ctx.settings, ctx.step.id),
      variables: stringMap(ctx.settings, ctx.step.id, 'variables'),
      release: ctx.release,
      onEvent: (e) => ctx.emit(e),
      redact: (s) => ctx.redactor.redact(s),
      cancel: { graceful: ctx.signals.graceful, immediate: ctx.signals.immediate },
      ...(ctx.resumeScript ? { resumeScript: ctx.resumeScript } : {}),
    });
    return { outcome: result.outcome };
  },
};
