import { useEffect, useRef, useState } from 'react';
import { continueFilterPass, finishFilterPass, isIdentityFilter, startFilterPass, type FilteredLog, type LogFilter } from './log-filter';
import type { LogLine } from './run-model';

/** Longest a slice of filtering may hold the page, so keystrokes and scrolling paint in between. */
const SLICE_MS = 4;

export interface ShownFilter {
  /** Indices of the lines shown, or null when every line is (no filter, or the first pass has not finished). */
  filtered: FilteredLog | null;
  /** The filter `filtered` was computed for (its query drives the highlighting). */
  filter: LogFilter | null;
}

/**
 * Filters the log off the input's path: the pass runs in short slices after the keystroke has rendered, and
 * the previous result stays on screen until the new one is complete (as useDeferredValue would show it,
 * except that a 100,000-line scan can no longer block a frame).
 */
export function useFilteredLog(log: readonly LogLine[], version: number, filter: LogFilter): ShownFilter {
  const identity = isIdentityFilter(filter);
  const [result, setResult] = useState<{ filtered: FilteredLog; filter: LogFilter } | null>(null);
  const last = useRef<FilteredLog | undefined>(undefined);

  useEffect(() => {
    if (identity) return;
    const pass = startFilterPass(log, filter, last.current);
    const channel = new MessageChannel();
    let cancelled = false;
    const slice = () => {
      if (cancelled) return;
      const until = performance.now() + SLICE_MS;
      let done: boolean;
      do done = continueFilterPass(pass, log, 2000);
      while (!done && performance.now() < until);
      if (!done) {
        channel.port2.postMessage(null);
        return;
      }
      const filtered = finishFilterPass(pass);
      last.current = filtered;
      setResult((prev) => (prev && prev.filtered === filtered && prev.filter === filter ? prev : { filtered, filter }));
    };
    channel.port1.onmessage = slice;
    channel.port2.postMessage(null);
    return () => {
      cancelled = true;
      channel.port1.close();
    };
    // `version` stands for the log's length: the array is appended in place.
  }, [log, version, filter, identity]);

  // A result from before the filter was cleared belongs to an older search: drop it (render-time state adjustment).
  if (identity && result !== null) setResult(null);
  if (identity || result === null) return { filtered: null, filter: null };
  return result;
}
