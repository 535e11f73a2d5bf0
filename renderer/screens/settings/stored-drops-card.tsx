import { useState } from 'react';
import type { StoredDrop } from '../../../common/contract';
import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { formatBytes, formatDateTime } from '../../format/format';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { Dialog } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';

/**
 * The disk the opened drops take in the data folder, and removing the copies no deployment needs:
 * a hospital VM otherwise keeps every release it ever received. The zips themselves are never touched.
 */
export function StoredDropsCard() {
  const { state, reload } = useRequest('storage.drops', {});
  const remove = useAction('storage.removeDrop');
  const [confirming, setConfirming] = useState<StoredDrop | null>(null);
  const [freed, setFreed] = useState<{ dropId: string; bytes: number } | null>(null);

  return (
    <Card title="Stored drops" icon="file-zip" labelledBy="settings-stored-drops">
      {state.status === 'loading' && <LoadingBlock label="Measuring stored drops…" />}
      {state.status === 'error' && <ErrorBar title="Could not list the stored drops" error={state.error} onRetry={reload} />}
      {freed && (
        <MessageBar intent="success">
          Removed {freed.dropId}; {formatBytes(freed.bytes)} freed.
        </MessageBar>
      )}
      {remove.error && <ErrorBar title="The drop was not removed" error={remove.error} />}
      {state.status === 'ok' && state.data.drops.length === 0 && (
        <EmptyState icon="file-zip" title="No drops stored">
          Each drop you open is copied into the data folder, verified, and kept for plans, deployments and resume.
        </EmptyState>
      )}
      {state.status === 'ok' && state.data.drops.length > 0 && (
        <>
          <p className="muted small">
            {state.data.drops.length === 1 ? '1 drop takes' : `${state.data.drops.length} drops take`} {formatBytes(state.data.totalBytes)}. A removed drop can be opened again from its zip; finished deployments keep their reports.
          </p>
          <ul className="item-list">
            {state.data.drops.map((d) => (
              <li key={d.dropId} className="item-list__row">
                <span className="item-list__main">
                  <span className="item-list__title">
                    {d.project} <span className="muted">{d.release}</span>
                  </span>
                  <span className="item-list__sub" title={d.dropId}>
                    {formatBytes(d.bytes)} · {d.openedAt ? `opened ${formatDateTime(d.openedAt)}` : 'not among the recent drops'} · {d.dropId}
                  </span>
                  {d.keptBecause && <span className="item-list__sub">Kept: {d.keptBecause}.</span>}
                </span>
                {d.keptBecause ? (
                  <Badge intent="warning" icon="warning" title={d.keptBecause}>
                    In use
                  </Badge>
                ) : (
                  <Button size="small" icon="trash" onClick={() => setConfirming(d)} aria-label={`Remove ${d.project} ${d.release}`}>
                    Remove…
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {confirming && (
        <Dialog
          open
          title={`Remove ${confirming.project} ${confirming.release}?`}
          onClose={() => setConfirming(null)}
          dismissible={!remove.busy}
          actions={
            <>
              <Button onClick={() => setConfirming(null)} disabled={remove.busy}>
                Cancel
              </Button>
              <Button
                appearance="primary"
                icon="trash"
                disabled={remove.busy}
                onClick={async () => {
                  setFreed(null);
                  const result = await remove.run({ dropId: confirming.dropId });
                  setConfirming(null);
                  if (result) setFreed({ dropId: result.dropId, bytes: result.freedBytes });
                  reload();
                }}
              >
                {remove.busy ? 'Removing…' : 'Remove'}
              </Button>
            </>
          }
        >
          <p>
            This deletes Drop Runner's copy of the drop ({formatBytes(confirming.bytes)}) from the data folder. The zip you opened it from is not touched, the reports of its deployments stay, and you can open the zip again at any time.
          </p>
        </Dialog>
      )}
    </Card>
  );
}
