/**
 * Whether the engine behind this page is alive. Only the browser host can die under an open tab (its
 * terminal closed, the process killed); the Electron window dies with its engine. The transport reports
 * what it sees on the event stream; the UI shows a banner at once instead of a timer that keeps running
 * for a deployment nobody is running any more.
 */
export type HostStatus = 'alive' | 'down';

let status: HostStatus = 'alive';
const listeners = new Set<(status: HostStatus) => void>();

export function hostStatus(): HostStatus {
  return status;
}

/** Called by the transport only. */
export function setHostStatus(next: HostStatus): void {
  if (next === status) return;
  status = next;
  for (const l of listeners) l(next);
}

export function onHostStatus(listener: (status: HostStatus) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
