import { useState } from 'react';
import type { RollbackTargetView } from '../../../common/contract';
import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';
import { TextInput } from '../../ui/text-input';

/**
 * "Roll back…" from the Report screen: pick one recorded restore point. An SSIS project goes back to
 * its recorded catalog version; a database is overwritten from its backup, so the operator must type
 * the database's name (the engine checks it again and journals a refusal).
 */
export function RollbackDialog({ deploymentId, onClose, onDone }: { deploymentId: string; onClose: () => void; onDone: (rollbackId: string) => void }) {
  const targets = useRequest('rollback.targets', { deploymentId });
  const run = useAction('rollback.run');
  const [chosen, setChosen] = useState<RollbackTargetView | null>(null);
  const [typed, setTyped] = useState('');
  const [result, setResult] = useState<{ rollbackId: string; outcome: string; detail: string } | null>(null);
  const needsName = chosen?.kind === 'database';
  const ready = chosen !== null && (!needsName || typed.trim() === chosen.label) && !run.busy && result === null;

  const go = async () => {
    if (!chosen || !ready) return;
    const r = await run.run({ deploymentId, stepId: chosen.stepId, ...(needsName ? { confirmDatabase: typed.trim() } : {}) });
    if (r) setResult(r);
  };

  return (
    <Dialog
      open
      wide
      title="Roll back this deployment?"
      onClose={onClose}
      dismissible={!run.busy}
      actions={
        result ? (
          <>
            <Button onClick={onClose}>Close</Button>
            <Button appearance="primary" icon="document" onClick={() => onDone(result.rollbackId)}>
              Open the rollback's report
            </Button>
          </>
        ) : (
          <>
            <Button onClick={onClose} disabled={run.busy}>
              Cancel
            </Button>
            <Button appearance="primary" disabled={!ready} onClick={() => void go()}>
              {run.busy ? 'Rolling back…' : needsName ? 'Restore the database' : 'Roll back'}
            </Button>
          </>
        )
      }
    >
      {targets.state.status === 'loading' && <LoadingBlock label="Reading what the deployment recorded…" />}
      {targets.state.status === 'error' && <ErrorBar title="Nothing to roll back" error={targets.state.error} />}
      {targets.state.status === 'ok' && !result && (
        <form
          className="stack stack--l"
          onSubmit={(e) => {
            e.preventDefault();
            void go();
          }}
        >
          <fieldset className="radio-group">
            <legend className="field__label">What to roll back</legend>
            {targets.state.data.targets.map((t) => (
              <label key={`${t.stepId}:${t.kind}`} className="radio">
                <input
                  type="radio"
                  name="rollback-target"
                  checked={chosen?.stepId === t.stepId && chosen.kind === t.kind}
                  onChange={() => {
                    setChosen(t);
                    setTyped('');
                  }}
                />{' '}
                {t.kind === 'database' ? (
                  <>
                    Database <strong>{t.label}</strong> (step <code>{t.stepId}</code>) from <code className="wrap-anywhere">{t.disk}</code>
                  </>
                ) : (
                  <>
                    SSIS project <strong>{t.label}</strong> (step <code>{t.stepId}</code>) back to {t.versionLsn ? <>version {t.versionLsn}</> : 'its state before (new project: values only)'}
                  </>
                )}
              </label>
            ))}
          </fieldset>
          {needsName && chosen && (
            <>
              <MessageBar intent="warning" title="This replaces the database">
                Every change made to {chosen.label} since the backup is lost, and its users are disconnected (SINGLE_USER WITH ROLLBACK IMMEDIATE).
              </MessageBar>
              <Field label={`Type ${chosen.label} to confirm`} required>
                {(p) => <TextInput {...p} mono value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" data-autofocus />}
              </Field>
            </>
          )}
        </form>
      )}
      {result && (
        <MessageBar intent={result.outcome === 'succeeded' ? 'success' : 'error'} title={`Rollback ${result.outcome}`}>
          {result.detail} — recorded as deployment <code>{result.rollbackId}</code>.
        </MessageBar>
      )}
      {run.error && <ErrorBar title="The rollback failed" error={run.error} />}
    </Dialog>
  );
}
