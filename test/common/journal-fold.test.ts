/**
 * The one fold from journal events to deployment and step state (common/journal-fold.ts): every way a
 * step can end, under every run condition, and how they combine into the deployment's outcome.
 */
import { describe, expect, it } from 'vitest';
import type { RunCondition } from '../../common/drop-model';
import type { DeploymentOutcome, JournalEvent, JournalEventInput } from '../../common/journal-events';
import { cleanupSteps, endOfRunOutcome, finishedStepIds, foldEvent, foldJournal, notApplied, runOutcome, unfinishedStepId, emptyJournalState } from '../../common/journal-fold';

function numbered(inputs: JournalEventInput[]): JournalEvent[] {
  return inputs.map((e, i) => ({ ...e, seq: i + 1, at: new Date(Date.UTC(2026, 0, 1, 9, 0, i)).toISOString() }) as JournalEvent);
}

function started(conditions: RunCondition[]): JournalEventInput {
  return {
    type: 'deployment-started',
    deploymentId: 'dep-1',
    drop: { id: 'd', format: 'native', project: { id: 'p', name: 'P' }, release: { version: '1.0.0' }, sha256: null, signature: { state: 'unsigned' }, sourcePath: '/d.zip' },
    tenant: { id: 't', name: 'T', environment: 'Prod' },
    machine: 'vm',
    osUser: 'u',
    operator: 'Ana',
    steps: conditions.map((c, i) => ({ id: `s${i + 1}`, name: `Step ${i + 1}`, type: 'sql-scripts', ...(c === 'success' ? {} : { runCondition: c }) })),
    variables: [],
  };
}

/** Every way one step can end, as the runner journals it. */
const ENDINGS = {
  succeeded: (id: string): JournalEventInput[] => [
    { type: 'step-started', stepId: id, attempt: 1 },
    { type: 'step-finished', stepId: id, attempt: 1, outcome: 'succeeded', durationMs: 5 },
  ],
  'retried-then-succeeded': (id: string): JournalEventInput[] => [
    { type: 'step-started', stepId: id, attempt: 1 },
    { type: 'step-finished', stepId: id, attempt: 1, outcome: 'failed', durationMs: 5, error: { code: 'SQL_ERROR', message: 'deadlock', hint: 'h' } },
    { type: 'decision', stepId: id, decision: 'retry', by: 'Ana' },
    { type: 'step-started', stepId: id, attempt: 2 },
    { type: 'step-finished', stepId: id, attempt: 2, outcome: 'succeeded', durationMs: 5 },
  ],
  'failed-then-skipped': (id: string): JournalEventInput[] => [
    { type: 'step-started', stepId: id, attempt: 1 },
    { type: 'step-finished', stepId: id, attempt: 1, outcome: 'failed', durationMs: 5, error: { code: 'SQL_ERROR', message: 'no permission', hint: 'h' } },
    { type: 'decision', stepId: id, decision: 'skip', reason: 'done by the DBA (CHG-1)', by: 'Ana' },
  ],
  'operator-skipped': (id: string): JournalEventInput[] => [
    { type: 'step-started', stepId: id, attempt: 1 },
    { type: 'decision', stepId: id, decision: 'skip', reason: 'engine already paused', by: 'Ana' },
    { type: 'step-finished', stepId: id, attempt: 1, outcome: 'skipped', durationMs: 5, skip: { cause: 'operator', reason: 'engine already paused' } },
  ],
  'condition-skipped': (id: string): JournalEventInput[] => [
    { type: 'step-finished', stepId: id, attempt: 1, outcome: 'skipped', durationMs: 0, skip: { cause: 'run-condition', reason: 'It runs only when an earlier step fails, and none did.' } },
  ],
  'unsupported-skipped': (id: string): JournalEventInput[] => [
    { type: 'decision', stepId: id, decision: 'skip', reason: 'Unsupported step, skipped as chosen before the run: IIS', by: 'Ana' },
    { type: 'step-finished', stepId: id, attempt: 1, outcome: 'skipped', durationMs: 0, skip: { cause: 'unsupported', reason: 'Unsupported step, skipped as chosen before the run: IIS' } },
  ],
  /** An older journal: the unsupported skip is only the decision's reason text, no skip field. */
  'legacy-unsupported-skipped': (id: string): JournalEventInput[] => [
    { type: 'decision', stepId: id, decision: 'skip', reason: 'Unsupported step, skipped as chosen before the run: IIS', by: 'Ana' },
    { type: 'step-finished', stepId: id, attempt: 1, outcome: 'skipped', durationMs: 0 },
  ],
  failed: (id: string): JournalEventInput[] => [
    { type: 'step-started', stepId: id, attempt: 1 },
    { type: 'step-finished', stepId: id, attempt: 1, outcome: 'failed', durationMs: 5, error: { code: 'SQL_ERROR', message: 'no permission', hint: 'h' } },
  ],
  cancelled: (id: string): JournalEventInput[] => [
    { type: 'step-started', stepId: id, attempt: 1 },
    { type: 'step-finished', stepId: id, attempt: 1, outcome: 'cancelled', durationMs: 5 },
  ],
  'not-run': (): JournalEventInput[] => [],
} as const;
type Ending = keyof typeof ENDINGS;
const ALL_ENDINGS = Object.keys(ENDINGS) as Ending[];
const CONDITIONS: RunCondition[] = ['success', 'failure', 'always'];

