/**
 * deploy.resume: an interrupted deployment (no deployment-finished, nobody holds its lock) continued
 * in this process. The journal says what earlier sessions finished; the new session is journaled as
 * interrupted + deployment-started (resumedFrom) + preflight and starts at the first unfinished step.
 * A `transaction: none` script the crash left part-way is never re-run silently: the operator's
 * answer is required, journaled, and given to that step (or ends the deployment as aborted).
 */
import { AppError } from '../../common/errors';
import type { JournalEvent, RestorePoint } from '../../common/journal-events';
import { finishedStepIds, foldJournal, unfinishedStepId } from '../../common/journal-fold';
import { JournalWriter, readJournal } from '../journal/journal-file';
import type { FailurePolicy } from './decision-bridge';
import { summarize } from './deployment-index';
import { prepareInputs } from './deployment-inputs';
import { acquireDeploymentLock, liveLockHolder, type DeploymentLock } from './deployment-lock';
import { blockedError, preflightWith, throwOnSecretsProblem } from './deployment-planning';
import { existingJournalPath } from './deployment-queries';
import { checkInterruptedAnswer, findInterruptedScript, interruptedScriptError, type InterruptedScript, type InterruptedScriptAnswer } from './interrupted-script';
import type { ManagerContext } from './manager-context';
import { launchRun } from './run-launcher';
import { readRunRecord } from './run-record';
import { startedEvent } from './started-event';

export interface ResumeOptions {
  operator?: string;
  /**
   * The answer for a `transaction: none` script the crash left part-way. Without it such a resume is
   * refused with DEPLOY_SCRIPT_INTERRUPTED (main/deploy/interrupted-script.ts).
   */
  onInterrupted?: InterruptedScriptAnswer;
  onFailure?: FailurePolicy;
  confirmManualChecks?: boolean;
  /**
   * Nobody can answer a question during the run (a CLI without a terminal, or --yes): a failed backup is
   * then the step's failure (the failure policy decides) and an unconfirmed manual check fails, instead
   * of the run waiting for an answer that cannot come.
   */
  unattended?: boolean;
}

/** The journal of a deployment that can be resumed now; the refusal (not found, still running, finished…) otherwise. */
function readResumable(ctx: ManagerContext, deploymentId: string): { path: string; events: JournalEvent[] } {
  const path = existingJournalPath(ctx, deploymentId);
  if (ctx.active.has(deploymentId) || liveLockHolder(ctx.dataDir)?.deploymentId === deploymentId) {
    throw new AppError('DEPLOY_STILL_RUNNING', `Deployment ${deploymentId} is still running; it cannot be resumed.`, 'Wait for it, or cancel it from the window or terminal that runs it.', { deploymentId });
  }
  const { events } = readJournal(path);
  const summary = summarize(events[0], events, undefined);
  if (!summary) throw new AppError('DEPLOY_JOURNAL_INVALID', `The journal of ${deploymentId} does not start with deployment-started.`, 'The journal is damaged; send it to the vendor.', { deploymentId });
  if (summary.state !== 'interrupted') {
    throw new AppError('DEPLOY_NOT_INTERRUPTED', `Deployment ${deploymentId} already finished (${summary.state}); there is nothing to resume.`, 'Start a new deployment of the drop instead.', { deploymentId, state: summary.state });
  }
  return { path, events };
}

