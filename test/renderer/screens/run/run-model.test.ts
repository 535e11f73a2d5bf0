import { describe, expect, it } from 'vitest';
import type { JournalEvent, JournalEventInput } from '../../../../common/journal-events';
import { syntheticJournal } from '../../../../renderer/screens/perf/synthetic';
import { applyJournalEvents, createRunModel, overallPercent, stepElapsedMs } from '../../../../renderer/screens/run/run-model';

/** Numbers and stamps events the way the journal does. */
function journal(inputs: JournalEventInput[], startSeq = 1): JournalEvent[] {
  return inputs.map((e, i) => ({ ...e, seq: startSeq + i, at: new Date(Date.UTC(2025, 0, 1, 10, 0, i)).toISOString() }) as JournalEvent);
}

const started: JournalEventInput = {
  type: 'deployment-started',
  deploymentId: 'dep-1',
  drop: { id: 'd1', format: 'native', project: { id: 'p', name: 'Patient Flow' }, release: { version: '2.4.0' }, sha256: null, signature: { state: 'unsigned' }, sourcePath: '/x.zip' },
  tenant: { id: 'st-mary', name: 'St Mary', environment: 'Production' },
  machine: 'VM01',
  osUser: 'eng',
  operator: 'Ana',
  steps: [
    { id: 's1', name: 'Staging DB', type: 'sql-scripts', transactional: 'per script' },
    { id: 's2', name: 'SSIS', type: 'ssis-project' },
  ],
  variables: [],
};