/** Endings that leave the step's part of the release applied (or left out on purpose). */
const APPLIED: ReadonlySet<Ending> = new Set(['succeeded', 'retried-then-succeeded', 'condition-skipped', 'unsupported-skipped', 'legacy-unsupported-skipped']);
/** Skips that leave the release not fully applied. */
const UNAPPLIED_SKIP: ReadonlySet<Ending> = new Set(['failed-then-skipped', 'operator-skipped']);

function journalOf(endings: Ending[], conditions: RunCondition[], finished?: DeploymentOutcome): JournalEvent[] {
  const inputs: JournalEventInput[] = [started(conditions), { type: 'preflight', checks: [] }];
  endings.forEach((e, i) => inputs.push(...ENDINGS[e](`s${i + 1}`)));
  if (finished) inputs.push({ type: 'deployment-finished', outcome: finished, durationMs: 100 });
  return numbered(inputs);
}

describe('journal fold: step states', () => {
  const expectedStatus: Record<Ending, string> = {
    succeeded: 'succeeded',
    'retried-then-succeeded': 'succeeded',
    'failed-then-skipped': 'skipped',
    'operator-skipped': 'skipped',
    'condition-skipped': 'skipped',
    'unsupported-skipped': 'skipped',
    'legacy-unsupported-skipped': 'skipped',
    failed: 'failed',
    cancelled: 'cancelled',
    'not-run': 'not-run',
  };
  const expectedCause: Partial<Record<Ending, string>> = {
    'failed-then-skipped': 'after-failure',
    'operator-skipped': 'operator',
    'condition-skipped': 'run-condition',
    'unsupported-skipped': 'unsupported',
    'legacy-unsupported-skipped': 'unsupported',
  };
  for (const ending of ALL_ENDINGS) {
    for (const condition of CONDITIONS) {
      it(`${ending} under run condition ${condition}`, () => {
        const state = foldJournal(journalOf([ending], [condition]));
        const step = state.steps[0]!;
        expect(step.runCondition).toBe(condition);
        expect(step.status).toBe(expectedStatus[ending]);
        expect(step.skip?.cause).toBe(expectedCause[ending]);
        if (ending === 'failed-then-skipped') expect(step.skip).toEqual({ cause: 'after-failure', reason: 'done by the DBA (CHG-1)', by: 'Ana' });
        expect(step.errors.length).toBe(ending === 'failed' || ending === 'failed-then-skipped' || ending === 'retried-then-succeeded' ? 1 : 0);
        expect(step.attempts).toBe(ending === 'retried-then-succeeded' ? 2 : ending === 'not-run' ? 0 : 1);
      });
    }
  }
});

describe('journal fold: the deployment outcome of every pair of step endings', () => {
  for (const a of ALL_ENDINGS) {
    for (const b of ALL_ENDINGS) {
      it(`${a} + ${b}`, () => {
        const events = journalOf([a, b], ['success', 'always']);
        const state = foldJournal(events);
        const unapplied = UNAPPLIED_SKIP.has(a) || UNAPPLIED_SKIP.has(b);
        // The runner's own reading at the end of a run that reached its last step.
        expect(endOfRunOutcome(state)).toBe(unapplied ? 'completed-with-skips' : 'succeeded');
        // Not finished: interrupted, whatever the steps did.
        expect(runOutcome(state)).toBe('interrupted');
        // A journal that recorded 'succeeded' (older Drop Runner) is read honestly.
        const legacy = foldJournal(journalOf([a, b], ['success', 'always'], 'succeeded'));
        expect(runOutcome(legacy)).toBe(unapplied ? 'completed-with-skips' : 'succeeded');
        // Recorded failures stay failures.
        for (const recorded of ['failed', 'aborted', 'cancelled', 'completed-with-skips'] as const) {
          expect(runOutcome(foldJournal(journalOf([a, b], ['success', 'always'], recorded)))).toBe(recorded);
        }
        // The Not applied list names exactly the steps not applied as planned, once the run ended.
        const listed = notApplied(legacy).map((n) => n.id);
        const expected = [a, b].flatMap((e, i) => (APPLIED.has(e) ? [] : [`s${i + 1}`]));
        expect(listed).toEqual(expected);
        // A resume passes over exactly the succeeded and skipped steps.
        expect([...finishedStepIds(state)].sort()).toEqual(
          [a, b].flatMap((e, i) => (e === 'succeeded' || e === 'retried-then-succeeded' || e.endsWith('skipped') ? [`s${i + 1}`] : [])).sort(),
        );
      });
    }
  }
});

