import { describe, expect, it } from 'vitest';
import { percentile, summarize } from '../../../renderer/perf/perf-summary';

describe('perf summary', () => {
  it('computes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([], 50)).toBe(0);
  });
  it('summarises unsorted samples and keeps the last one', () => {
    const s = summarize([30, 10, 20.04], { lines: 3 });
    expect(s).toEqual({ count: 3, last: 20, min: 10, p50: 20, p95: 30, max: 30, detail: { lines: 3 } });
  });
});
