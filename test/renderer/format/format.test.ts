import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, formatDuration, plural } from '../../../renderer/format/format';

describe('format', () => {
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300.0 MB');
    expect(formatBytes(-1)).toBe('—');
  });
  it('formats durations at each scale', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });
  it('formats clocks and plurals', () => {
    expect(formatClock(3_725_000)).toBe('01:02:05');
    expect(plural(1, 'step')).toBe('1 step');
    expect(plural(2, 'entry', 'entries')).toBe('2 entries');
  });
});
