/**
 * Derives everything the Run screen shows from journal events alone (pure, incremental). The journal is
 * the source of truth: the same events rebuild the same view after a reload, a reconnect or a resume.
 */
import type { JournalEvent, PreflightCheck, StepArtifact } from '../../../common/journal-events';
import { emptyJournalState, foldEvent, notApplied, runOutcome, type FoldStep, type JournalState, type NotAppliedStep, type RunOutcome } from '../../../common/journal-fold';

/** A step's status as shown: the fold's, with 'pending' for a step yet to come in a run still going. */
export type StepStatus = 'pending' | 'not-run' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'interrupted';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface StepDecision {
  decision: 'retry' | 'skip' | 'abort';
  reason?: string;
  by: string;
  at: string;
}

export interface StepState {
  id: string;
  name: string;
  type: string;
  transactional?: string;
  status: StepStatus;
  attempt: number;
  /** 0–100 while running, from progress events; undefined until the step reports any. */
  percent?: number;
  item?: string;
  /** Start of the current (latest) attempt. */
  startedAt?: string;
  finishedAt?: string;
  /** Duration of the latest finished attempt. */
  durationMs?: number;
  error?: { code: string; message: string; hint: string };
  warnings: number;
  artifacts: StepArtifact[];
  decisions: StepDecision[];
  /** When it runs (success, failure, always) and, once known, why it was skipped and whether it was clean-up. */
  runCondition: FoldStep['runCondition'];
  skip?: FoldStep['skip'];
  cleanup: boolean;
  /** Errors of every failed attempt, oldest first (the guided-failure dialog shows the earlier ones). */
  errors: FoldStep['errors'];
}

export interface LogLine {
  seq: number;
  at: string;
  level: LogLevel;
  stepId?: string;
  message: string;
  source?: string;
}

export interface RunHeader {
  deploymentId: string;
  project: string;
  release: string;
  tenant: string;
  environment: string;
  operator: string;
  machine: string;
  resumedFrom?: string;
}

export interface RunModel {
  lastSeq: number;
  header?: RunHeader;
  startedAt?: string;
  finishedAt?: string;
  /** Set once the deployment finished (from the shared fold: a skip after a failure is never 'succeeded'). */
  outcome?: Exclude<RunOutcome, 'interrupted'>;
  durationMs?: number;
  /** The shared fold of the same events (common/journal-fold.ts): step statuses and the outcome come from it. */
  journal: JournalState;
  /** Steps failed, skipped after failing or by the operator, or never run (once the run has stopped). */
  notApplied: NotAppliedStep[];
  steps: StepState[];
  currentStepId?: string;
  /** Append-only and shared between successive models (see applyJournalEvents). */
  log: LogLine[];
  preflight?: PreflightCheck[];
  cancelRequested?: { mode: 'graceful' | 'immediate'; by: string; at: string };
  interruptions: Array<{ at: string; note: string; stepId?: string }>;
}

/** An empty model for a deployment whose journal has not been read yet. */
export function createRunModel(): RunModel {
  return { lastSeq: 0, steps: [], log: [], interruptions: [], journal: emptyJournalState(), notApplied: [] };
}

export interface ApplyResult {
  model: RunModel;
  /** Set when events were missing: the caller fetches deploy.journal { afterSeq: gapAfter } and applies again. */
  gapAfter?: number;
  applied: number;
}

/**
 * Applies events in seq order, ignoring ones already applied and stopping at the first gap. For speed with
 * 100,000 lines the log array is appended in place: the returned model shares it with the input, so
 * callers must treat the input model as consumed (keep the model in a ref, not in a state updater).
 */
