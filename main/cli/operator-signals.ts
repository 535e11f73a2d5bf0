/**
 * conf's atomic writer (its when-exit dependency) re-raises the first SIGINT/SIGTERM it sees, within
 * milliseconds. That echo must not count as the operator's second Ctrl+C, which means "stop now".
 */
export const SIGNAL_ECHO_MS = 300;

/**
 * Numbers the operator's interrupts: 1 for the first, 2 for the next one, and so on; 0 for an echo
 * (a signal within SIGNAL_ECHO_MS of the last one counted).
 */
export function operatorSignalCounter(echoWindowMs = SIGNAL_ECHO_MS, now: () => number = Date.now): () => number {
  let count = 0;
  let last = 0;
  return () => {
    const at = now();
    if (count > 0 && at - last < echoWindowMs) return 0;
    last = at;
    return ++count;
  };
}
