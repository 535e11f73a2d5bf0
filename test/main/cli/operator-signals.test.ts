import { describe, expect, it } from 'vitest';
import { operatorSignalCounter, SIGNAL_ECHO_MS } from '../../../main/cli/operator-signals';

describe('operatorSignalCounter', () => {
  it("numbers the operator's signals and answers 0 for conf's echo of one", () => {
    let clock = 10_000;
    const next = operatorSignalCounter(SIGNAL_ECHO_MS, () => clock);
    expect(next()).toBe(1);
    clock += 2; // when-exit re-raises the first signal at once
    expect(next()).toBe(0);
    clock += SIGNAL_ECHO_MS - 3;
    expect(next()).toBe(0);
    clock += 5_000; // the operator presses Ctrl+C again
    expect(next()).toBe(2);
    clock += 1;
    expect(next()).toBe(0);
    clock += SIGNAL_ECHO_MS;
    expect(next()).toBe(3);
  });

  it('counts a first signal at any time, even at clock zero', () => {
    const next = operatorSignalCounter(SIGNAL_ECHO_MS, () => 0);
    expect(next()).toBe(1);
    expect(next()).toBe(0);
  });
});