describe('run model', () => {
  it('derives step states, progress and log lines from a successful run', () => {
    const events = journal([
      started,
      { type: 'step-started', stepId: 's1', attempt: 1 },
      { type: 'progress', stepId: 's1', percent: 50, item: '002_tables.sql' },
      { type: 'log', stepId: 's1', level: 'info', message: 'batch 1 ok' },
      { type: 'artifact', stepId: 's1', artifact: { kind: 'script', name: '002_tables.sql', action: 'applied', sha256: 'ab' } },
      { type: 'step-finished', stepId: 's1', attempt: 1, outcome: 'succeeded', durationMs: 1200 },
      { type: 'step-started', stepId: 's2', attempt: 1 },
      { type: 'warning', stepId: 's2', message: 'parameter flipped to required' },
    ]);
    const { model, applied, gapAfter } = applyJournalEvents(createRunModel(), events);
    expect(applied).toBe(8);
    expect(gapAfter).toBeUndefined();
    expect(model.header).toMatchObject({ project: 'Patient Flow', release: '2.4.0', tenant: 'St Mary', operator: 'Ana' });
    expect(model.steps.map((s) => s.status)).toEqual(['succeeded', 'running']);
    expect(model.steps[0]).toMatchObject({ percent: 100, durationMs: 1200, item: '002_tables.sql', transactional: 'per script' });
    expect(model.steps[0]?.artifacts).toHaveLength(1);
    expect(model.steps[1]?.warnings).toBe(1);
    expect(model.currentStepId).toBe('s2');
    expect(model.log.map((l) => l.level)).toEqual(['info', 'info', 'info', 'debug', 'info', 'info', 'warn']);
    expect(overallPercent(model.steps)).toBe(50);
  });

  it('records failure, the operator decision and the retry attempt', () => {
    const events = journal([
      started,
      { type: 'step-started', stepId: 's1', attempt: 1 },
      { type: 'step-finished', stepId: 's1', attempt: 1, outcome: 'failed', durationMs: 10, error: { code: 'SQL_BATCH_FAILED', message: 'Invalid object name', hint: 'Check the script' } },
      { type: 'decision', stepId: 's1', decision: 'retry', by: 'Ana' },
      { type: 'step-started', stepId: 's1', attempt: 2 },
    ]);
    let { model } = applyJournalEvents(createRunModel(), events.slice(0, 3));
    expect(model.steps[0]).toMatchObject({ status: 'failed', error: { code: 'SQL_BATCH_FAILED' } });
    ({ model } = applyJournalEvents(model, events.slice(3)));
    expect(model.steps[0]).toMatchObject({ status: 'running', attempt: 2 });
    expect(model.steps[0]?.error).toBeUndefined();
    expect(model.steps[0]?.decisions).toEqual([{ decision: 'retry', by: 'Ana', at: events[3]?.at }]);
  });

  it('marks a skipped step with its reason and finishes the deployment', () => {
    const events = journal([
      started,
      { type: 'step-started', stepId: 's1', attempt: 1 },
      { type: 'step-finished', stepId: 's1', attempt: 1, outcome: 'failed', durationMs: 10, error: { code: 'X', message: 'm', hint: 'h' } },
      { type: 'decision', stepId: 's1', decision: 'skip', reason: 'DBA applies it by hand', by: 'Ana' },
      { type: 'step-started', stepId: 's2', attempt: 1 },
      { type: 'cancel-requested', mode: 'immediate', by: 'Ana' },
      { type: 'deployment-finished', outcome: 'cancelled', durationMs: 5000 },
    ]);
    const { model } = applyJournalEvents(createRunModel(), events);
    expect(model.steps.map((s) => s.status)).toEqual(['skipped', 'cancelled']);
    expect(model.steps[0]?.decisions[0]?.reason).toBe('DBA applies it by hand');
    expect(model.outcome).toBe('cancelled');
    expect(model.cancelRequested?.mode).toBe('immediate');
    expect(model.currentStepId).toBeUndefined();
  });

  it('ignores duplicates, stops at a gap and resumes when the gap is filled', () => {
    const events = journal([started, { type: 'step-started', stepId: 's1', attempt: 1 }, { type: 'log', stepId: 's1', level: 'info', message: 'a' }, { type: 'log', stepId: 's1', level: 'info', message: 'b' }]);
    const first = applyJournalEvents(createRunModel(), events.slice(0, 2));
    const withGap = applyJournalEvents(first.model, [events[3] as JournalEvent]);
    expect(withGap.gapAfter).toBe(2);
    expect(withGap.applied).toBe(0);
    const filled = applyJournalEvents(withGap.model, events);
    expect(filled.applied).toBe(2);
    expect(filled.model.lastSeq).toBe(4);
    expect(filled.model.log.map((l) => l.message).slice(-2)).toEqual(['a', 'b']);
    const again = applyJournalEvents(filled.model, events);
    expect(again.applied).toBe(0);
    expect(again.model.log).toHaveLength(filled.model.log.length);
  });

  it('marks the running step interrupted after a crash', () => {
    const events = journal([started, { type: 'step-started', stepId: 's1', attempt: 1 }, { type: 'interrupted', detectedAt: '2025-01-01T11:00:00Z', lastSeq: 2, stepId: 's1', note: 'app closed' }]);
    const { model } = applyJournalEvents(createRunModel(), events);
    expect(model.steps[0]?.status).toBe('interrupted');
    expect(model.interruptions).toHaveLength(1);
  });

  it('keeps steps not announced at the start instead of dropping their events', () => {
    const events = journal([{ type: 'step-started', stepId: 'orphan', attempt: 1 }]);
    const { model } = applyJournalEvents(createRunModel(), events);
    expect(model.steps).toEqual([expect.objectContaining({ id: 'orphan', status: 'running' })]);
  });

  it('measures elapsed time for running and finished steps', () => {
    const step = { id: 's', name: 's', type: 't', status: 'running' as const, attempt: 1, startedAt: '2025-01-01T10:00:00.000Z', warnings: 0, artifacts: [], decisions: [], runCondition: 'success' as const, cleanup: false, errors: [] };
    expect(stepElapsedMs(step, Date.parse('2025-01-01T10:00:05.000Z'))).toBe(5000);
    expect(stepElapsedMs({ ...step, status: 'succeeded', durationMs: 42 }, 0)).toBe(42);
    expect(stepElapsedMs({ ...step, status: 'pending', startedAt: undefined }, 0)).toBeUndefined();
  });

  it('takes a 100,000-line journal in one pass, in order, with every step finished', () => {
    const events = syntheticJournal(100_000);
    const { model, applied, gapAfter } = applyJournalEvents(createRunModel(), events);
    expect(gapAfter).toBeUndefined();
    expect(applied).toBe(events.length);
    expect(model.log.filter((l) => l.source === 'sql')).toHaveLength(100_000);
    expect(model.steps.every((s) => s.status === 'succeeded')).toBe(true);
    expect(model.outcome).toBe('succeeded');
    expect(model.log.every((line, i, all) => i === 0 || line.seq > (all[i - 1] as { seq: number }).seq)).toBe(true);
  });

  it('shows the choice for a script a crash left part-way as an operator line of its step; batch events add no log line', () => {
    const events = journal([
      started,
      { type: 'step-started', stepId: 's1', attempt: 1 },
      { type: 'script-started', stepId: 's1', script: '002_tables.sql', batches: 3, sha256: 'ab' },
      { type: 'batch-committed', stepId: 's1', script: '002_tables.sql', batch: 1, of: 3, file: '002_tables.sql', line: 1 },
      { type: 'interrupted-script', stepId: 's1', script: '002_tables.sql', appliedBatches: 1, inFlightBatch: 2, of: 3, choice: 'skip', reason: 'done by hand', by: 'Ana' },
    ]);
    const { model } = applyJournalEvents(createRunModel(), events);
    const last = model.log.at(-1)!;
    expect(last).toMatchObject({ level: 'warn', stepId: 's1', source: 'operator' });
    expect(last.message).toBe('Ana chose skip for 002_tables.sql, which stopped part-way (batches known applied: 1 of 3; batch 2 was in flight): done by hand');
    expect(model.log.filter((l) => l.message.includes('batch'))).toHaveLength(1);
  });
});
