/**
 * The one fold from journal events to the state of a deployment and of each of its steps. Resume, the
 * deployments index, the report and the Run screen all read a journal through it, so a rule such as
 * "a release with a step skipped after failing is not a success" lives in exactly one place.
 *
 * Pure and incremental: `foldEvent` returns a new state and never mutates the old one (the Run screen
 * keeps states in React), and returns the same object for events that change nothing it tracks (log
 * lines and progress, by the hundred thousand).
 */
import type { RunCondition } from './drop-model';
import type { DeploymentOutcome, JournalEvent, SkipCause } from './journal-events';

/** What a deployment came to; `interrupted` is a journal without a (current) deployment-finished. */
export type RunOutcome = DeploymentOutcome | 'interrupted';

/** Every outcome, in the order the UI and docs list them. Only `succeeded` is green. */
export const RUN_OUTCOMES: readonly RunOutcome[] = ['succeeded', 'completed-with-skips', 'failed', 'aborted', 'cancelled', 'interrupted'];

/** The words shown for each outcome wherever one is shown (Home, Run screen, CLI, report). */
export const OUTCOME_WORDS: Record<RunOutcome, string> = {
  succeeded: 'Succeeded',
  'completed-with-skips': 'Not fully applied (skipped steps)',
  failed: 'Failed',
  aborted: 'Aborted',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** A step's state: `not-run` until it starts; `interrupted` when a session ended while it ran. */
export type FoldStepStatus = 'not-run' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'interrupted';

export interface FoldAttemptError {
  attempt: number;
  at: string;
  code: string;
  message: string;
  hint: string;
}

export interface FoldStep {
  id: string;
  name: string;
  type: string;
  transactional?: string;
  runCondition: RunCondition;
  status: FoldStepStatus;
  /** The highest attempt number seen (0 before the first start). */
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  /** Every failed attempt's error, oldest first (the guided-failure dialog shows the earlier ones). */
  errors: FoldAttemptError[];
  /** Why and by whom it was skipped, when it was. */
  skip?: { cause: SkipCause; reason: string; by?: string };
  /** It started after the run had stopped (failed, aborted or cancelled): a clean-up step. */
  cleanup: boolean;
}

export interface JournalState {
  lastSeq: number;
  deploymentId?: string;
  startedAt?: string;
  /** deployment-started events seen (2 or more: the deployment was resumed). */
  sessions: number;
  steps: FoldStep[];
  /** The last deployment-finished, unless a later session started after it. */
  finished?: { outcome: DeploymentOutcome; at: string; durationMs: number };
  /** Set when the run stopped early (a step failed with no one to decide, an abort, a cancel); later starts are clean-up. */
  stopped?: { outcome: 'failed' | 'aborted' | 'cancelled'; seq: number };
}

/** The state before any event. */
export function emptyJournalState(): JournalState {
  return { lastSeq: 0, sessions: 0, steps: [] };
}

/** Folds a whole journal. */
export function foldJournal(events: readonly JournalEvent[]): JournalState {
  let state = emptyJournalState();
  for (const e of events) state = foldEvent(state, e);
  return state;
}

/** Older journals wrote an unsupported step's pre-run skip only as this reason text. */
const LEGACY_UNSUPPORTED_REASON = /^Unsupported step, skipped as chosen before the run/;

/** Applies one event; returns `state` itself when the event changes nothing the fold tracks. */
export function foldEvent(state: JournalState, e: JournalEvent): JournalState {
  switch (e.type) {
    case 'deployment-started': {
      const previous = new Map(state.steps.map((s) => [s.id, s]));
      // The listing folds journals it has not validated: a start event without its plan lists no steps, not a crash.
      const steps = (Array.isArray(e.steps) ? e.steps : []).map((s): FoldStep => {
        const base = previous.get(s.id) ?? newStep(s.id, s.name, s.type);
        return { ...base, name: s.name, type: s.type, runCondition: s.runCondition ?? 'success', ...(s.transactional ? { transactional: s.transactional } : {}) };
      });
      // Steps the journal saw that the new session's plan does not list are kept, after the plan's.
      for (const s of state.steps) if (!steps.some((x) => x.id === s.id)) steps.push(s);
      const next: JournalState = { ...state, lastSeq: e.seq, sessions: state.sessions + 1, steps, deploymentId: state.deploymentId ?? e.deploymentId, startedAt: state.startedAt ?? e.at };
      // A resume starts a new session: an earlier finish no longer describes the deployment.
      delete next.finished;
      return next;
    }
    case 'step-started':
      return withStep(state, e, e.stepId, (s) => {
        const { finishedAt: _f, ...rest } = s;
        return { ...rest, status: 'running', attempts: Math.max(s.attempts, e.attempt), startedAt: s.startedAt ?? e.at, cleanup: s.cleanup || state.stopped !== undefined };
      });
    case 'step-finished':
      return withStep(state, e, e.stepId, (s) => {
        const next: FoldStep = { ...s, status: e.outcome, attempts: Math.max(s.attempts, e.attempt), finishedAt: e.at };
        if (e.error) next.errors = [...s.errors, { attempt: e.attempt, at: e.at, ...e.error }];
        if (e.outcome === 'skipped') {
          const cause: SkipCause = e.skip?.cause ?? s.skip?.cause ?? 'operator';
          next.skip = { cause, reason: e.skip?.reason ?? s.skip?.reason ?? '', ...(s.skip?.by ? { by: s.skip.by } : {}) };
        } else if (e.outcome !== 'failed') delete next.skip;
        return next;
      });
    case 'decision': {
      if (e.decision === 'skip') {
        return withStep(state, e, e.stepId, (s) => {
          // A skip decided on a failed step sets its failure aside; one announced before the step's own finish is the operator's (a manual check) or a pre-run skip.
          const afterFailure = s.status === 'failed';
          const cause: SkipCause = afterFailure ? 'after-failure' : LEGACY_UNSUPPORTED_REASON.test(e.reason ?? '') ? 'unsupported' : 'operator';
          return { ...s, ...(afterFailure ? { status: 'skipped' as const } : {}), skip: { cause, reason: e.reason ?? '', by: e.by } };
        });
      }
      if (e.decision === 'abort' && !state.stopped) return { ...state, lastSeq: e.seq, stopped: { outcome: 'aborted', seq: e.seq } };
      return { ...state, lastSeq: e.seq };
    }
    case 'cancel-requested':
      return state.stopped ? { ...state, lastSeq: e.seq } : { ...state, lastSeq: e.seq, stopped: { outcome: 'cancelled', seq: e.seq } };
    case 'run-stopped':
      return { ...state, lastSeq: e.seq, stopped: state.stopped ?? { outcome: e.outcome, seq: e.seq } };
    case 'interrupted': {
      // Whatever was running when the process died did not finish.
      const steps = state.steps.map((s) => (s.status === 'running' ? { ...s, status: 'interrupted' as const } : s));
      return { ...state, lastSeq: e.seq, steps };
    }
    case 'deployment-finished': {
      const steps = e.outcome === 'succeeded' || e.outcome === 'completed-with-skips' ? state.steps : state.steps.map((s) => (s.status === 'running' ? { ...s, status: 'cancelled' as const } : s));
      return { ...state, lastSeq: e.seq, steps, finished: { outcome: e.outcome, at: e.at, durationMs: e.durationMs } };
    }
    default:
      return state.lastSeq === e.seq ? state : { ...state, lastSeq: e.seq };
  }
}

function newStep(id: string, name: string, type: string): FoldStep {
  return { id, name, type, runCondition: 'success', status: 'not-run', attempts: 0, errors: [], cleanup: false };
}

function withStep(state: JournalState, e: JournalEvent, stepId: string, update: (s: FoldStep) => FoldStep): JournalState {
  const index = state.steps.findIndex((s) => s.id === stepId);
  const steps = state.steps.slice();
  // A step the plan did not announce (an older or partial journal) is shown rather than lost.
  if (index === -1) steps.push(update(newStep(stepId, stepId, 'unknown')));
  else steps[index] = update(steps[index]!);
  return { ...state, lastSeq: e.seq, steps };
}

/** Skips that leave part of the release unapplied: a failure set aside, or a step the operator declined. */
export function isUnappliedSkip(step: FoldStep): boolean {
  return step.status === 'skipped' && (step.skip?.cause === 'after-failure' || step.skip?.cause === 'operator');
}

/**
 * The deployment's outcome. A journal that recorded `succeeded` while a step was skipped after failing
 * (journals written before `completed-with-skips` existed) is read as `completed-with-skips`: a partly
 * applied release never reads as a success.
 */
export function runOutcome(state: JournalState): RunOutcome {
  if (!state.finished) return 'interrupted';
  if (state.finished.outcome === 'succeeded' && state.steps.some(isUnappliedSkip)) return 'completed-with-skips';
  return state.finished.outcome;
}

/** What a run comes to when it reaches its end: skips that leave work undone make it `completed-with-skips`. */
export function endOfRunOutcome(state: JournalState): 'succeeded' | 'completed-with-skips' {
  return state.steps.some(isUnappliedSkip) ? 'completed-with-skips' : 'succeeded';
}

/** A step that is not (fully) applied, and why, for the "Not applied" lists. */
export interface NotAppliedStep {
  id: string;
  name: string;
  status: 'failed' | 'skipped' | 'not-run' | 'cancelled' | 'interrupted' | 'running';
  /** In words, for an engineer and for hospital IT. */
  why: string;
  /** The operator's reason for a skip. */
  reason?: string;
  by?: string;
}

/**
 * The steps that failed, were skipped after failing or by the operator, or never ran; steps a run
 * condition left out on purpose, and pre-run skips of unsupported steps, are applied as planned and
 * not listed.
 */
export function notApplied(state: JournalState): NotAppliedStep[] {
  const out: NotAppliedStep[] = [];
  for (const s of state.steps) {
    const base = { id: s.id, name: s.name };
    switch (s.status) {
      case 'succeeded':
        break;
      case 'skipped':
        if (s.skip?.cause === 'after-failure') out.push({ ...base, status: 'skipped', why: 'Failed, then skipped by the operator', reason: s.skip.reason, ...(s.skip.by ? { by: s.skip.by } : {}) });
        else if (s.skip?.cause === 'operator') out.push({ ...base, status: 'skipped', why: 'Skipped by the operator', reason: s.skip.reason, ...(s.skip.by ? { by: s.skip.by } : {}) });
        break;
      case 'failed':
        out.push({ ...base, status: 'failed', why: `Failed${s.errors.length > 0 ? `: ${s.errors.at(-1)!.code} ${s.errors.at(-1)!.message}` : ''}` });
        break;
      case 'cancelled':
        out.push({ ...base, status: 'cancelled', why: 'Stopped by a cancel' });
        break;
      case 'interrupted':
        out.push({ ...base, status: 'interrupted', why: 'Was running when Drop Runner stopped; its result is unknown' });
        break;
      case 'running':
        if (state.finished) out.push({ ...base, status: 'interrupted', why: 'Never finished' });
        // Once the run has stopped, the step still going is not known to be applied (clean-up steps are listed apart).
        else if (state.stopped && !s.cleanup) out.push({ ...base, status: 'running', why: 'Still running when the deployment was stopped; whether it finished is not known yet' });
        break;
      case 'not-run':
        // Before the run ends, a step yet to come is pending, not "not applied".
        if (state.finished || state.stopped) {
          out.push({ ...base, status: 'not-run', why: s.runCondition === 'failure' ? 'Never ran (it runs only when an earlier step fails)' : 'Never ran: the deployment stopped before it' });
        }
        break;
    }
  }
  return out;
}

/** Steps that ran after the run stopped (condition `always` or `failure`): the clean-up that was done. */
export function cleanupSteps(state: JournalState): FoldStep[] {
  return state.steps.filter((s) => s.cleanup);
}

/** Steps finished in earlier sessions that a resume passes over: succeeded, or skipped for any reason. */
export function finishedStepIds(state: JournalState): Set<string> {
  return new Set(state.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').map((s) => s.id));
}

/** The step a resume starts at: one started but not finished, else one that failed without a decision. */
export function unfinishedStepId(state: JournalState): string | undefined {
  return state.steps.find((s) => s.status === 'running' || s.status === 'interrupted' || s.status === 'failed')?.id;
}
