import { useState } from 'react';
import { useAction } from '../../api/use-action';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { ErrorBar } from '../../ui/message-bar';

/** Cancel a running deployment: gracefully (after the running batch) or immediately (ATTENTION interrupts it). */
export function CancelDialog({ deploymentId, onClose }: { deploymentId: string; onClose: () => void }) {
  const cancel = useAction('deploy.cancel');
  const [mode, setMode] = useState<'graceful' | 'immediate'>('graceful');
  return (
    <Dialog
      open
      title="Cancel the deployment?"
      onClose={onClose}
      dismissible={!cancel.busy}
      actions={
        <>
          <Button onClick={onClose} disabled={cancel.busy}>
            Keep running
          </Button>
          <Button
            appearance="danger"
            icon="stop"
            disabled={cancel.busy}
            onClick={async () => {
              if (await cancel.run({ deploymentId, mode })) onClose();
            }}
          >
            {cancel.busy ? 'Cancelling…' : mode === 'graceful' ? 'Cancel after the current batch' : 'Cancel now'}
          </Button>
        </>
      }
    >
      <fieldset className="radio-group">
        <legend className="field__label">How</legend>
        <label className="radio">
          <input type="radio" name="cancel-mode" value="graceful" checked={mode === 'graceful'} onChange={() => setMode('graceful')} data-autofocus />
          <span>
            <strong>Gracefully</strong> — let the statement batch in progress finish, then stop. The current script’s transaction is rolled back (per-script or whole-step mode), so it is not left half-applied; scripts already committed stay.
          </span>
        </label>
        <label className="radio">
          <input type="radio" name="cancel-mode" value="immediate" checked={mode === 'immediate'} onChange={() => setMode('immediate')} />
          <span>
            <strong>Immediately</strong> — stop the running statement now. Transactional steps roll back the current script; anything already committed stays.
          </span>
        </label>
      </fieldset>
      {cancel.error && <ErrorBar title="Could not cancel" error={cancel.error} />}
    </Dialog>
  );
}
