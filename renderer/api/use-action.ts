import { useCallback, useRef, useState } from 'react';
import type { Reply, RequestName, RequestParams, RequestResult } from '../../common/contract';
import type { ErrorShape } from '../../common/errors';
import { getApi } from './client';

/** State of a user-triggered request: busy while in flight, the last error until the next attempt. */
export function useAction<K extends RequestName>(name: K): {
  run: (params: RequestParams<K>) => Promise<RequestResult<K> | null>;
  busy: boolean;
  error: ErrorShape | null;
  clearError: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorShape | null>(null);
  const inFlight = useRef(false);
  const run = useCallback(
    async (params: RequestParams<K>) => {
      // A double click must not start two deployments.
      if (inFlight.current) return null;
      inFlight.current = true;
      setBusy(true);
      setError(null);
      let reply: Reply<K>;
      try {
        reply = await getApi().invoke(name, params);
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
      if (reply.ok) return reply.result;
      setError(reply.error);
      return null;
    },
    [name],
  );
  const clearError = useCallback(() => setError(null), []);
  return { run, busy, error, clearError };
}
