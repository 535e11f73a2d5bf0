import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { formatDateTime } from '../../format/format';
import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';
import { ErrorBar, MessageBar } from '../../ui/message-bar';

/** One banner per deployment that stopped without finishing (app closed, machine rebooted): resume or look. */
export function InterruptedBanner() {
  const { state, reload } = useRequest('deploy.interrupted', {});
  const resume = useAction('deploy.resume');
  if (state.status === 'loading') return null;
  if (state.status === 'error') return <ErrorBar title="Could not check for interrupted deployments" error={state.error} onRetry={reload} />;
  if (state.data.length === 0) return null;
  return (
    <div className="stack" aria-label="Interrupted deployments">
      {resume.error && <ErrorBar title="Could not resume" error={resume.error} />}
      {state.data.map((d) => (
        <MessageBar
          key={d.deploymentId}
          intent="warning"
          title="A deployment was interrupted"
          actions={
            <>
              <Button onClick={() => navigate({ name: 'run', deploymentId: d.deploymentId })}>View</Button>
              <Button
                appearance="primary"
                icon="play"
                disabled={resume.busy}
                onClick={async () => {
                  const result = await resume.run({ deploymentId: d.deploymentId });
                  if (result) navigate({ name: 'run', deploymentId: result.deploymentId });
                }}
              >
                Resume
              </Button>
            </>
          }
        >
          <span>
            {d.project} {d.release} for tenant <strong>{d.tenantId}</strong>, started {formatDateTime(d.startedAt)}. Resuming re-checks what already ran and continues
            from the step that was in progress.
          </span>
        </MessageBar>
      ))}
    </div>
  );
}