export function applyJournalEvents(model: RunModel, events: readonly JournalEvent[]): ApplyResult {
  const sorted = isSorted(events) ? events : [...events].sort((a, b) => a.seq - b.seq);
  let next: RunModel = { ...model };
  let steps = model.steps;
  let stepsCopied = false;
  const mutableSteps = () => {
    if (!stepsCopied) {
      steps = steps.map((s) => s);
      stepsCopied = true;
    }
    return steps;
  };
  const updateStep = (stepId: string, update: (s: StepState) => StepState) => {
    const list = mutableSteps();
    const index = list.findIndex((s) => s.id === stepId);
    if (index === -1) {
      // A step not announced by deployment-started (older journal, partial read): show it rather than lose it.
      list.push(update(newStep(stepId, stepId, 'unknown')));
      return;
    }
    list[index] = update(list[index] as StepState);
  };
  const stepName = (stepId: string | undefined) => (stepId ? (steps.find((s) => s.id === stepId)?.name ?? stepId) : undefined);
  const log = model.log;
  let applied = 0;
  let gapAfter: number | undefined;

  for (const event of sorted) {
    if (event.seq <= next.lastSeq) continue;
    if (event.seq !== next.lastSeq + 1) {
      gapAfter = next.lastSeq;
      break;
    }
    next.lastSeq = event.seq;
    applied++;
    next.journal = foldEvent(next.journal, event);
    switch (event.type) {
      case 'deployment-started': {
        const previous = new Map(steps.map((s) => [s.id, s]));
        steps = event.steps.map((s) => {
          const base = previous.get(s.id) ?? newStep(s.id, s.name, s.type);
          return { ...base, name: s.name, type: s.type, ...(s.transactional ? { transactional: s.transactional } : {}) };
        });
        stepsCopied = true;
        next.header = {
          deploymentId: event.deploymentId,
          project: event.drop.project.name,
          release: event.drop.release.version,
          tenant: event.tenant.name,
          environment: event.tenant.environment,
          operator: event.operator,
          machine: event.machine,
          ...(event.resumedFrom ? { resumedFrom: event.resumedFrom } : {}),
        };
        next.startedAt ??= event.at;
        log.push(line(event, 'info', `Deployment of ${event.drop.project.name} ${event.drop.release.version} to ${event.tenant.name} (${event.tenant.environment}) started by ${event.operator} on ${event.machine}${event.resumedFrom ? `, resuming ${event.resumedFrom}` : ''}`, undefined, 'runner'));
        break;
      }
      case 'preflight': {
        next.preflight = event.checks;
        const count = (status: string) => event.checks.filter((c) => c.status === status).length;
        log.push(line(event, count('fail') > 0 ? 'error' : count('warn') > 0 ? 'warn' : 'info', `Preflight: ${count('pass')} passed, ${count('warn')} warnings, ${count('fail')} failed`, undefined, 'preflight'));
        break;
      }
      case 'step-started':
        updateStep(event.stepId, (s) => {
          const { error: _e, finishedAt: _f, durationMs: _d, percent: _p, item: _i, ...rest } = s;
          return { ...rest, status: 'running', attempt: event.attempt, startedAt: event.at };
        });
        next.currentStepId = event.stepId;
        log.push(line(event, 'info', `Step "${stepName(event.stepId)}" started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`, event.stepId, 'runner'));
        break;
      case 'progress':
        updateStep(event.stepId, (s) => ({ ...s, percent: clampPercent(event.percent), ...(event.item !== undefined ? { item: event.item } : {}) }));
        break;
      case 'log':
        // The event already has the LogLine shape; pushing it as-is avoids 100,000 copies on a big journal.
        log.push(event);
        break;
      case 'warning':
        if (event.stepId) updateStep(event.stepId, (s) => ({ ...s, warnings: s.warnings + 1 }));
        log.push(line(event, 'warn', event.message, event.stepId, 'warning'));
        break;
      case 'artifact':
        updateStep(event.stepId, (s) => ({ ...s, artifacts: [...s.artifacts, event.artifact] }));
        log.push(line(event, 'debug', `${event.artifact.kind} ${event.artifact.name}: ${event.artifact.action}`, event.stepId, 'artifact'));
        break;
      case 'step-finished':
        updateStep(event.stepId, (s) => ({
          ...s,
          attempt: event.attempt,
          finishedAt: event.at,
          durationMs: event.durationMs,
          ...(event.outcome === 'succeeded' ? { percent: 100 } : {}),
          ...(event.error ? { error: event.error } : {}),
        }));
        log.push(
          line(
            event,
            event.outcome === 'failed' ? 'error' : event.outcome === 'succeeded' ? 'info' : 'warn',
            `Step "${stepName(event.stepId)}" ${event.outcome}${event.error ? `: ${event.error.code} ${event.error.message}` : ''}`,
            event.stepId,
            'runner',
          ),
        );
        break;
      case 'decision':
        updateStep(event.stepId, (s) => ({
          ...s,
          decisions: [...s.decisions, { decision: event.decision, by: event.by, at: event.at, ...(event.reason ? { reason: event.reason } : {}) }],
        }));
        log.push(line(event, 'info', `${event.by} chose ${event.decision} for "${stepName(event.stepId)}"${event.reason ? `: ${event.reason}` : ''}`, event.stepId, 'operator'));
        break;
      case 'cancel-requested':
        next.cancelRequested = { mode: event.mode, by: event.by, at: event.at };
        log.push(line(event, 'warn', `${event.by} asked to cancel (${event.mode})`, undefined, 'operator'));
        break;
      case 'interrupted':
        next.interruptions = [...next.interruptions, { at: event.at, note: event.note, ...(event.stepId ? { stepId: event.stepId } : {}) }];
        log.push(line(event, 'warn', `Interrupted: ${event.note}`, event.stepId, 'runner'));
        break;
      case 'interrupted-script':
        log.push(
          line(
            event,
            'warn',
            `${event.by} chose ${event.choice} for ${event.script}, which stopped part-way (batches known applied: ${event.appliedBatches} of ${event.of}${event.inFlightBatch ? `; batch ${event.inFlightBatch} was in flight` : ''})${event.reason ? `: ${event.reason}` : ''}`,
            event.stepId,
            'operator',
          ),
        );
        break;
      case 'run-stopped':
        log.push(line(event, 'warn', `The deployment stopped (${event.outcome}); only clean-up steps (run condition always/failure) run now`, event.stepId, 'runner'));
        break;
      case 'deployment-finished': {
        const outcome = runOutcome(next.journal);
        next.outcome = outcome === 'interrupted' ? event.outcome : outcome;
        next.durationMs = event.durationMs;
        next.finishedAt = event.at;
        next.currentStepId = undefined;
        log.push(line(event, next.outcome === 'succeeded' ? 'info' : next.outcome === 'completed-with-skips' ? 'warn' : 'error', `Deployment ${next.outcome} after ${Math.round(event.durationMs / 1000)} s`, undefined, 'runner'));
        break;
      }
    }
  }
  if (next.journal !== model.journal) {
    steps = syncStatuses(steps, next.journal);
    next.notApplied = notApplied(next.journal);
  }
  next.steps = steps;
  if (next.currentStepId === undefined) delete next.currentStepId;
  next = { ...next };
  return { model: next, applied, ...(gapAfter !== undefined ? { gapAfter } : {}) };
}

