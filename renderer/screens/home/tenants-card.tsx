import { useState } from 'react';
import { useRequest } from '../../api/use-request';
import { formatDateTime, plural } from '../../format/format';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { EmptyState } from '../../ui/empty-state';
import { ErrorBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';
import { TenantTransferDialog, type TransferMode } from '../tenants/tenant-transfer-dialog';

/** Tenants (hospitals) remembered on this machine, with export/import to move them to another machine. */
export function TenantsCard() {
  const { state, reload } = useRequest('tenant.list', {});
  const [dialog, setDialog] = useState<{ mode: TransferMode; tenantId?: string } | null>(null);
  return (
    <Card
      title="Tenants on this machine"
      icon="database"
      labelledBy="tenants-title"
      actions={
        <Button size="small" icon="upload" onClick={() => setDialog({ mode: 'import' })}>
          Import…
        </Button>
      }
    >
      {state.status === 'loading' && <LoadingBlock label="Loading tenants…" />}
      {state.status === 'error' && <ErrorBar title="Could not load tenants" error={state.error} onRetry={reload} />}
      {state.status === 'ok' && state.data.length === 0 && (
        <EmptyState icon="database" title="No tenants remembered yet">
          When you save a drop's variables with "Remember on this machine", the hospital's values are kept here for the next release.
        </EmptyState>
      )}
      {state.status === 'ok' && state.data.length > 0 && (
        <ul className="item-list">
          {state.data.map((t) => (
            <li key={t.id} className="item-list__row">
              <span className="item-list__main">
                <span className="item-list__title">
                  {t.name} <span className="muted mono small">{t.id}</span>
                </span>
                <span className="item-list__sub">
                  {plural(t.valueCount, 'value')}, {plural(t.secretCount, 'secret')}
                  {t.lastRelease ? ` · last release ${t.lastRelease} on ${formatDateTime(t.lastDeployedAt)}` : ' · never deployed'}
                </span>
              </span>
              <Button size="small" icon="download" onClick={() => setDialog({ mode: 'export', tenantId: t.id })} aria-label={`Export ${t.name}`}>
                Export…
              </Button>
            </li>
          ))}
        </ul>
      )}
      {dialog && (
        <TenantTransferDialog
          mode={dialog.mode}
          tenantId={dialog.tenantId}
          onClose={() => setDialog(null)}
          onImported={() => reload()}
        />
      )}
    </Card>
  );
}
