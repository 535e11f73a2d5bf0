import { useAction } from '../../api/use-action';
import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';

/** Resumes an interrupted deployment and follows the new run. */
export function ResumeButton({ deploymentId }: { deploymentId: string }) {
  const resume = useAction('deploy.resume');
  return (
    <span className="row">
      {resume.error && (
        <span className="small" style={{ color: 'var(--danger-fg)' }}>
          {resume.error.code}: {resume.error.message}
        </span>
      )}
      <Button
        appearance="primary"
        icon="play"
        disabled={resume.busy}
        onClick={async () => {
          const result = await resume.run({ deploymentId });
          if (result) navigate({ name: 'run', deploymentId: result.deploymentId });
        }}
      >
        {resume.busy ? 'Resuming…' : 'Resume'}
      </Button>
    </span>
  );
}