function newStep(id: string, name: string, type: string): StepState {
  return { id, name, type, status: 'pending', attempt: 0, warnings: 0, artifacts: [], decisions: [], runCondition: 'success', cleanup: false, errors: [] };
}

/** Statuses, skips and errors come from the shared fold; a step yet to come reads 'pending' until the run has stopped or ended. */
function syncStatuses(steps: StepState[], journal: JournalState): StepState[] {
  const folded = new Map(journal.steps.map((s) => [s.id, s]));
  const over = journal.finished !== undefined || journal.stopped !== undefined;
  let changed = false;
  const out = steps.map((s) => {
    const f = folded.get(s.id);
    if (!f) return s;
    const status: StepStatus = f.status === 'not-run' && !over ? 'pending' : f.status;
    if (status === s.status && f.skip === s.skip && f.errors === s.errors && f.cleanup === s.cleanup && f.runCondition === s.runCondition) return s;
    changed = true;
    const { skip: _s, ...rest } = s;
    return { ...rest, status, runCondition: f.runCondition, cleanup: f.cleanup, errors: f.errors, ...(f.skip ? { skip: f.skip } : {}) };
  });
  return changed ? out : steps;
}

function line(event: JournalEvent, level: LogLevel, message: string, stepId?: string, source?: string): LogLine {
  return { seq: event.seq, at: event.at, level, message, ...(stepId ? { stepId } : {}), ...(source ? { source } : {}) };
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(100, value)) : 0;
}

function isSorted(events: readonly JournalEvent[]): boolean {
  for (let i = 1; i < events.length; i++) if ((events[i] as JournalEvent).seq < (events[i - 1] as JournalEvent).seq) return false;
  return true;
}

/** Overall progress 0–100: finished steps count fully, the running one by its percent. */
export function overallPercent(steps: readonly StepState[]): number {
  if (steps.length === 0) return 0;
  let done = 0;
  for (const s of steps) {
    if (s.status === 'succeeded' || s.status === 'skipped' || s.status === 'failed' || s.status === 'cancelled') done += 1;
    else if (s.status === 'running') done += (s.percent ?? 0) / 100;
  }
  return (done / steps.length) * 100;
}

/** Milliseconds a step has run (finished: its duration; running: until `now`). */
export function stepElapsedMs(step: StepState, now: number): number | undefined {
  if (step.durationMs !== undefined && step.status !== 'running') return step.durationMs;
  if (step.startedAt && step.status === 'running') return Math.max(0, now - Date.parse(step.startedAt));
  return undefined;
}
