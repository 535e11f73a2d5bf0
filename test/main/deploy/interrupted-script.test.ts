/**
 * Reading a journal for a `transaction: none` script a crash left part-way: which batches are known
 * applied, which one was in flight, and when there is nothing to ask about.
 */
import { describe, expect, it } from 'vitest';
import type { JournalEvent, JournalEventInput } from '../../../common/journal-events';
import { checkInterruptedAnswer, describeInterruptedScript, findInterruptedScript } from '../../../main/deploy/interrupted-script';

function journal(...inputs: JournalEventInput[]): JournalEvent[] {
  return inputs.map((e, i) => ({ seq: i + 1, at: new Date(Date.UTC(2026, 11, 1, 8, 0, i)).toISOString(), ...e }) as JournalEvent);
}

const start = (script: string, batches = 3): JournalEventInput => ({ type: 'script-started', stepId: 'db', script, batches, sha256: 'ab'.repeat(32) });
const batch = (script: string, n: number, of = 3): JournalEventInput => ({ type: 'batch-committed', stepId: 'db', script, batch: n, of, file: script, line: n * 10 });
const applied = (script: string): JournalEventInput => ({ type: 'artifact', stepId: 'db', artifact: { kind: 'script', name: script, action: 'applied' } });

describe('findInterruptedScript', () => {
  it('names the script, the batches that came back and the one in flight', () => {
    const hit = findInterruptedScript(journal({ type: 'step-started', stepId: 'db', attempt: 1 }, start('001.sql', 1), batch('001.sql', 1, 1), applied('001.sql'), start('002.sql'), batch('002.sql', 1), batch('002.sql', 2)));
    expect(hit).toEqual({ stepId: 'db', script: '002.sql', of: 3, appliedBatches: 2, applied: [{ batch: 1, file: '002.sql', line: 10 }, { batch: 2, file: '002.sql', line: 20 }], inFlightBatch: 3 });
    expect(describeInterruptedScript(hit!)).toBe('002.sql (step db): batches 1–2 of 3 applied; batch 3 was running when it stopped (it may or may not have been applied)');
  });

  it('a crash before the first batch came back: nothing applied, batch 1 in flight', () => {
    expect(findInterruptedScript(journal(start('002.sql')))).toMatchObject({ appliedBatches: 0, inFlightBatch: 1 });
  });

  it('every batch back but the script not recorded: no batch in flight', () => {
    const hit = findInterruptedScript(journal(start('002.sql', 2), batch('002.sql', 1, 2), batch('002.sql', 2, 2)))!;
    expect(hit.inFlightBatch).toBeUndefined();
    expect(describeInterruptedScript(hit)).toContain('every batch came back but the script was not recorded as done');
  });

  it('nothing to ask: no script-started, the script finished or was skipped, its step ended, or the deployment ended', () => {
    expect(findInterruptedScript(journal({ type: 'step-started', stepId: 'db', attempt: 1 }))).toBeUndefined();
    expect(findInterruptedScript(journal(start('002.sql'), batch('002.sql', 1), applied('002.sql')))).toBeUndefined();
    expect(findInterruptedScript(journal(start('002.sql'), { type: 'artifact', stepId: 'db', artifact: { kind: 'script', name: '002.SQL', action: 'skipped after interruption' } }))).toBeUndefined();
    expect(findInterruptedScript(journal(start('002.sql'), { type: 'step-finished', stepId: 'db', attempt: 1, outcome: 'failed', durationMs: 5 }))).toBeUndefined();
    expect(findInterruptedScript(journal(start('002.sql'), { type: 'deployment-finished', outcome: 'aborted', durationMs: 5 }))).toBeUndefined();
  });

  it('after a "continue" resume crashed again, the position is the new session’s', () => {
    const hit = findInterruptedScript(journal(start('002.sql', 4), batch('002.sql', 1, 4), start('002.sql', 4), batch('002.sql', 1, 4), batch('002.sql', 2, 4), batch('002.sql', 3, 4)));
    expect(hit).toMatchObject({ appliedBatches: 3, inFlightBatch: 4 });
  });
});

describe('checkInterruptedAnswer', () => {
  it('a skip needs a reason; an unknown choice is refused; the reason is trimmed', () => {
    expect(() => checkInterruptedAnswer({ choice: 'skip' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENTS' }));
    expect(() => checkInterruptedAnswer({ choice: 'skip', reason: '   ' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENTS' }));
    expect(() => checkInterruptedAnswer({ choice: 'later' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENTS' }));
    expect(checkInterruptedAnswer({ choice: 'skip', reason: ' done by hand ' })).toEqual({ choice: 'skip', reason: 'done by hand' });
    expect(checkInterruptedAnswer({ choice: 'continue' })).toEqual({ choice: 'continue' });
  });
});
