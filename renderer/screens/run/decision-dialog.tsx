import { useState } from 'react';
import type { PendingDecision } from '../../../common/contract';
import { useAction } from '../../api/use-action';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { TextArea } from '../../ui/text-input';
import type { StepState } from './run-model';
import { failureHints, whatChanged } from './failure-help';

/**
 * Guided failure: a step failed and the runner waits. Retry, skip (a reason is required; it goes into the
 * report) or abort. "Read the log first" hides the dialog without deciding. A manual check waits the same
 * way, but is answered with "Done" (confirm) instead of Retry: the engine refuses a retry for it.
 */
export function DecisionDialog({
  deploymentId,
  pending,
  stepName,
  transactional,
  step,
  onHide,
}: {
  deploymentId: string;
  pending: PendingDecision;
  stepName: string;
  transactional?: string;
  /** The failed step as the journal shows it: attempt number and the earlier attempts' errors. */
  step?: StepState;
  onHide: () => void;
}) {
  const decide = useAction('deploy.decide');
  const [mode, setMode] = useState<'choose' | 'skip' | 'abort'>('choose');
  const [reason, setReason] = useState('');

  // A 'confirm' is either a manual check or a failed backup before change (retry the backup / run without one / abort).
  const backup = pending.kind === 'confirm' && pending.about === 'backup-failed';
  const manual = pending.kind === 'confirm' && !backup;
  const send = async (decision: 'retry' | 'skip' | 'abort' | 'confirm') => {
    await decide.run({ deploymentId, stepId: pending.stepId, decision, ...(decision === 'skip' ? { reason: reason.trim() } : {}) });
  };

  return (
    <Dialog
      open
      modalType="alert"
      title={backup ? `The backup before "${stepName}" failed` : manual ? `Manual check: "${stepName}"` : `"${stepName}" failed`}
      onClose={onHide}
      dismissible={!decide.busy}
      actions={
        mode === 'choose' ? (
          <>
            <Button onClick={onHide}>Read the log first</Button>
            <Button appearance="danger" onClick={() => setMode('abort')}>
              Abort…
            </Button>
            <Button onClick={() => setMode('skip')}>{backup ? 'Run without a backup…' : 'Skip…'}</Button>
            {backup ? (
              <Button appearance="primary" icon="refresh" disabled={decide.busy} onClick={() => void send('confirm')} data-autofocus>
                {decide.busy ? 'Retrying…' : 'Retry the backup'}
              </Button>
            ) : manual ? (
              <Button appearance="primary" icon="check" disabled={decide.busy} onClick={() => void send('confirm')} data-autofocus>
                {decide.busy ? 'Confirming…' : 'Done — continue'}
              </Button>
            ) : (
              <Button appearance="primary" icon="refresh" disabled={decide.busy} onClick={() => void send('retry')} data-autofocus>
                {decide.busy ? 'Retrying…' : 'Retry'}
              </Button>
            )}
          </>
        ) : mode === 'skip' ? (
          <>
            <Button onClick={() => setMode('choose')} disabled={decide.busy}>
              Back
            </Button>
            <Button appearance="primary" disabled={decide.busy || reason.trim() === ''} onClick={() => void send('skip')}>
              {decide.busy ? 'Skipping…' : backup ? 'Run the step without a backup' : 'Skip this step'}
            </Button>
          </>
        ) : (
          <>
            <Button onClick={() => setMode('choose')} disabled={decide.busy}>
              Back
            </Button>
            <Button appearance="danger" icon="stop" disabled={decide.busy} onClick={() => void send('abort')} data-autofocus>
              {decide.busy ? 'Aborting…' : 'Abort the deployment'}
            </Button>
          </>
        )
      }
    >
      {manual ? (
        <MessageBar intent="info" title="Do this now, then confirm">
          <span>{pending.error.message}</span>
        </MessageBar>
      ) : (
        <MessageBar intent="error" title={<code className="error-code">{pending.error.code}</code>}>
          <span>{pending.error.message}</span>
          <span className="muted">{pending.error.hint}</span>
        </MessageBar>
      )}
      {backup && mode === 'choose' && (
        <p className="small" data-testid="decision-backup">
          No script of this step has run. Retry once the cause is fixed; running without a backup needs a reason and leaves the back-out plan without a restore point for this
          database.
        </p>
      )}
      {!manual && !backup && step && step.attempt > 0 && (
        <p className="small" data-testid="decision-attempt">
          <strong>Attempt {step.attempt} of this step</strong>
          {step.attempt > 1 ? ` — it failed ${step.errors.length} time${step.errors.length === 1 ? '' : 's'} so far.` : '.'}
        </p>
      )}
      {!manual && !backup && step && step.errors.length > 1 && (
        <div className="small" data-testid="decision-previous">
          <strong>Earlier attempts</strong>
          <ul>
            {step.errors.slice(0, -1).map((e) => (
              <li key={e.attempt}>
                Attempt {e.attempt}: <code className="error-code">{e.code}</code> {e.message}
              </li>
            ))}
          </ul>
          <p className="muted">{whatChanged(step.errors)}</p>
        </div>
      )}
      {!manual && !backup && transactional && <p className="small muted">Transactional: {transactional}. What this step committed before failing stays committed.</p>}
      {!manual && !backup && mode === 'choose' && (
        <div className="small" data-testid="decision-hints">
          <strong>What you can do</strong>
          <ul>
            {failureHints(pending.error.code, deploymentId, pending.error.message).map((h) => (
              <li key={h}>{h}</li>
            ))}
          </ul>
        </div>
      )}
      {mode === 'choose' && manual && <p>Your confirmation (name and time) goes into the deployment report. Or skip the check with a reason, or abort.</p>}
      {mode === 'skip' && (
        <Field label={backup ? 'Why may this step run without a backup?' : 'Why is this step skipped?'} required hint="Goes into the deployment report for the hospital's IT department.">
          {(p) => <TextArea {...p} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-autofocus />}
        </Field>
      )}
      {mode === 'abort' && <p>Aborting stops here; the remaining steps do not run, except clean-up steps marked to run always (or on failure). The report lists what was not applied.</p>}
      {mode === 'skip' && backup && <p className="small muted">The step then runs and changes the database with no backup taken by Drop Runner; the report says who decided it and why.</p>}
      {mode === 'skip' && !manual && !backup && <p className="small muted">The deployment will then end as “completed with skipped steps” — not fully applied — and the report says which step and why.</p>}
      {decide.error && <ErrorBar title="The decision was not accepted" error={decide.error} />}
    </Dialog>
  );
}
