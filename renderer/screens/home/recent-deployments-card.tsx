import { useRequest } from '../../api/use-request';
import { formatDateTime } from '../../format/format';
import { Card } from '../../ui/card';
import { EmptyState } from '../../ui/empty-state';
import { ErrorBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';
import { DeploymentStateBadge } from '../run/deployment-state-badge';

/** The latest deployments on this machine, linking to their progress view or report. */
export function RecentDeploymentsCard({ limit = 6 }: { limit?: number }) {
  const { state, reload } = useRequest('deploy.history', {});
  return (
    <Card title="Recent deployments" icon="clock" labelledBy="recent-deployments-title">
      {state.status === 'loading' && <LoadingBlock label="Loading deployments…" />}
      {state.status === 'error' && <ErrorBar title="Could not load deployments" error={state.error} onRetry={reload} />}
      {state.status === 'ok' && state.data.length === 0 && <EmptyState icon="clock" title="No deployments yet">Deployments run on this machine are listed here with their reports.</EmptyState>}
      {state.status === 'ok' && state.data.length > 0 && (
        <ul className="item-list">
          {state.data.slice(0, limit).map((d) => {
            const finished = d.state !== 'running' && d.state !== 'awaiting-decision';
            const href = finished ? `#/report/${encodeURIComponent(d.deploymentId)}` : `#/run/${encodeURIComponent(d.deploymentId)}`;
            return (
              <li key={d.deploymentId}>
                <a className="item-list__link" href={href}>
                  <span className="item-list__main">
                    <span className="item-list__title">
                      {d.project} <span className="muted">{d.release}</span>
                    </span>
                    <span className="item-list__sub">
                      {d.tenantId ? `${d.tenantId} · ` : ''}
                      {formatDateTime(d.startedAt)}
                      {d.problem ? ` · ${d.deploymentId}: ${d.problem}` : ''}
                    </span>
                  </span>
                  <DeploymentStateBadge state={d.state} />
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
