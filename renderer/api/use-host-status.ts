import { useEffect, useState } from 'react';
import { getApi } from './client';
import { hostStatus, onHostStatus, type HostStatus } from './host-status';

/** The host's status; subscribing opens the event stream, so a dead host is noticed on any screen. */
export function useHostStatus(): HostStatus {
  const [status, setStatus] = useState<HostStatus>(hostStatus());
  useEffect(() => {
    const offStream = getApi().on('deployment-state', () => undefined);
    const off = onHostStatus(setStatus);
    setStatus(hostStatus());
    return () => {
      off();
      offStream();
    };
  }, []);
  return status;
}
