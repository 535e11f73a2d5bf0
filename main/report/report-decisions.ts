/**
 * The report's interruptions and operator decisions, in journal order, each with the words hospital IT
 * reads. Split out of report-model.ts so the wording of each kind lives in one place.
 */
import type { JournalEvent } from '../../common/journal-events';
import type { ReportDecisionEvent, ReportEventKind } from './report-model';

/** 'interrupted-script': the operator's choice, on resume, for a script without a transaction that a crash left part-way. */
const INTERRUPTED_CHOICE_TEXT = {
  continue: 'continue from the batch in flight',
  rerun: 'run the whole script again',
  skip: 'skip the rest of the script',
  abort: 'abort the deployment',
} as const;

export interface DecisionFields {
  stepId?: string | undefined;
  by?: string;
  reason?: string | undefined;
  detail?: string;
}

export function decisionEvent(kind: ReportEventKind, e: JournalEvent, offsetMs: number, stepName: string | null, fields: DecisionFields): ReportDecisionEvent {
  return {
    kind,
    at: e.at,
    offsetMs,
    stepId: fields.stepId ?? null,
    stepName,
    by: fields.by ?? null,
    reason: fields.reason ?? null,
    detail: fields.detail ?? null,
  };
}

/** The detail line of an interrupted-script decision: what was known applied, what was in flight, what was chosen. */
export function interruptedScriptDetail(e: Extract<JournalEvent, { type: 'interrupted-script' }>): string {
  const applied = e.appliedBatches === 0 ? 'no batch known applied' : `batches 1–${e.appliedBatches} of ${e.of} known applied`;
  const flight = e.inFlightBatch ? `, batch ${e.inFlightBatch} in flight when it stopped` : '';
  return `${e.script}: ${applied}${flight}; chosen: ${INTERRUPTED_CHOICE_TEXT[e.choice]}`;
}
