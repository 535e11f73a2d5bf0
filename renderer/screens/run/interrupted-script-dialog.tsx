import { useState } from 'react';
import type { InterruptedScriptView } from '../../../common/contract';
import { useAction } from '../../api/use-action';
import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { TextArea } from '../../ui/text-input';

type Choice = 'continue' | 'rerun' | 'skip' | 'abort';

function appliedText(n: number): string {
  if (n === 0) return 'no batch was applied, so nothing is';
  return n === 1 ? 'batch 1 is' : `batches 1–${n} are`;
}

const CHOICES: Array<{ choice: Choice; label: string; help: (s: InterruptedScriptView) => string }> = [
  { choice: 'continue', label: 'Continue from the batch in flight', help: (s) => `Sends batch ${s.inFlightBatch ?? s.of} onwards; ${appliedText(s.appliedBatches)} not sent again.` },
  { choice: 'rerun', label: 'Run the whole script again', help: () => 'Sends every batch from the first; only safe if the script can run twice.' },
  { choice: 'skip', label: 'Skip the rest of the script', help: () => 'Nothing more of it is sent and it is not recorded as applied; you finished it by hand. A reason is required.' },
  { choice: 'abort', label: 'Abort the deployment', help: () => 'Nothing more runs; the deployment ends as aborted.' },
];

/**
 * A resume that found a script without a transaction stopped part-way: which batches the journal proves
 * applied, which one was in flight, and the operator's choice (journaled, and shown in the report).
 */
export function InterruptedScriptDialog({ deploymentId, script, onClose }: { deploymentId: string; script: InterruptedScriptView; onClose: () => void }) {
  const resume = useAction('deploy.resume');
  const [choice, setChoice] = useState<Choice | null>(null);
  const [reason, setReason] = useState('');
  const send = async () => {
    if (!choice) return;
    const result = await resume.run({ deploymentId, onInterrupted: { choice, ...(choice === 'skip' ? { reason: reason.trim() } : {}) } });
    if (result) {
      onClose();
      navigate({ name: 'run', deploymentId: result.deploymentId });
    }
  };
  return (
    <Dialog
      open
      modalType="alert"
      title={`"${script.script}" stopped part-way`}
      onClose={onClose}
      dismissible={!resume.busy}
      actions={
        <>
          <Button onClick={onClose} disabled={resume.busy}>
            Not now
          </Button>
          <Button
            appearance={choice === 'abort' ? 'danger' : 'primary'}
            disabled={resume.busy || !choice || (choice === 'skip' && reason.trim() === '')}
            onClick={() => void send()}
          >
            {resume.busy ? 'Resuming…' : choice === 'abort' ? 'Abort the deployment' : 'Resume'}
          </Button>
        </>
      }
    >
      <MessageBar intent="warning" title="This script runs without a transaction">
        <span>Each batch committed on its own, so part of it is already in the database. Check the database, then choose.</span>
      </MessageBar>
      <ul className="stack" aria-label="Batches of the interrupted script">
        {script.applied.map((b) => (
          <li key={b.batch}>
            Batch {b.batch} of {script.of} — applied ({b.file} line {b.line})
          </li>
        ))}
        {script.inFlightBatch !== undefined && (
          <li>
            <strong>
              Batch {script.inFlightBatch} of {script.of} — in flight when it stopped
            </strong>{' '}
            (it may or may not have been applied)
          </li>
        )}
        {script.inFlightBatch === undefined && <li>Every batch came back, but the script was not recorded as done.</li>}
      </ul>
      <fieldset className="stack" style={{ border: 0, padding: 0 }}>
        <legend className="small muted">What should the resume do with {script.script}?</legend>
        {CHOICES.map((c) => (
          <label key={c.choice} style={{ display: 'grid', gridTemplateColumns: 'auto 1fr', gap: 8, alignItems: 'start' }}>
            <input type="radio" name="interrupted-choice" value={c.choice} checked={choice === c.choice} onChange={() => setChoice(c.choice)} />
            <span>
              {c.label}
              <br />
              <span className="small muted">{c.help(script)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {choice === 'skip' && (
        <Field label="Why is it safe to skip the rest?" required hint="Goes into the deployment report for the hospital's IT department.">
          {(p) => <TextArea {...p} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-autofocus />}
        </Field>
      )}
      {resume.error && <ErrorBar title="Could not resume" error={resume.error} />}
    </Dialog>
  );
}
