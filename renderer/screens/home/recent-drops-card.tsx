import { useRequest } from '../../api/use-request';
import { formatDateTime } from '../../format/format';
import { navigate } from '../../router/use-route';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { EmptyState } from '../../ui/empty-state';
import { ErrorBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';
import { signatureBadge } from '../overview/overview-model';

/** Drops opened on this machine, newest first; a click goes back to their Overview. */
export function RecentDropsCard({ limit = 6 }: { limit?: number }) {
  const { state, reload } = useRequest('drop.recent', {});
  return (
    <Card title="Recent drops" icon="file-zip" labelledBy="recent-drops-title">
      {state.status === 'loading' && <LoadingBlock label="Loading recent drops…" />}
      {state.status === 'error' && <ErrorBar title="Could not load recent drops" error={state.error} onRetry={reload} />}
      {state.status === 'ok' && state.data.length === 0 && (
        <EmptyState icon="file-zip" title="No drops opened yet" actions={<Button onClick={() => navigate({ name: 'open' })}>Open a drop</Button>}>
          Drops you open appear here so you can come back to them.
        </EmptyState>
      )}
      {state.status === 'ok' && state.data.length > 0 && (
        <ul className="item-list">
          {state.data.slice(0, limit).map((d) => {
            const badge = signatureBadge({ state: d.signature });
            return (
              <li key={d.dropId}>
                <a className="item-list__link" href={`#/drop/${encodeURIComponent(d.dropId)}`}>
                  <span className="item-list__main">
                    <span className="item-list__title">
                      {d.project} <span className="muted">{d.release}</span>
                    </span>
                    <span className="item-list__sub" title={d.sourcePath}>
                      {d.tenantId} · {formatDateTime(d.openedAt)} · {d.sourcePath}
                    </span>
                  </span>
                  <Badge intent={badge.intent} icon={badge.icon}>
                    {badge.label}
                  </Badge>
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
