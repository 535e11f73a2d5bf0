import { useState } from 'react';
import type { TrustedPublisherView } from '../../../common/contract';
import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { formatDateTime } from '../../format/format';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { Dialog } from '../../ui/dialog';
import { EmptyState } from '../../ui/empty-state';
import { ErrorBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';
import { Table } from '../../ui/table';
import { groupFingerprint } from './trust-publisher-dialog';

/** Settings: the publishers whose drops show as verified on this machine, with their fingerprint and date; removable. */
export function TrustedPublishersCard() {
  const { state, reload } = useRequest('trust.list', {});
  const remove = useAction('trust.remove');
  const [confirming, setConfirming] = useState<TrustedPublisherView | null>(null);
  return (
    <Card title="Trusted publishers" icon="shield" labelledBy="settings-trusted-publishers">
      {state.status === 'loading' && <LoadingBlock label="Reading trusted publishers…" />}
      {state.status === 'error' && <ErrorBar title="Could not read the trusted publishers" error={state.error} onRetry={reload} />}
      {remove.error && <ErrorBar title="The publisher was not removed" error={remove.error} />}
      {state.status === 'ok' && state.data.length === 0 && (
        <EmptyState icon="shield" title="No trusted publishers">
          Open a signed drop and choose “Trust this publisher…” on its Overview after comparing the fingerprint with the vendor.
        </EmptyState>
      )}
      {state.status === 'ok' && state.data.length > 0 && (
        <Table caption="Trusted publishers" captionHidden compact>
          <thead>
            <tr>
              <th scope="col">Publisher</th>
              <th scope="col">Fingerprint</th>
              <th scope="col">Added</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {state.data.map((p) => (
              <tr key={p.keyId} data-publisher={p.keyId}>
                <td>{p.name}</td>
                <td className="trust-fingerprint small">{groupFingerprint(p.keyId)}</td>
                <td className="small">{formatDateTime(p.added)}</td>
                <td>
                  <Button size="small" appearance="subtle" onClick={() => setConfirming(p)}>
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <Dialog
        open={confirming !== null}
        title="Stop trusting this publisher?"
        onClose={() => setConfirming(null)}
        actions={
          <>
            <Button onClick={() => setConfirming(null)}>Cancel</Button>
            <Button
              appearance="primary"
              onClick={async () => {
                if (!confirming) return;
                const done = await remove.run({ keyId: confirming.keyId });
                setConfirming(null);
                if (done) reload();
              }}
            >
              Remove
            </Button>
          </>
        }
      >
        {confirming && (
          <p>
            Drops signed by {confirming.name} (<span className="trust-fingerprint">{groupFingerprint(confirming.keyId)}</span>) will show as “unknown publisher” again.
          </p>
        )}
      </Dialog>
    </Card>
  );
}
