import { summarize, type PerfSummary } from './perf-summary';

/** Names of the figures the e2e run reads (issue 8, "Figures"). */
export type PerfName =
  | 'variables-first-render'
  | 'variables-full-render'
  | 'variables-input-latency'
  | 'run-log-first-render'
  | 'run-log-scroll-latency'
  | 'run-log-input-latency';

declare global {
  interface Window {
    /** Timing figures of this page, keyed by name; read by the Playwright e2e run. */
    __dropRunnerPerf?: Partial<Record<PerfName, PerfSummary>>;
  }
}

const samples = new Map<PerfName, number[]>();
const MAX_SAMPLES = 2000;

/** Records one sample (ms) under a name, also as a performance.measure entry for DevTools. */
export function recordPerf(name: PerfName, startTime: number, detail?: Record<string, number | string>): number {
  const end = performance.now();
  const duration = end - startTime;
  try {
    performance.measure(name, { start: startTime, end, ...(detail ? { detail } : {}) });
  } catch {
    // Older engines without the options form still get the sample below.
  }
  const list = samples.get(name) ?? [];
  list.push(duration);
  if (list.length > MAX_SAMPLES) list.shift();
  samples.set(name, list);
  window.__dropRunnerPerf = { ...(window.__dropRunnerPerf ?? {}), [name]: summarize(list, detail) };
  return duration;
}

/** Runs `callback` after the browser has painted the next frame (rAF, then a macrotask). */
export function afterNextPaint(callback: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => callback();
    channel.port2.postMessage(null);
  });
}

/** Measures input latency: from the event's timestamp to the paint that shows its effect, one at a time. */
export function createLatencyProbe(name: PerfName): (eventTimeStamp: number) => void {
  let pending = false;
  return (eventTimeStamp: number) => {
    if (pending) return;
    pending = true;
    // Event.timeStamp is on the same clock as performance.now() in Chromium.
    const start = eventTimeStamp > 0 && eventTimeStamp <= performance.now() ? eventTimeStamp : performance.now();
    afterNextPaint(() => {
      pending = false;
      recordPerf(name, start);
    });
  };
}
