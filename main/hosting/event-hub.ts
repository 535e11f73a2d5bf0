import type { EventName, EventPayload } from '../../common/contract';

type AnyListener = (name: EventName, payload: unknown) => void;

/** Fans engine events out to every connected UI (IPC window, SSE clients, the CLI's progress view). */
export class EventHub {
  private readonly listeners = new Set<AnyListener>();

  /** Sends one contract event to every subscriber; a throwing subscriber cannot stop the others. */
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload);
      } catch {
        // A broken UI connection must never interrupt a deployment.
      }
    }
  }

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: AnyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
