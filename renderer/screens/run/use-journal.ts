import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeploymentSummary, PendingDecision } from '../../../common/contract';
import type { ErrorShape } from '../../../common/errors';
import type { JournalEvent } from '../../../common/journal-events';
import { getApi } from '../../api/client';
import { applyJournalEvents, createRunModel, type RunModel } from './run-model';

export interface JournalView {
  model: RunModel;
  /** Increments on every applied batch (the log array is shared, so this is what changes). */
  version: number;
  state: DeploymentSummary['state'] | null;
  pendingDecision?: PendingDecision;
  loadError: ErrorShape | null;
  /** performance.now() when the initial journal reply arrived; for the first-render measure. */
  loadedAt: number | null;
}

/** How long without an event before the journal is polled, in case the event stream dropped. */
const QUIET_POLL_MS = 3000;

/**
 * Follows one deployment: the journal read once (deploy.journal), then live 'journal' events batched per
 * animation frame, gaps repaired by re-reading after the last seq, and a slow poll as a safety net.
 */
export function useJournal(deploymentId: string): JournalView & { reload: () => void } {
  const modelRef = useRef<RunModel>(createRunModel());
  const [view, setView] = useState<JournalView>({ model: modelRef.current, version: 0, state: null, loadError: null, loadedAt: null });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const api = getApi();
    let disposed = false;
    let loaded = false;
    let frame = 0;
    let fetching = false;
    let lastActivity = Date.now();
    let deploymentState: DeploymentSummary['state'] | null = null;
    const pending: JournalEvent[] = [];
    modelRef.current = createRunModel();

    const publish = (extra: Partial<JournalView> = {}) => {
      if (disposed) return;
      setView((v) => ({ ...v, ...extra, model: modelRef.current, version: v.version + 1 }));
    };

    const apply = (events: JournalEvent[]) => {
      if (events.length === 0) return;
      const result = applyJournalEvents(modelRef.current, events);
      modelRef.current = result.model;
      if (result.gapAfter !== undefined) void fetchAfter(result.gapAfter);
    };

    const fetchAfter = async (afterSeq?: number) => {
      if (fetching) return;
      fetching = true;
      try {
        const reply = await api.invoke('deploy.journal', afterSeq === undefined ? { deploymentId } : { deploymentId, afterSeq });
        if (disposed) return;
        if (!reply.ok) {
          if (!loaded) publish({ loadError: reply.error });
          return;
        }
        const receivedAt = performance.now();
        apply(reply.result.events);
        const first = !loaded;
        loaded = true;
        lastActivity = Date.now();
        const buffered = pending.splice(0);
        apply(buffered);
        const { pendingDecision } = reply.result;
        deploymentState = reply.result.state;
        publish({
          state: reply.result.state,
          loadError: null,
          ...(pendingDecision ? { pendingDecision } : { pendingDecision: undefined }),
          ...(first ? { loadedAt: receivedAt } : {}),
        });
      } finally {
        fetching = false;
      }
    };

    const flush = () => {
      frame = 0;
      apply(pending.splice(0));
      publish();
    };

    const offJournal = api.on('journal', (payload) => {
      if (payload.deploymentId !== deploymentId) return;
      lastActivity = Date.now();
      pending.push(payload.event);
      // Before the first read completes, events wait; afterwards they are applied once per frame.
      if (loaded && frame === 0) frame = requestAnimationFrame(flush);
    });
    const offState = api.on('deployment-state', (payload) => {
      if (payload.deploymentId !== deploymentId) return;
      lastActivity = Date.now();
      deploymentState = payload.state;
      setView((v) => ({ ...v, state: payload.state, pendingDecision: payload.pendingDecision as PendingDecision | undefined }));
      // A finished or paused deployment: read the tail so nothing the stream lost is missing.
      if (payload.state !== 'running') void fetchAfter(modelRef.current.lastSeq);
    });

    void fetchAfter();
    const poll = window.setInterval(() => {
      if (!loaded || Date.now() - lastActivity < QUIET_POLL_MS) return;
      if (deploymentState === 'running' || deploymentState === 'awaiting-decision') void fetchAfter(modelRef.current.lastSeq);
      lastActivity = Date.now();
    }, QUIET_POLL_MS);

    return () => {
      disposed = true;
      offJournal();
      offState();
      if (frame) cancelAnimationFrame(frame);
      window.clearInterval(poll);
    };
  }, [deploymentId, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...view, reload };
}
