import { useState } from 'react';
import type { InterruptedScriptView } from '../../../common/contract';
import type { ErrorShape } from '../../../common/errors';
import { getApi } from '../../api/client';
import { useAction } from '../../api/use-action';
import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';
import { InterruptedScriptDialog } from './interrupted-script-dialog';

/**
 * Resumes an interrupted deployment and follows the new run. When the crash left a script without a
 * transaction part-way, the operator chooses what to do with it first (InterruptedScriptDialog).
 */
export function ResumeButton({ deploymentId }: { deploymentId: string }) {
  const resume = useAction('deploy.resume');
  const [lookupError, setLookupError] = useState<ErrorShape | null>(null);
  const [looking, setLooking] = useState(false);
  const [script, setScript] = useState<InterruptedScriptView | null>(null);
  const error = resume.error ?? lookupError;
  return (
    <span className="row">
      {error && (
        <span className="small" style={{ color: 'var(--danger-fg)' }}>
          {error.code}: {error.message}
        </span>
      )}
      <Button
        appearance="primary"
        icon="play"
        disabled={resume.busy || looking}
        onClick={async () => {
          setLooking(true);
          setLookupError(null);
          const reply = await getApi()
            .invoke('deploy.interruptedScript', { deploymentId })
            .finally(() => setLooking(false));
          if (!reply.ok) return setLookupError(reply.error);
          if (reply.result) return setScript(reply.result);
          const result = await resume.run({ deploymentId });
          if (result) navigate({ name: 'run', deploymentId: result.deploymentId });
        }}
      >
        {resume.busy ? 'Resuming…' : 'Resume'}
      </Button>
      {script && <InterruptedScriptDialog deploymentId={deploymentId} script={script} onClose={() => setScript(null)} />}
    </span>
  );
}
