import { useCallback, useEffect, useRef, useState } from 'react';
import type { RequestName, RequestParams, RequestResult } from '../../common/contract';
import type { ErrorShape } from '../../common/errors';
import { getApi } from './client';

export type RequestState<T> = { status: 'loading' } | { status: 'ok'; data: T } | { status: 'error'; error: ErrorShape };

/**
 * Loads one request when the component mounts or its params change. Late replies of superseded calls are
 * dropped, so a quick navigation never shows the previous screen's data.
 */
export function useRequest<K extends RequestName>(
  name: K,
  params: RequestParams<K> | null,
): { state: RequestState<RequestResult<K>>; reload: () => void; setData: (data: RequestResult<K>) => void } {
  const [state, setState] = useState<RequestState<RequestResult<K>>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const key = params === null ? null : JSON.stringify(params);

  useEffect(() => {
    if (key === null) return;
    const ticket = ++latest.current;
    setState({ status: 'loading' });
    void getApi()
      .invoke(name, JSON.parse(key) as RequestParams<K>)
      .then((reply) => {
        if (ticket !== latest.current) return;
        setState(reply.ok ? { status: 'ok', data: reply.result } : { status: 'error', error: reply.error });
      });
  }, [name, key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const setData = useCallback((data: RequestResult<K>) => setState({ status: 'ok', data }), []);
  return { state, reload, setData };
}

/** One-off call for actions (save, start, decide): returns the reply, never throws. */
export function call<K extends RequestName>(name: K, params: RequestParams<K>) {
  return getApi().invoke(name, params);
}
