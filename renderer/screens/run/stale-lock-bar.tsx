import { useState } from 'react';
import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { formatDateTime } from '../../format/format';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { ErrorBar, MessageBar } from '../../ui/message-bar';

/**
 * The machine's deployment lock names this deployment but its process is gone, is another program now
 * (a reboot reused the pid), or cannot be checked: offer to clear it, after a confirmation. A live lock
 * shows nothing here (that deployment is cancelled from where it runs).
 */
export function StaleLockBar({ deploymentId, onCleared }: { deploymentId: string; onCleared?: () => void }) {
  const { state, reload } = useRequest('deploy.lockStatus', {});
  const unlock = useAction('deploy.unlock');
  const [confirming, setConfirming] = useState(false);
  if (state.status !== 'ok' || !state.data || state.data.deploymentId !== deploymentId || state.data.state === 'live') return null;
  const lock = state.data;
  const clear = async () => {
    const result = await unlock.run({ deploymentId });
    if (result) {
      setConfirming(false);
      reload();
      onCleared?.();
    }
  };
  return (
    <>
      <MessageBar
        intent="warning"
        title={lock.state === 'stale' ? 'This deployment’s lock is stale' : 'This deployment’s lock cannot be checked'}
        actions={<Button onClick={() => setConfirming(true)}>Clear the lock…</Button>}
      >
        <span>
          {lock.why} Lock taken {formatDateTime(lock.startedAt)} by process {lock.pid} on {lock.host}.
        </span>
      </MessageBar>
      {confirming && (
        <Dialog
          open
          modalType="alert"
          title="Clear the deployment lock?"
          onClose={() => setConfirming(false)}
          dismissible={!unlock.busy}
          actions={
            <>
              <Button onClick={() => setConfirming(false)} disabled={unlock.busy}>
                Keep it
              </Button>
              <Button appearance="danger" disabled={unlock.busy} onClick={() => void clear()} data-autofocus>
                {unlock.busy ? 'Clearing…' : 'Clear the lock'}
              </Button>
            </>
          }
        >
          <p>
            The lock stops two deployments from changing the same databases at once. Clear it only if process {lock.pid} is not Drop Runner
            {lock.state === 'unverified' ? ' — Drop Runner could not check it' : ''}.
          </p>
          <p className="small muted">{lock.why}</p>
          {unlock.error && <ErrorBar title="The lock was not cleared" error={unlock.error} />}
        </Dialog>
      )}
    </>
  );
}
