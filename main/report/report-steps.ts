/**
 * The report's step section: one entry per plan step (plus any the journal names outside the plan),
 * finished from the shared fold so the report and the Run screen agree, and the timeline drawn from
 * their attempts. Split out of report-model.ts so each section is built in one place.
 */
import type { FoldStep } from '../../common/journal-fold';
import type { ReportStep, ReportTimelineBar } from './report-model';

export interface StepBook {
  steps: Map<string, ReportStep>;
  /** Adds a plan step once; a later deployment-started (a resume in the same journal) may add more. */
  add(s: { id: string; name: string; type: string; transactional?: string }): ReportStep;
  /** The step an event names, created (and remembered as unknown) when the plan does not have it. */
  stepFor(id: string): ReportStep;
  unknown: Set<string>;
}

export function createStepBook(): StepBook {
  const steps = new Map<string, ReportStep>();
  const unknown = new Set<string>();
  const add: StepBook['add'] = (s) => {
    let step = steps.get(s.id);
    if (!step) {
      step = emptyStep(steps.size + 1, s);
      steps.set(s.id, step);
    }
    return step;
  };
  const stepFor = (id: string): ReportStep => {
    const known = steps.get(id);
    if (known) return known;
    unknown.add(id);
    return add({ id, name: id, type: 'unknown' });
  };
  return { steps, add, stepFor, unknown };
}

function emptyStep(index: number, s: { id: string; name: string; type: string; transactional?: string }): ReportStep {
  return {
    index,
    id: s.id,
    name: s.name,
    type: s.type,
    transactional: s.transactional ?? null,
    outcome: 'not-run',
    attempts: [],
    durationMs: null,
    startedAt: null,
    finishedAt: null,
    artifacts: [],
    applied: { scripts: [], ssisFolders: [], ssisProjects: [], ssisOperationIds: [], environmentVariables: [] },
    warnings: [],
    errors: [],
    skipReason: null,
    skippedBy: null,
    skipCause: null,
    runCondition: 'success',
    cleanup: false,
  };
}

export function finishStep(step: ReportStep, folded: FoldStep | undefined): void {
  const durations = step.attempts.map((a) => a.durationMs).filter((d): d is number => d !== null);
  step.durationMs = durations.length > 0 ? durations.reduce((a, b) => a + b, 0) : null;
  const status = folded?.status ?? 'not-run';
  step.outcome = status === 'running' || status === 'interrupted' ? 'incomplete' : status;
  step.skipReason = folded?.skip?.reason || null;
  step.skippedBy = folded?.skip?.by ?? null;
  step.skipCause = status === 'skipped' ? (folded?.skip?.cause ?? null) : null;
  step.runCondition = folded?.runCondition ?? 'success';
  step.cleanup = folded?.cleanup ?? false;

  for (const a of step.artifacts) {
    if (a.kind === 'script') step.applied.scripts.push({ name: a.name, sha256: a.sha256, action: a.action });
    if (a.kind === 'ssis-folder') pushUnique(step.applied.ssisFolders, a.name);
    if (a.kind === 'ssis-project') pushUnique(step.applied.ssisProjects, a.name);
    if (a.kind === 'ssis-variable') pushUnique(step.applied.environmentVariables, a.name);
    if (a.operationId) pushUnique(step.applied.ssisOperationIds, a.operationId);
  }
}

export function timelineBars(steps: ReportStep[], offset: (at: string) => number, lastMs: number): ReportTimelineBar[] {
  const bars: ReportTimelineBar[] = [];
  for (const step of steps) {
    for (const a of step.attempts) {
      const startMs = offset(a.startedAt);
      const endMs = a.finishedAt ? Math.max(startMs, offset(a.finishedAt)) : Math.max(startMs, lastMs);
      bars.push({ stepId: step.id, attempt: a.attempt, startMs, endMs, finished: a.finishedAt !== null, outcome: a.outcome });
    }
  }
  return bars;
}

function pushUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** Older SSIS executors wrote the catalog operation id only into the artifact's detail text. */
export function operationIdFromDetail(detail: string | undefined): string | null {
  const match = detail?.match(/operation(?:[ _]?id)?\s*[:=#]?\s*(\d+)/i);
  return match?.[1] ?? null;
}