describe('journal fold: stops, clean-up, resume, interruption', () => {
  it('a failure then abort: the always step is clean-up, the ordinary step not run, outcome aborted', () => {
    const state = foldJournal(
      numbered([
        started(['success', 'success', 'always']),
        ...ENDINGS.failed('s1'),
        { type: 'decision', stepId: 's1', decision: 'abort', by: 'Ana' },
        { type: 'run-stopped', outcome: 'aborted', stepId: 's1' },
        ...ENDINGS.succeeded('s3'),
        { type: 'deployment-finished', outcome: 'aborted', durationMs: 10 },
      ]),
    );
    expect(runOutcome(state)).toBe('aborted');
    expect(state.steps.map((s) => s.status)).toEqual(['failed', 'not-run', 'succeeded']);
    expect(cleanupSteps(state).map((s) => s.id)).toEqual(['s3']);
    expect(notApplied(state).map((n) => [n.id, n.status])).toEqual([
      ['s1', 'failed'],
      ['s2', 'not-run'],
    ]);
    expect(notApplied(state)[0]!.why).toContain('SQL_ERROR no permission');
  });

  it('a failure with nobody to decide: run-stopped marks the later always step as clean-up', () => {
    const state = foldJournal(numbered([started(['success', 'failure']), ...ENDINGS.failed('s1'), { type: 'run-stopped', outcome: 'failed', stepId: 's1' }, ...ENDINGS.succeeded('s2'), { type: 'deployment-finished', outcome: 'failed', durationMs: 1 }]));
    expect(state.stopped).toEqual({ outcome: 'failed', seq: 4 });
    expect(state.steps[1]!.cleanup).toBe(true);
    expect(runOutcome(state)).toBe('failed');
  });

  it('a graceful cancel: steps after it are clean-up', () => {
    const state = foldJournal(numbered([started(['success', 'always']), { type: 'step-started', stepId: 's1', attempt: 1 }, { type: 'cancel-requested', mode: 'graceful', by: 'Ana' }, { type: 'step-finished', stepId: 's1', attempt: 1, outcome: 'cancelled', durationMs: 1 }, ...ENDINGS.succeeded('s2'), { type: 'deployment-finished', outcome: 'cancelled', durationMs: 1 }]));
    expect(state.steps.map((s) => [s.status, s.cleanup])).toEqual([
      ['cancelled', false],
      ['succeeded', true],
    ]);
  });

  it('pending steps are not "not applied" while the run goes on', () => {
    const state = foldJournal(numbered([started(['success', 'success']), ...ENDINGS.succeeded('s1'), { type: 'step-started', stepId: 's2', attempt: 1 }]));
    expect(notApplied(state)).toEqual([]);
  });

  it('an interruption marks the running step interrupted; a resume clears an earlier finish', () => {
    const events = numbered([
      started(['success', 'success']),
      ...ENDINGS.succeeded('s1'),
      { type: 'step-started', stepId: 's2', attempt: 1 },
      { type: 'interrupted', detectedAt: '2026-01-01T10:00:00.000Z', lastSeq: 4, stepId: 's2', note: 'power cut' },
    ]);
    const state = foldJournal(events);
    expect(state.steps[1]!.status).toBe('interrupted');
    expect(unfinishedStepId(state)).toBe('s2');
    expect(runOutcome(state)).toBe('interrupted');
    const finishedThenResumed = foldJournal(numbered([started(['success']), { type: 'deployment-finished', outcome: 'failed', durationMs: 1 }, started(['success'])]));
    expect(finishedThenResumed.finished).toBeUndefined();
    expect(finishedThenResumed.sessions).toBe(2);
  });

  it('keeps earlier failed attempts and attempt numbers for the guided-failure dialog', () => {
    const state = foldJournal(
      numbered([
        started(['success']),
        ...ENDINGS.failed('s1'),
        { type: 'decision', stepId: 's1', decision: 'retry', by: 'Ana' },
        { type: 'step-started', stepId: 's1', attempt: 2 },
        { type: 'step-finished', stepId: 's1', attempt: 2, outcome: 'failed', durationMs: 5, error: { code: 'SQL_TIMEOUT', message: 'timed out', hint: 'h' } },
      ]),
    );
    expect(state.steps[0]!.attempts).toBe(2);
    expect(state.steps[0]!.errors.map((e) => [e.attempt, e.code])).toEqual([
      [1, 'SQL_ERROR'],
      [2, 'SQL_TIMEOUT'],
    ]);
  });

  it('returns the same state for log and progress lines (cheap for 100,000-line journals)', () => {
    const base = foldJournal(numbered([started(['success'])]));
    const log = { type: 'log', seq: 1, at: 'x', level: 'info', message: 'm' } as JournalEvent;
    expect(foldEvent(base, log)).toBe(base);
    expect(foldEvent(emptyJournalState(), { ...log, seq: 2 }).lastSeq).toBe(2);
  });
});