export async function resumeDeployment(ctx: ManagerContext, deploymentId: string, opts: ResumeOptions): Promise<{ deploymentId: string }> {
  const { dataDir, emit } = ctx;
  const { path, events } = readResumable(ctx, deploymentId);
  // A script without a transaction that stopped part-way is never run again silently: the operator chooses.
  const cut = findInterruptedScript(events);
  const answer = cut ? (opts.onInterrupted ? checkInterruptedAnswer(opts.onInterrupted) : undefined) : undefined;
  if (cut && !answer) throw interruptedScriptError(deploymentId, cut);
  const record = readRunRecord(dataDir, deploymentId, events);
  const drop = ctx.drops.get(record.dropId);
  const lock = acquireDeploymentLock(dataDir, deploymentId);
  try {
    const inputs = await prepareInputs(drop, record.tenantId, ctx.tenants);
    throwOnSecretsProblem(inputs);
    const checks = await preflightWith(ctx, drop, inputs, record.skipUnsupported);
    if (checks.blocked) throw blockedError(checks);
    const operator = opts.operator?.trim() || record.operator;

    // What earlier sessions finished (succeeded, or skipped for any reason) and where to pick up, from the one fold.
    const before = foldJournal(events);
    const done = finishedStepIds(before);
    const attempts = new Map(before.steps.filter((s) => s.attempts > 0).map((s) => [s.id, s.attempts]));
    const unfinished = unfinishedStepId(before);
    const next = drop.steps.find((s) => !done.has(s.id));
    const journal = JournalWriter.open(path, inputs.redactor);
    const lastSeq = journal.lastSeq;
    // A run that had already stopped (failed, aborted, cancelled) resumes its clean-up only: the runner keeps
    // the stop (journal fold), so no step of the release itself runs again. The note must say that too.
    const stoppedAs = before.stopped?.outcome;
    const stepId = stoppedAs ? before.steps.find((s) => s.cleanup && (s.status === 'running' || s.status === 'interrupted'))?.id : (unfinished ?? next?.id);
    const note = stoppedAs
      ? `The deployment had already stopped (${stoppedAs}) when the process ended${stepId ? `, during its clean-up step ${stepId}` : ''}; only the clean-up steps that did not finish run now.`
      : stepId
        ? `The deployment stopped without finishing (process ended or machine lost power) during or before step ${stepId}; resumed from that step.`
        : 'The deployment stopped without finishing; resumed.';
    const interrupted = journal.append({ type: 'interrupted', detectedAt: new Date().toISOString(), lastSeq, ...(stepId ? { stepId } : {}), note });
    emit('journal', { deploymentId, event: interrupted });
    const restarted = journal.append(startedEvent(ctx, { id: deploymentId, drop, tenantId: record.tenantId, operator, inputs, resumedFrom: deploymentId }));
    emit('journal', { deploymentId, event: restarted });
    const preflightEvent = journal.append({ type: 'preflight', checks: checks.checks });
    emit('journal', { deploymentId, event: preflightEvent });
    let choiceEvent: JournalEvent | undefined;
    if (cut && answer) {
      choiceEvent = journalChoice(ctx, deploymentId, journal, cut, answer, operator);
      if (answer.choice === 'abort') {
        abortOnResume(ctx, { deploymentId, journal, lock, cut, operator, firstAt: events[0]!.at });
        return { deploymentId };
      }
    }
    launchRun(ctx, {
      id: deploymentId,
      drop,
      tenantId: record.tenantId,
      inputs,
      journal,
      lock,
      operator,
      startedAtMs: Date.parse(events[0]!.at),
      done,
      attempts,
      journalState: foldJournal([...events, interrupted, restarted, preflightEvent, ...(choiceEvent ? [choiceEvent] : [])]),
      skipUnsupported: record.skipUnsupported,
      earlierBackups: journaledBackups(events),
      onFailure: opts.onFailure ?? { kind: 'ask' },
      confirmManualChecks: opts.confirmManualChecks ?? false,
      unattended: opts.unattended ?? false,
      ...(cut && answer && answer.choice !== 'abort'
        ? { resumeScript: { stepId: cut.stepId, script: cut.script, choice: answer.choice, appliedBatches: cut.appliedBatches, ...(answer.reason ? { reason: answer.reason } : {}) } }
        : {}),
    });
    return { deploymentId };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Journals the operator's answer for the script the crash left part-way (the report shows it). */
function journalChoice(
  ctx: ManagerContext,
  deploymentId: string,
  journal: JournalWriter,
  cut: InterruptedScript,
  answer: InterruptedScriptAnswer,
  operator: string,
): JournalEvent {
  const event = journal.append({
    type: 'interrupted-script',
    stepId: cut.stepId,
    script: cut.script,
    appliedBatches: cut.appliedBatches,
    ...(cut.inFlightBatch ? { inFlightBatch: cut.inFlightBatch } : {}),
    of: cut.of,
    choice: answer.choice,
    ...(answer.reason ? { reason: answer.reason } : {}),
    by: operator,
  });
  ctx.emit('journal', { deploymentId, event });
  return event;
}

/** Nothing runs: the deployment ends here as aborted, with the choice on record. */
function abortOnResume(
  ctx: ManagerContext,
  args: { deploymentId: string; journal: JournalWriter; lock: DeploymentLock; cut: InterruptedScript; operator: string; firstAt: string },
): void {
  const { deploymentId, journal, cut, operator } = args;
  ctx.emit('journal', { deploymentId, event: journal.append({ type: 'decision', stepId: cut.stepId, decision: 'abort', reason: `Interrupted in ${cut.script}; aborted on resume`, by: operator }) });
  ctx.emit('journal', { deploymentId, event: journal.append({ type: 'deployment-finished', outcome: 'aborted', durationMs: Math.max(0, Date.now() - Date.parse(args.firstAt)) }) });
  journal.close();
  args.lock.release();
  ctx.emit('deployment-state', { deploymentId, state: 'aborted' });
}

/** The backups before change (taken or skipped) the journal holds, so the resumed run does not take them again. */
function journaledBackups(events: readonly JournalEvent[]): RestorePoint[] {
  const out: RestorePoint[] = [];
  for (const e of events) if (e.type === 'artifact' && e.artifact.kind === 'backup' && e.artifact.restore?.database) out.push(e.artifact.restore);
  return out;
}
