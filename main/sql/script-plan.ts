/**
 * The plan half of a sql-scripts step: what each selected script is (apply, run always, already applied,
 * changed since applied) against the journal table, with every script to run split (and its variables
 * resolved) before anything is sent. Split out of script-runner.ts, which runs the plan.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../common/errors';
import type { SqlBatch } from './batch-splitter';
import { hashFile, scanSqlFile, streamSqlFile, type SplitFileOptions } from './script-file';
import type { PlannedAction, PlannedScript, RunSqlScriptsOptions } from './script-runner';
import type { SelectedScript } from './script-selection';

export interface PreparedScript extends PlannedScript {
  script: SelectedScript;
  /** Each iteration reads the script again (streamSqlFile), checked against what the plan read. */
  batches: Iterable<SqlBatch>;
}

/** A selected script with the hash the plan and the journal table compare; inline SQL hashes its text. */
export function hashSelected(script: SelectedScript, inline: RunSqlScriptsOptions['inline']): { script: SelectedScript; sha256: string } {
  return { script, sha256: inline ? createHash('sha256').update(inline.text, 'utf8').digest('hex') : hashScript(script) };
}

/** Decides each script's action from the journal table's entries, splitting (only) those that will run. */
export function planScripts(
  files: Array<{ script: SelectedScript; sha256: string }>,
  applied: Map<string, { contentHash?: string | null }>,
  options: RunSqlScriptsOptions,
  warn: (message: string) => void,
): PreparedScript[] {
  const plan: PreparedScript[] = [];
  for (const f of files) {
    const previous = applied.get(f.script.name.toLowerCase());
    let action: PlannedAction;
    if (f.script.runAlways) action = 'run-always';
    else if (!previous) action = 'apply';
    else if (previous.contentHash && previous.contentHash.toLowerCase() !== f.sha256) action = 'skip-drift';
    else action = 'skip-applied';
    const { batches, batchCount } = action === 'apply' || action === 'run-always' ? prepareBatches(f, options.inline, options, warn) : { batches: [], batchCount: 0 };
    plan.push({ name: f.script.name, action, sha256: f.sha256, batchCount, script: f.script, batches });
  }
  return plan;
}

/** The dry-run line for one planned script. */
export function plannedLine(p: PlannedScript): string {
  const what = p.action === 'apply' ? 'would apply' : p.action === 'run-always' ? 'would run (always)' : p.action === 'skip-drift' ? 'skipped (changed since applied)' : 'skipped (already applied)';
  return `${what}: ${p.name}${p.batchCount ? ` (${p.batchCount} batches)` : ''}`;
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
