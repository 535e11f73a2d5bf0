import { useRequest } from '../../api/use-request';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { DocumentFrame } from '../../ui/document-frame';
import { ErrorBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';

/** The change-request document made from the plan, for the hospital's approval before deploying. */
export function ChangeRequestDialog({ dropId, tenantId, onClose }: { dropId: string; tenantId: string; onClose: () => void }) {
  const { state, reload } = useRequest('plan.changeRequest', { dropId, tenantId });
  return (
    <Dialog
      open
      wide
      title="Change request"
      onClose={onClose}
      actions={
        <>
          {state.status === 'ok' && (
            <Button
              icon="download"
              onClick={() => {
                // A download of the exact HTML shown: the file is self-contained, so it opens anywhere.
                const url = URL.createObjectURL(new Blob([state.data.html], { type: 'text/html' }));
                const a = document.createElement('a');
                a.href = url;
                a.download = `change-request-${tenantId}.html`;
                a.click();
                setTimeout(() => URL.revokeObjectURL(url), 1000);
              }}
            >
              Save HTML
            </Button>
          )}
          <Button appearance="primary" onClick={onClose}>
            Close
          </Button>
        </>
      }
    >
      <p className="muted">What this deployment will change, for approval by the hospital's change board. Made from the plan; nothing has run.</p>
      {state.status === 'loading' && <LoadingBlock label="Preparing the change request…" />}
      {state.status === 'error' && <ErrorBar title="Could not make the change request" error={state.error} onRetry={reload} />}
      {state.status === 'ok' && <DocumentFrame html={state.data.html} title="Change request preview" height={520} />}
    </Dialog>
  );
}
