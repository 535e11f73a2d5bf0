import { useRequest } from '../../api/use-request';
import { formatDateTime } from '../../format/format';
import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { ResumeButton } from '../run/resume-button';

/** One banner per deployment that stopped without finishing (app closed, machine rebooted): resume or look. */
export function InterruptedBanner() {
  const { state, reload } = useRequest('deploy.interrupted', {});
  if (state.status === 'loading') return null;
  if (state.status === 'error') return <ErrorBar title="Could not check for interrupted deployments" error={state.error} onRetry={reload} />;
  if (state.data.length === 0) return null;
  return (
    <div className="stack" aria-label="Interrupted deployments">
      {state.data.map((d) => (
        <MessageBar
          key={d.deploymentId}
          intent="warning"
          title="A deployment was interrupted"
          actions={
            <>
              <Button onClick={() => navigate({ name: 'run', deploymentId: d.deploymentId })}>View</Button>
              {/* The same button as the Run screen's: it asks about a script a crash left part-way before resuming. */}
              <ResumeButton deploymentId={d.deploymentId} />
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
