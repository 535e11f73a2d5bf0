import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import type { JournalEvent } from '../../../common/journal-events';
import { buildReportModel, MASK, utcOffsetText } from '../../../main/report/report-model';
import { failedRetrySkipJournal, interruptedJournal, JournalBuilder, PLANTED_SECRET, STEPS, successfulJournal } from './journal-fixtures';

const fixed = { generatedAt: '2025-03-14T22:00:00.000Z', appVersion: '9.9.9' };

function codeOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('buildReportModel — a successful run with SQL, SSIS and a manual step', () => {
  const m = buildReportModel(successfulJournal(), fixed);

  it('carries the drop identity, tenant, machine, operator and timing from the journal', () => {
    expect(m.title).toBe("Deployment report — Patient Flow 2.4.0 — St Mary's Hospital");
    expect(m.drop).toMatchObject({
      project: { id: 'patient-flow', name: 'Patient Flow' },
      release: { version: '2.4.0', channel: 'Stable' },
      format: 'native',
      sha256: '9f2c1a7be5d04c8e3b6a1f0e2d4c6b8a0e1f2d3c4b5a69788796a5b4c3d2e1f0',
      signature: { state: 'verified', publisher: 'Contoso Health Software B.V.' },
    });
    expect(m.target).toEqual({ tenantId: 'st-marys', tenantName: "St Mary's Hospital", environment: 'Production' });
    expect(m.execution).toMatchObject({
      machine: 'SMH-SQL-APP01',
      osUser: 'SMH\\svc-deploy',
      operator: 'Jana de Vries',
      startedAt: '2025-03-14T21:00:00.000Z',
      outcome: 'succeeded',
      complete: true,
      durationMs: 152_000,
    });
    expect(m.execution.finishedAt).not.toBeNull();
    expect(m.execution.machineClock).toEqual({ timeZone: 'Europe/Amsterdam', utcOffset: '+01:00' });
    expect(m.generatedAt).toBe(fixed.generatedAt);
    expect(m.generator.version).toBe('9.9.9');
  });

  it('lists every planned step in order with outcome, attempts and duration', () => {
    expect(m.steps.map((s) => s.id)).toEqual(STEPS.map((s) => s.id));
    expect(m.steps.map((s) => s.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(m.steps.map((s) => s.durationMs)).toEqual([14_100, 29_200, 1_500, 95_000]);
    expect(m.steps.every((s) => s.attempts.length === 1)).toBe(true);
    expect(m.summary.steps).toMatchObject({ total: 4, succeeded: 4, failed: 0, skipped: 0 });
  });

  it('records what each step applied: scripts with hashes, SSIS folder/project/operation id, environment variables by name', () => {
    const sql = m.steps[0]!;
    expect(sql.applied.scripts.map((s) => [s.name, s.action])).toEqual([
      ['0001-create-bed-tables.sql', 'applied'],
      ['0002-add-ward-index.sql', 'applied'],
      ['0003-seed-ward-codes.sql', 'applied'],
      ['0000-baseline.sql', 'skipped (already applied)'],
    ]);
    expect(sql.applied.scripts[0]!.sha256).toMatch(/^a1b2c3/);
    const ssis = m.steps[1]!;
    expect(ssis.applied).toMatchObject({ ssisFolders: ['PatientFlow'], ssisProjects: ['PatientFlowETL'], ssisOperationIds: ['48213'] });
    expect(m.steps[2]!.applied.environmentVariables).toEqual(['SourceConnection', 'EtlPassword']);
    expect(m.steps[2]!.warnings[0]!.message).toContain('LegacyExportPath');
  });

  it('keeps the preflight results, the variables with sources and the log', () => {
    expect(m.preflight?.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'warn', 'pass']);
    expect(m.summary.preflight).toEqual({ pass: 4, warn: 1, fail: 0 });
    expect(m.variables.find((v) => v.name === 'SqlServer')).toEqual({ name: 'SqlServer', source: 'tenant (remembered)', sensitive: false, value: 'smh-sql01.stmarys.local' });
    expect(m.variables.find((v) => v.name === 'EtlPassword')?.value).toBe(MASK);
    expect(m.log.length).toBe(7);
    expect(m.log[0]).toMatchObject({ level: 'info', stepId: 'db-schema', message: 'Connecting to smh-sql01.stmarys.local' });
  });

  it('builds the timeline from start/finish offsets, one bar per attempt', () => {
    const bars = m.timeline.bars;
    expect(bars.map((b) => b.stepId)).toEqual(STEPS.map((s) => s.id));
    expect(bars[0]).toMatchObject({ startMs: 3500, endMs: 16_400, finished: true, outcome: 'succeeded' });
    for (let i = 1; i < bars.length; i++) expect(bars[i]!.startMs).toBeGreaterThanOrEqual(bars[i - 1]!.endMs);
    expect(m.timeline.totalMs).toBeGreaterThanOrEqual(bars.at(-1)!.endMs);
    expect(m.decisions).toEqual([]);
    expect(m.notes).toEqual([]);
  });
});

describe('buildReportModel — a failed step, a retry and a skip with a reason', () => {
  const m = buildReportModel(failedRetrySkipJournal(), fixed);

  it('shows the retried step as succeeded after two attempts, with the first error kept', () => {
    const sql = m.steps[0]!;
    expect(sql.outcome).toBe('succeeded');
    expect(sql.attempts.map((a) => a.outcome)).toEqual(['failed', 'succeeded']);
    expect(sql.errors).toEqual([expect.objectContaining({ attempt: 1, code: 'SQL_BATCH_FAILED' })]);
    expect(sql.durationMs).toBe(37_000);
  });

  it('shows the failed-then-skipped step as skipped with the operator reason', () => {
    const ssis = m.steps[1]!;
    expect(ssis.outcome).toBe('skipped');
    expect(ssis.skipReason).toBe('ETL is deployed by the BI team separately (change CHG-1182)');
    expect(ssis.skippedBy).toBe('Jana de Vries');
    expect(m.steps[2]!.skippedBy).toBeNull();
    expect(ssis.errors[0]!.code).toBe('SSIS_FOLDER_MISSING');
    expect(m.steps[2]!.outcome).toBe('skipped');
  });

  it('lists the operator decisions in order with who and why', () => {
    expect(m.decisions.map((d) => [d.kind, d.stepId, d.by])).toEqual([
      ['retry', 'db-schema', 'Jana de Vries'],
      ['skip', 'ssis-etl', 'Jana de Vries'],
    ]);
    expect(m.decisions[0]!.reason).toBe('Nightly index job finished');
    expect(m.decisions[1]!.stepName).toBe('Deploy SSIS project PatientFlowETL');
    expect(m.summary).toMatchObject({ retries: 1, skips: 1, errors: 2, steps: { succeeded: 2, skipped: 2, failed: 0 } });
    expect(m.warnings.map((w) => w.message)).toEqual(['Step 3 depends on step 2, which was skipped; it was skipped too.']);
  });

  it('draws both attempts of the retried step on the timeline', () => {
    const bars = m.timeline.bars.filter((b) => b.stepId === 'db-schema');
    expect(bars.map((b) => [b.attempt, b.outcome])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    expect(bars[1]!.startMs).toBeGreaterThan(bars[0]!.endMs);
  });
});

describe('buildReportModel — an interrupted run', () => {
  const m = buildReportModel(interruptedJournal(), fixed);

  it('is reported as incomplete, never as success', () => {
    expect(m.execution.outcome).toBe('incomplete');
    expect(m.execution.complete).toBe(false);
    expect(m.execution.finishedAt).toBeNull();
    expect(m.execution.durationMs).toBeNull();
    expect(m.summary.interruptions).toBe(1);
  });

  it('marks the running step incomplete and the rest not run; the open bar ends at the last event', () => {
    expect(m.steps.map((s) => s.outcome)).toEqual(['succeeded', 'incomplete', 'not-run', 'not-run']);
    const open = m.timeline.bars.find((b) => b.stepId === 'ssis-etl')!;
    expect(open.finished).toBe(false);
    expect(open.endMs).toBe(Date.parse(m.execution.lastEventAt) - Date.parse(m.execution.startedAt));
  });

  it('lists the cancel request', () => {
    expect(m.decisions).toEqual([expect.objectContaining({ kind: 'cancel-requested', by: 'Jana de Vries', detail: expect.stringContaining('Graceful') })]);
  });

  it('lists a recorded interruption and a resume in the same journal', () => {
    const b = new JournalBuilder();
    const events = interruptedJournal();
    for (const e of events) b.add(e);
    const first = events[0] as Extract<JournalEvent, { type: 'deployment-started' }>;
    b.wait(600_000).add({ type: 'interrupted', detectedAt: b.now, lastSeq: events.length, stepId: 'ssis-etl', note: 'Drop Runner was not running when the step ended' });
    b.add({ ...first, type: 'deployment-started', resumedFrom: first.deploymentId } as never);
    b.wait(1000).add({ type: 'step-started', stepId: 'ssis-etl', attempt: 2 });
    b.wait(1000).add({ type: 'step-finished', stepId: 'ssis-etl', attempt: 2, outcome: 'succeeded', durationMs: 1000 });
    const r = buildReportModel(b.events, fixed);
    expect(r.decisions.map((d) => d.kind)).toEqual(['cancel-requested', 'interrupted', 'resumed']);
    expect(r.decisions[1]!.detail).toContain('Drop Runner was not running');
    expect(r.steps[1]!.outcome).toBe('succeeded');
    expect(r.steps[1]!.attempts.map((a) => a.outcome)).toEqual(['incomplete', 'succeeded']);
    expect(r.execution.outcome).toBe('incomplete');
  });
});

describe('buildReportModel — secrets (defence in depth)', () => {
  it('masks a sensitive variable whose value leaked into the journal, and scrubs it from every other string', () => {
    const m = buildReportModel(successfulJournal({ leakSecret: true, secretInLog: true }), fixed);
    expect(m.variables.find((v) => v.name === 'EtlPassword')?.value).toBe(MASK);
    expect(JSON.stringify(m)).not.toContain(PLANTED_SECRET);
    expect(m.log.some((l) => l.message === `Login with password ${MASK} succeeded`)).toBe(true);
    expect(m.notes.join(' ')).toContain('EtlPassword');
  });
});

describe('buildReportModel — journal validation', () => {
  it('rejects an empty journal with REPORT_JOURNAL_INVALID', () => {
    const e = codeOf(() => buildReportModel([]));
    expect(e.code).toBe('REPORT_JOURNAL_INVALID');
    expect(e.message).toContain('empty');
  });

  it('rejects a journal that does not start with deployment-started', () => {
    const e = codeOf(() => buildReportModel(successfulJournal().slice(1)));
    expect(e.code).toBe('REPORT_JOURNAL_INVALID');
    expect(e.message).toContain('"preflight"');
    expect(e.hint).toContain('journal.jsonl');
  });

  it('rejects a malformed event naming its position, seq and field', () => {
    const events = successfulJournal();
    const bad = { ...events[3], stepId: 42 } as unknown as JournalEvent;
    const e = codeOf(() => buildReportModel([...events.slice(0, 3), bad, ...events.slice(4)]));
    expect(e.code).toBe('REPORT_JOURNAL_INVALID');
    expect(e.message).toMatch(/#4 \(log, seq 4\) is malformed at "stepId"/);
    expect(e.details).toMatchObject({ position: 4, seq: 4, path: 'stepId' });
  });

  it('sets aside unknown event types and out-of-order seq with a note instead of failing', () => {
    const events = successfulJournal();
    const odd = { type: 'telemetry', seq: 99, at: events[1]!.at } as unknown as JournalEvent;
    const m = buildReportModel([events[0]!, odd, ...events.slice(1)], fixed);
    expect(m.notes.some((n) => n.includes('unknown type "telemetry"'))).toBe(true);
    const m2 = buildReportModel([events[0]!, events[2]!, events[1]!, ...events.slice(3)], fixed);
    expect(m2.notes.some((n) => n.includes('not after'))).toBe(true);
  });

  it('notes events for steps that are not in the plan', () => {
    const b = new JournalBuilder();
    for (const e of successfulJournal()) b.add(e);
    b.add({ type: 'warning', stepId: 'ghost', message: 'x' });
    const m = buildReportModel(b.events, fixed);
    expect(m.notes.some((n) => n.includes('ghost'))).toBe(true);
    expect(m.steps.at(-1)).toMatchObject({ id: 'ghost', type: 'unknown', outcome: 'not-run' });
  });

  it('reads an SSIS operation id from the detail text when the structured field is absent', () => {
    const b = new JournalBuilder();
    for (const e of interruptedJournal()) b.add(e);
    b.add({ type: 'artifact', stepId: 'ssis-etl', artifact: { kind: 'ssis-project', name: 'P', action: 'updated', detail: 'deployed, operation id 777' } });
    expect(buildReportModel(b.events, fixed).steps[1]!.applied.ssisOperationIds).toEqual(['777']);
  });
});

describe('the machine clock', () => {
  it('is null for a journal written before it was recorded, and offsets read as ±hh:mm', () => {
    const events = successfulJournal().map((e) => {
      if (e.type !== 'deployment-started') return e;
      const { clock: _clock, ...rest } = e;
      return rest as JournalEvent;
    });
    expect(buildReportModel(events, fixed).execution.machineClock).toBeNull();
    expect([utcOffsetText(60), utcOffsetText(-330), utcOffsetText(0), utcOffsetText(345)]).toEqual(['+01:00', '-05:30', '+00:00', '+05:45']);
  });
});

describe('buildReportModel — honest outcomes', () => {
  it('an older journal that recorded "succeeded" after a skip is read as completed-with-skips, with the Not applied list', () => {
    const m = buildReportModel(failedRetrySkipJournal(), fixed);
    expect(m.execution.outcome).toBe('completed-with-skips');
    expect(m.notApplied.map((n) => [n.stepId, n.status, n.why, n.reason, n.by])).toEqual([
      ['ssis-etl', 'skipped', 'Failed, then skipped by the operator', 'ETL is deployed by the BI team separately (change CHG-1182)', 'Jana de Vries'],
      ['ssis-env', 'skipped', 'Skipped by the operator', '', null],
    ]);
    expect(m.steps.find((s) => s.id === 'ssis-etl')).toMatchObject({ outcome: 'skipped', skipCause: 'after-failure', runCondition: 'success', cleanup: false });
  });

  it('a successful run has nothing in Not applied and no clean-up', () => {
    const m = buildReportModel(successfulJournal(), fixed);
    expect(m.execution.outcome).toBe('succeeded');
    expect(m.notApplied).toEqual([]);
    expect(m.cleanup).toEqual([]);
  });

  it('an interrupted run after a cancel request lists the step that was running and the steps that never ran', () => {
    const m = buildReportModel(interruptedJournal(), fixed);
    expect(m.execution.outcome).toBe('incomplete');
    expect(m.notApplied.map((n) => [n.stepId, n.status])).toEqual([
      ['ssis-etl', 'running'],
      ['ssis-env', 'not-run'],
      ['verify', 'not-run'],
    ]);
  });
});
