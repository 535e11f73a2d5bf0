import { describe, expect, it } from 'vitest';
import { computeVirtualWindow, isAtBottom, scrollTopToReveal } from '../../../renderer/ui/virtual-window';

describe('virtual window', () => {
  it('renders only the visible rows plus overscan', () => {
    const w = computeVirtualWindow({ scrollTop: 2000, viewportHeight: 400, rowHeight: 20, count: 100_000, overscan: 5 });
    expect(w.start).toBe(95);
    expect(w.end).toBe(100 + 21 + 5);
    expect(w.offsetTop).toBe(95 * 20);
    expect(w.totalHeight).toBe(2_000_000);
    expect(w.end - w.start).toBeLessThan(40);
  });
  it('clamps scroll positions past the end so the last rows still render', () => {
    const w = computeVirtualWindow({ scrollTop: 10_000_000, viewportHeight: 400, rowHeight: 20, count: 1000, overscan: 2 });
    expect(w.end).toBe(1000);
    expect(w.start).toBe(1000 - 20 - 2);
  });
  it('handles empty lists and negative scroll', () => {
    expect(computeVirtualWindow({ scrollTop: -50, viewportHeight: 400, rowHeight: 20, count: 0, overscan: 5 })).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
    expect(computeVirtualWindow({ scrollTop: -50, viewportHeight: 400, rowHeight: 20, count: 3, overscan: 5 })).toMatchObject({ start: 0, end: 3 });
  });
  it('reveals rows above and below the viewport, not ones in it', () => {
    expect(scrollTopToReveal(10, 400, 200, 20)).toBe(200);
    expect(scrollTopToReveal(40, 400, 200, 20)).toBe(41 * 20 - 200);
    expect(scrollTopToReveal(25, 400, 200, 20)).toBeNull();
  });
  it('knows when the view is at the bottom', () => {
    expect(isAtBottom(800, 200, 1000)).toBe(true);
    expect(isAtBottom(700, 200, 1000)).toBe(false);
  });
});
