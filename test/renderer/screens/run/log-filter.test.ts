import { describe, expect, it } from 'vitest';
import { ALL_LEVELS, continueFilterPass, extendSearchIndex, filterLog, finishFilterPass, startFilterPass, isIdentityFilter, searchIndexFor, splitForHighlight, textToCopy } from '../../../../renderer/screens/run/log-filter';
import type { LogLine } from '../../../../renderer/screens/run/run-model';

const log: LogLine[] = [
  { seq: 1, at: '2025-01-01T10:00:00.000Z', level: 'info', message: 'Starting', source: 'runner' },
  { seq: 2, at: '2025-01-01T10:00:01.000Z', level: 'debug', message: 'batch 1', stepId: 's1' },
  { seq: 3, at: '2025-01-01T10:00:02.000Z', level: 'warn', message: 'Slow BATCH', stepId: 's1' },
  { seq: 4, at: '2025-01-01T10:00:03.000Z', level: 'error', message: 'Failed', stepId: 's2' },
];

describe('log filter', () => {
  it('recognises the pass-everything filter', () => {
    expect(isIdentityFilter({ levels: ALL_LEVELS, query: '  ' })).toBe(true);
    expect(isIdentityFilter({ levels: { ...ALL_LEVELS, debug: false }, query: '' })).toBe(false);
  });
  it('filters by level, step and case-insensitive text', () => {
    expect(filterLog(log, { levels: { ...ALL_LEVELS, debug: false }, query: '' }).indices).toEqual([0, 2, 3]);
    expect(filterLog(log, { levels: ALL_LEVELS, query: 'batch' }).indices).toEqual([1, 2]);
    expect(filterLog(log, { levels: ALL_LEVELS, query: '', stepId: 's2' }).indices).toEqual([3]);
    expect(filterLog(log, { levels: ALL_LEVELS, query: 'RUNNER' }).indices).toEqual([0]);
  });
  it('extends previous results for appended lines and restarts when the filter changes', () => {
    const filter = { levels: ALL_LEVELS, query: 'batch' };
    const first = filterLog(log.slice(0, 2), filter);
    expect(first).toMatchObject({ indices: [1], scanned: 2 });
    const extended = filterLog(log, filter, first);
    expect(extended.indices).toEqual([1, 2]);
    expect(first.indices).toEqual([1]);
    const changed = filterLog(log, { levels: ALL_LEVELS, query: 'fail' }, extended);
    expect(changed.indices).toEqual([3]);
  });
  it('copies selected lines, else the visible ones, as text', () => {
    const names = (id: string) => (id === 's1' ? 'Staging DB' : id);
    expect(textToCopy(log, [2, 3], new Set([3, 1]), names).text).toBe('2025-01-01T10:00:01.000Z DEBUG [Staging DB] batch 1\n2025-01-01T10:00:03.000Z ERROR [s2] Failed');
    expect(textToCopy(log, [2], new Set(), names)).toEqual({ text: '2025-01-01T10:00:02.000Z WARN  [Staging DB] Slow BATCH', count: 1 });
    expect(textToCopy(log, null, new Set()).count).toBe(4);
  });
  it('splits text around matches for highlighting', () => {
    expect(splitForHighlight('Batch one batch', 'batch')).toEqual([
      { text: 'Batch', match: true },
      { text: ' one ', match: false },
      { text: 'batch', match: true },
    ]);
    expect(splitForHighlight('abc', '')).toEqual([{ text: 'abc', match: false }]);
  });
  it('narrows previous results while the search text grows, and rescans when it shrinks', () => {
    const first = filterLog(log, { levels: ALL_LEVELS, query: 'b' });
    expect(first.indices).toEqual([1, 2]);
    const narrowed = filterLog(log, { levels: ALL_LEVELS, query: 'Batch 1' }, first);
    expect(narrowed.indices).toEqual([1]);
    expect(first.indices).toEqual([1, 2]);
    // Shorter text: lines dropped by the narrower pass must come back.
    expect(filterLog(log, { levels: ALL_LEVELS, query: 'ba' }, narrowed).indices).toEqual([1, 2]);
    // A level change is a different filter, not a narrowing, even with a longer text.
    expect(filterLog(log, { levels: { ...ALL_LEVELS, warn: false }, query: 'batch' }, first).indices).toEqual([1]);
    // Narrowing also scans lines appended since the previous pass.
    const grown = [...log, { seq: 5, at: '2025-01-01T10:00:04.000Z', level: 'info' as const, message: 'batch 12' }];
    expect(filterLog(grown, { levels: ALL_LEVELS, query: 'batch 1' }, filterLog(log, { levels: ALL_LEVELS, query: 'batch' })).indices).toEqual([1, 4]);
  });
  it('returns the previous result itself when neither the filter nor the log changed', () => {
    const first = filterLog(log, { levels: ALL_LEVELS, query: 'batch' });
    expect(filterLog(log, { levels: ALL_LEVELS, query: ' BATCH ' }, first)).toBe(first);
  });
  it('indexes lower-cased text once per line, in slices, and restarts for a rewritten log', () => {
    const lines = log.slice();
    const index = searchIndexFor(lines);
    expect(extendSearchIndex(index, lines, 3)).toBe(false);
    expect(index.messages).toEqual(['starting', 'batch 1', 'slow batch']);
    expect(extendSearchIndex(index, lines)).toBe(true);
    expect(index.sources).toEqual(['runner', '', '', '']);
    expect(searchIndexFor(lines)).toBe(index);
    lines.length = 2;
    expect(searchIndexFor(lines).messages).toEqual([]);
    // Filtering through a partly filled index still sees every line.
    const fresh = log.slice();
    extendSearchIndex(searchIndexFor(fresh), fresh, 1);
    expect(filterLog(fresh, { levels: ALL_LEVELS, query: 'failed' }).indices).toEqual([3]);
  });
  it('runs a pass in slices of at most `budget` lines with the same result as one go', () => {
    const many: LogLine[] = Array.from({ length: 25 }, (_, i) => ({ seq: i, at: '2025-01-01T10:00:00.000Z', level: i % 5 === 0 ? 'warn' : 'info', message: `line ${i}` }));
    const filter = { levels: ALL_LEVELS, query: 'line 1' };
    const pass = startFilterPass(many, filter);
    const slices: number[] = [];
    for (;;) {
      const before = pass.next + pass.candidatePos;
      const done = continueFilterPass(pass, many, 4);
      slices.push(pass.next + pass.candidatePos - before);
      if (done) break;
    }
    expect(Math.max(...slices)).toBe(4);
    expect(slices.length).toBe(7);
    const sliced = finishFilterPass(pass);
    expect(sliced).toEqual(filterLog(many, filter));
    // Narrowing in slices re-tests only the earlier matches.
    const narrow = startFilterPass(many, { levels: ALL_LEVELS, query: 'line 12' }, sliced);
    expect(narrow.candidates).toEqual(sliced.indices);
    expect(continueFilterPass(narrow, many, 3)).toBe(false);
    expect(continueFilterPass(narrow, many, 100)).toBe(true);
    expect(finishFilterPass(narrow).indices).toEqual([12]);
    // An unchanged filter is complete before it starts.
    const again = startFilterPass(many, filter, sliced);
    expect(continueFilterPass(again, many, 0)).toBe(true);
    expect(finishFilterPass(again)).toBe(sliced);
  });
});
