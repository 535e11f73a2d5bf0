/**
 * One pass over a validated journal, in order, gathering what each report section needs: steps and
 * their attempts, artifacts and warnings, variables, the last preflight, decisions, and the log.
 * Outcomes are NOT decided here: they come from the shared fold (common/journal-fold.ts).
 */
import type { JournalEvent } from '../../common/journal-events';
import { decisionEvent, interruptedScriptDetail, type DecisionFields } from './report-decisions';
import type { ReportAttempt, ReportDecisionEvent, ReportEventKind, ReportLogLine, ReportPreflight } from './report-model';
import { createStepBook, operationIdFromDetail, type StepBook } from './report-steps';
import { createVariableBook, type VariableBook } from './report-variables';

type Started = Extract<JournalEvent, { type: 'deployment-started' }>;

export interface JournalWalk {
  stepBook: StepBook;
  variableBook: VariableBook;
  preflight: ReportPreflight | null;
  decisions: ReportDecisionEvent[];
  /** Warnings not tied to a step. */
  warnings: Array<{ at: string; message: string }>;
  log: ReportLogLine[];
}

/** `events[0]` must be the deployment-started (validateJournal ensures it); notes about the journal are appended to `notes`. */
export function walkJournal(events: readonly JournalEvent[], offset: (at: string) => number, notes: string[]): JournalWalk {
  const started = events[0] as Started;
  const stepBook = createStepBook();
  const { stepFor } = stepBook;
  started.steps.forEach(stepBook.add);
  const variableBook = createVariableBook();
  variableBook.take(started.variables);

  let preflight: ReportPreflight | null = null;
  let preflightRuns = 0;
  const decisions: ReportDecisionEvent[] = [];
  const warnings: Array<{ at: string; message: string }> = [];
  const log: ReportLogLine[] = [];
  const openAttempts = new Map<string, ReportAttempt>();
  const decision = (kind: ReportEventKind, e: JournalEvent, fields: DecisionFields): void => {
    decisions.push(decisionEvent(kind, e, offset(e.at), fields.stepId ? stepFor(fields.stepId).name : null, fields));
  };

  for (const e of events.slice(1)) {
    switch (e.type) {
      case 'deployment-started':
        e.steps.forEach(stepBook.add);
        variableBook.take(e.variables);
        if (e.deploymentId !== started.deploymentId || e.drop.release.version !== started.drop.release.version) {
          notes.push(`A resumed session at seq ${e.seq} names deployment ${e.deploymentId} release ${e.drop.release.version}; this report keeps the identity of the first session.`);
        }
        decision('resumed', e, { by: e.operator, detail: `Resumed on ${e.machine} by ${e.operator}` });
        break;
      case 'preflight':
        preflightRuns++;
        preflight = { at: e.at, runs: preflightRuns, checks: e.checks.map((c) => ({ ...c })) };
        break;
      case 'step-started': {
        const step = stepFor(e.stepId);
        const attempt: ReportAttempt = { attempt: e.attempt, startedAt: e.at, finishedAt: null, outcome: 'incomplete', durationMs: null, error: null };
        step.attempts.push(attempt);
        step.startedAt ??= e.at;
        openAttempts.set(e.stepId, attempt);
        break;
      }
      case 'step-finished': {
        const step = stepFor(e.stepId);
        let attempt = openAttempts.get(e.stepId);
        if (!attempt || attempt.attempt !== e.attempt) {
          // A skip decided before the step ever ran is journalled as a finish without a start.
          attempt = { attempt: e.attempt, startedAt: e.at, finishedAt: null, outcome: 'incomplete', durationMs: null, error: null };
          step.attempts.push(attempt);
        }
        openAttempts.delete(e.stepId);
        attempt.finishedAt = e.at;
        attempt.outcome = e.outcome;
        attempt.durationMs = e.durationMs;
        if (e.error) {
          attempt.error = { ...e.error };
          step.errors.push({ at: e.at, attempt: e.attempt, ...e.error });
        }
        step.finishedAt = e.at;
        break;
      }
      case 'artifact': {
        const a = e.artifact;
        stepFor(e.stepId).artifacts.push({
          kind: a.kind,
          name: a.name,
          action: a.action,
          sha256: a.sha256 ?? null,
          detail: a.detail ?? null,
          operationId: a.operationId ?? operationIdFromDetail(a.detail),
          at: e.at,
        });
        break;
      }
      case 'warning':
        if (e.stepId) stepFor(e.stepId).warnings.push({ at: e.at, message: e.message });
        else warnings.push({ at: e.at, message: e.message });
        break;
      case 'log':
        log.push({
          seq: e.seq,
          at: e.at,
          offsetMs: offset(e.at),
          level: e.level,
          stepId: e.stepId ?? null,
          source: e.source ?? null,
          message: e.message,
        });
        break;
      case 'decision':
        decision(e.decision, e, { stepId: e.stepId, by: e.by, reason: e.reason });
        stepFor(e.stepId);
        break;
      case 'cancel-requested':
        decision('cancel-requested', e, { by: e.by, detail: e.mode === 'graceful' ? 'Graceful: stop after the current item' : 'Immediate' });
        break;
      case 'interrupted':
        decision('interrupted', e, {
          stepId: e.stepId,
          detail: `${e.note} (detected ${e.detectedAt}; last journal entry before it: seq ${e.lastSeq})`,
        });
        break;
      case 'interrupted-script':
        decision('interrupted-script', e, { stepId: e.stepId, by: e.by, reason: e.reason, detail: interruptedScriptDetail(e) });
        break;
      case 'progress':
      case 'script-started':
      case 'batch-committed':
      case 'run-stopped':
      case 'deployment-finished':
        break;
    }
  }
  return { stepBook, variableBook, preflight, decisions, warnings, log };
}
