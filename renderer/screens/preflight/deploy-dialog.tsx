import { useEffect, useState } from 'react';
import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';
import { TextInput } from '../../ui/text-input';

/**
 * Confirms the deployment and records who runs it: the operator's name is asked once, remembered, and
 * written into the journal and the report.
 */
export function DeployDialog({
  dropId,
  tenantId,
  skipUnsupported,
  skippedNames,
  stepCount,
  onClose,
  onStarted,
}: {
  dropId: string;
  tenantId: string;
  skipUnsupported: string[];
  skippedNames: string[];
  stepCount: number;
  onClose: () => void;
  onStarted: (deploymentId: string) => void;
}) {
  const operator = useRequest('operator.get', {});
  const setOperator = useAction('operator.set');
  const start = useAction('deploy.start');
  const [name, setName] = useState('');
  const known = operator.state.status === 'ok' ? operator.state.data.name : null;
  useEffect(() => {
    if (known) setName(known);
  }, [known]);
  const busy = setOperator.busy || start.busy;

  const go = async () => {
    const trimmed = name.trim();
    if (!trimmed) return;
    if (trimmed !== known && !(await setOperator.run({ name: trimmed }))) return;
    const result = await start.run({ dropId, tenantId, ...(skipUnsupported.length > 0 ? { skipUnsupported } : {}) });
    if (result) onStarted(result.deploymentId);
  };

  return (
    <Dialog
      open
      title="Start the deployment?"
      onClose={onClose}
      dismissible={!busy}
      actions={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button appearance="primary" icon="play" disabled={busy || !name.trim() || operator.state.status === 'loading'} onClick={() => void go()}>
            {busy ? 'Starting…' : 'Deploy now'}
          </Button>
        </>
      }
    >
      {operator.state.status === 'loading' && <LoadingBlock label="Loading…" />}
      {operator.state.status === 'error' && <ErrorBar title="Could not read the operator name" error={operator.state.error} onRetry={operator.reload} />}
      {operator.state.status === 'ok' && (
        <form
          className="stack stack--l"
          onSubmit={(e) => {
            e.preventDefault();
            void go();
          }}
        >
          <p>
            {stepCount} step{stepCount === 1 ? '' : 's'} will run against tenant <code>{tenantId}</code>. You can watch each step, and decide what happens if one fails.
          </p>
          {skippedNames.length > 0 && (
            <MessageBar intent="warning" title="Skipped by your choice">
              {skippedNames.join(', ')}
            </MessageBar>
          )}
          <Field label="Your name" required hint={known ? 'Remembered from last time; it goes into the deployment report.' : 'Asked once and remembered; it goes into the deployment report.'}>
            {(p) => <TextInput {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" maxLength={200} data-autofocus />}
          </Field>
        </form>
      )}
      {setOperator.error && <ErrorBar title="Could not save your name" error={setOperator.error} />}
      {start.error && <ErrorBar title="The deployment did not start" error={start.error} />}
    </Dialog>
  );
}
