/**
 * A script a crash left part-way. With `transaction: none` every batch commits on its own, so a
 * resume that simply runs the step again would send the batches that already ran a second time
 * (an INSERT twice, an ALTER that now fails). The script runner journals `script-started` and one
 * `batch-committed` per batch in that mode; from them this file tells which batches are known
 * applied and which one was in flight, and the resume asks the operator what to do instead of
 * guessing: continue from the in-flight batch, rerun the script, skip the rest of it, or abort.
 */
import { AppError } from '../../common/errors';
import type { InterruptedScriptChoice, JournalEvent } from '../../common/journal-events';

/** What the journal proves about the interrupted script (the contract's `deploy.interruptedScript` result). */
export interface InterruptedScript {
  stepId: string;
  script: string;
  /** Batches the script sends in all. */
  of: number;
  /** Batches 1..appliedBatches came back from the server before the crash. */
  appliedBatches: number;
  /** Where each applied batch starts in its file. */
  applied: Array<{ batch: number; file: string; line: number }>;
  /** The batch that was sent when the process died: it may or may not have been applied. Absent when every batch came back. */
  inFlightBatch?: number;
}

/** The operator's answer; a skip needs a reason. */
export interface InterruptedScriptAnswer {
  choice: InterruptedScriptChoice;
  reason?: string;
}

export const INTERRUPTED_CHOICES: readonly InterruptedScriptChoice[] = ['continue', 'rerun', 'skip', 'abort'];

/**
 * The script the last session left part-way, if any: its last `script-started` with no artifact for
 * that script (done, or skipped) and no end of its step or of the deployment after it.
 */
export function findInterruptedScript(events: readonly JournalEvent[]): InterruptedScript | undefined {
  let startAt = -1;
  for (let i = events.length - 1; i >= 0; i--) {
    if (events[i]!.type === 'script-started') {
      startAt = i;
      break;
    }
  }
  if (startAt === -1) return undefined;
  const start = events[startAt] as Extract<JournalEvent, { type: 'script-started' }>;
  const same = (name: string) => name.toLowerCase() === start.script.toLowerCase();
  const applied: InterruptedScript['applied'] = [];
  for (const e of events.slice(startAt + 1)) {
    if (e.type === 'artifact' && e.stepId === start.stepId && e.artifact.kind === 'script' && same(e.artifact.name)) return undefined;
    if (e.type === 'step-finished' && e.stepId === start.stepId) return undefined;
    if (e.type === 'deployment-finished') return undefined;
    if (e.type === 'batch-committed' && e.stepId === start.stepId && same(e.script)) applied.push({ batch: e.batch, file: e.file, line: e.line });
  }
  const appliedBatches = applied.reduce((n, b) => Math.max(n, b.batch), 0);
  return {
    stepId: start.stepId,
    script: start.script,
    of: start.batches,
    appliedBatches,
    applied,
    ...(appliedBatches < start.batches ? { inFlightBatch: appliedBatches + 1 } : {}),
  };
}

/** One line for terminals and dialogs: "002_tables.sql: batches 1–2 of 5 applied; batch 3 was running". */
export function describeInterruptedScript(hit: InterruptedScript): string {
  const applied = hit.appliedBatches === 0 ? 'no batch applied' : `batch${hit.appliedBatches === 1 ? '' : 'es'} 1${hit.appliedBatches > 1 ? `–${hit.appliedBatches}` : ''} of ${hit.of} applied`;
  const flight = hit.inFlightBatch ? `; batch ${hit.inFlightBatch} was running when it stopped (it may or may not have been applied)` : '; every batch came back but the script was not recorded as done';
  return `${hit.script} (step ${hit.stepId}): ${applied}${flight}`;
}

/** DEPLOY_SCRIPT_INTERRUPTED: a resume that found a part-way script and was given no choice. */
export function interruptedScriptError(deploymentId: string, hit: InterruptedScript): AppError {
  return new AppError(
    'DEPLOY_SCRIPT_INTERRUPTED',
    `Deployment ${deploymentId} stopped in the middle of a script that runs without a transaction: ${describeInterruptedScript(hit)}.`,
    `Check the database, then resume with --on-interrupted continue (from batch ${hit.inFlightBatch ?? hit.of}), rerun (the whole script again), skip --reason "…" (you finished it by hand), or abort.`,
    { deploymentId, stepId: hit.stepId, script: hit.script, appliedBatches: hit.appliedBatches, of: hit.of, ...(hit.inFlightBatch ? { inFlightBatch: hit.inFlightBatch } : {}) },
  );
}

/** Checks an answer: a known choice, and a reason with skip. INVALID_ARGUMENTS otherwise. */
export function checkInterruptedAnswer(answer: InterruptedScriptAnswer): InterruptedScriptAnswer {
  if (!INTERRUPTED_CHOICES.includes(answer.choice)) {
    throw new AppError('INVALID_ARGUMENTS', `"${String(answer.choice)}" is not a choice for an interrupted script.`, 'Use continue, rerun, skip (with a reason) or abort.');
  }
  const reason = answer.reason?.trim();
  if (answer.choice === 'skip' && !reason) {
    throw new AppError('INVALID_ARGUMENTS', 'Skipping an interrupted script needs a reason (it goes into the journal and the report).', 'Give one with --reason "…", e.g. --reason "finished by hand, see ticket 4411".');
  }
  return { choice: answer.choice, ...(reason ? { reason } : {}) };
}
