/**
 * The bridge between a running deployment and its operator: a failed step or a manual check becomes
 * a pending decision that waits for deploy.decide (the UI, a CLI prompt), unless the run's failure
 * policy (the CLI's --on-failure, --yes) answers it at once. Kept apart from the run's launch so the
 * rules of who may answer what, and how, read in one place.
 */
import type { PendingDecision } from '../../common/contract';
import { AppError } from '../../common/errors';
import type { Redactor } from '../variables/redactor';
import type { ConfirmAnswer } from '../steps/step-executor';
import type { DecisionAnswer, RunHooks } from './runner';

/** What a non-interactive run does when a step fails. 'ask' waits for decide() (the UI). */
export type FailurePolicy = { kind: 'ask' } | { kind: 'fail' } | { kind: 'abort' } | { kind: 'skip'; reason: string } | { kind: 'retry'; times: number };

/** A pending decision as the manager keeps it: a failed step, or a manual check awaiting confirmation. */
export interface PendingDecisionView extends PendingDecision {
  kind: 'failure' | 'confirm';
}

/** The decisions an operator can send; 'confirm' only answers a manual check. */
export type OperatorDecision = 'retry' | 'skip' | 'abort' | 'confirm';

/**
 * The part of a running deployment the bridge reads and writes: the question asked and the way to
 * answer it. A structural slice (not the manager's whole run record) so this file needs nothing of it.
 */
export interface DecisionSlot {
  state: 'running' | 'awaiting-decision';
  pending?: PendingDecisionView;
  answer?: (decision: OperatorDecision, reason: string | undefined, by: string) => void;
  operator: string;
}

/** The answer the failure policy gives without asking, or undefined when the operator must be asked. */
export function failureAnswer(policy: FailurePolicy, retriesUsed: Map<string, number>, operator: string) {
  return (pending: PendingDecision): DecisionAnswer | undefined => {
    switch (policy.kind) {
      case 'ask':
        return undefined;
      case 'fail':
        return { decision: 'fail' };
      case 'abort':
        return { decision: 'abort', by: `${operator} (--on-failure abort)` };
      case 'skip':
        return { decision: 'skip', reason: policy.reason, by: `${operator} (--on-failure skip)` };
      case 'retry': {
        const used = retriesUsed.get(pending.stepId) ?? 0;
        if (used >= policy.times) return { decision: 'fail' };
        retriesUsed.set(pending.stepId, used + 1);
        return { decision: 'retry', by: `${operator} (--on-failure retry:${policy.times})` };
      }
    }
  };
}

/** How the hooks reach the run they serve. */
export interface OperatorHookArgs {
  run: DecisionSlot;
  /** Sets the run's state and tells the listeners (with the pending decision while waiting). */
  setState(state: DecisionSlot['state'], pending?: PendingDecisionView): void;
  onFailure: FailurePolicy;
  confirmManualChecks: boolean;
  /** Nobody can answer during the run (see StartOptions.unattended). */
  unattended: boolean;
  operator: string;
  redactor: Redactor;
}

/** The runner's decide and confirm hooks for one run: the policy first, then the operator. */
export function operatorHooks(args: OperatorHookArgs): Pick<RunHooks, 'decide' | 'confirm'> {
  const { run, setState } = args;
  const policy = failureAnswer(args.onFailure, new Map<string, number>(), args.operator);
  const waitForOperator = (pending: PendingDecisionView) =>
    new Promise<{ decision: OperatorDecision; reason: string | undefined; by: string }>((resolve) => {
      run.answer = (decision, reason, by) => {
        delete run.answer;
        resolve({ decision, reason, by });
      };
      setState('awaiting-decision', pending);
    });
  return {
    decide: async (pending) => {
      const automatic = policy(pending);
      if (automatic) return automatic;
      const got = await waitForOperator({ ...pending, kind: 'failure' });
      if (got.decision === 'confirm') return { decision: 'retry', by: got.by };
      return { decision: got.decision, ...(got.reason ? { reason: got.reason } : {}), by: got.by };
    },
    confirm: async (stepId, instructions, about = 'manual-check'): Promise<ConfirmAnswer> => {
      // --yes confirms manual checks before the run; it says nothing about a backup that failed.
      if (about === 'manual-check' && args.confirmManualChecks) return { answer: 'confirmed', by: args.operator, inAdvance: true };
      // Nobody to ask: the question is not left waiting for ever. The step fails, and the failure policy decides.
      if (args.unattended) return { answer: 'unanswered', why: about === 'backup-failed' ? 'nobody can answer at this terminal (no TTY, or --yes)' : 'the check was not confirmed (no TTY and no --yes)' };
      const message = args.redactor.redact(instructions);
      const got = await waitForOperator({
        stepId,
        kind: 'confirm',
        about,
        error:
          about === 'backup-failed'
            ? { code: 'BACKUP_FAILED', message, hint: 'Fix the cause (folder, permission, space) and retry the backup; or skip the backup with a reason, and the step runs WITHOUT one; or abort: nothing has been changed.' }
            : { code: 'MANUAL_CHECK', message, hint: 'Do what the instruction says, then confirm. Or skip it with a reason, or abort the deployment.' },
      });
      setState('running');
      if (got.decision === 'skip') return { answer: 'skip', reason: got.reason ?? '', by: got.by };
      if (got.decision === 'abort') return { answer: 'abort', by: got.by };
      return { answer: 'confirmed', by: got.by };
    },
  };
}

/**
 * deploy.decide: checks the operator's answer against the question the run is waiting on, then hands
 * it over. `run` is undefined when the deployment is not running in this process.
 */
export function answerDecision(
  deploymentId: string,
  run: DecisionSlot | undefined,
  stepId: string,
  decision: OperatorDecision,
  reason: string | undefined,
  by: string | undefined,
): void {
  if (!run) throw new AppError('DEPLOY_NOT_RUNNING', `Deployment ${deploymentId} is not running in this window.`, 'Refresh the Run screen; the deployment may have finished.', { deploymentId });
  const pending = run.pending;
  if (!pending || !run.answer || pending.stepId !== stepId) {
    throw new AppError('DEPLOY_NO_DECISION_PENDING', `Deployment ${deploymentId} is not waiting for a decision on step ${stepId}.`, 'Refresh the Run screen: the decision may have been made already.', { deploymentId, stepId });
  }
  if (decision === 'skip' && !(reason ?? '').trim()) throw new AppError('DEPLOY_SKIP_REASON_REQUIRED', 'A skip needs a reason; it is recorded in the report.', 'Say why the step can be skipped (e.g. "done by hand by the DBA, change CHG-1182").', { stepId });
  // Retrying a failed backup is what its 'confirm' means; a manual check has nothing to retry.
  if (pending.kind === 'confirm' && pending.about === 'backup-failed' && decision === 'retry') decision = 'confirm';
  if (pending.kind === 'confirm' && decision === 'retry') throw new AppError('DEPLOY_DECISION_INVALID', `Step ${stepId} is a manual check: confirm it, skip it with a reason, or abort.`, 'Use confirm, skip or abort.', { stepId });
  if (pending.kind === 'failure' && decision === 'confirm') throw new AppError('DEPLOY_DECISION_INVALID', `Step ${stepId} failed: retry it, skip it with a reason, or abort.`, 'Use retry, skip or abort.', { stepId });
  run.answer(decision, reason?.trim() || undefined, by?.trim() || run.operator);
}
