import { useState } from 'react';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';

/** Remembered values this release no longer declares: kept apart, each can be forgotten. */
export function RemovedVariables({ removed, onForget }: { removed: Array<{ name: string; sensitive: boolean }>; onForget: (name: string) => Promise<void> }) {
  const [busy, setBusy] = useState<string | null>(null);
  if (removed.length === 0) return null;
  return (
    <Card title={`No longer in this drop (${removed.length})`} icon="trash" labelledBy="removed-vars" headingLevel={3}>
      <p className="muted">Still remembered for this tenant, not used by this release. Keep them if an older release may be redeployed; forget them otherwise.</p>
      <ul className="item-list">
        {removed.map((r) => (
          <li key={r.name} className="item-list__row">
            <span className="item-list__main mono">{r.name}</span>
            {r.sensitive && <Badge icon="lock">Secret</Badge>}
            <Badge>Removed</Badge>
            <Button
              size="small"
              icon="trash"
              disabled={busy !== null}
              aria-label={`Forget ${r.name}`}
              onClick={async () => {
                setBusy(r.name);
                try {
                  await onForget(r.name);
                } finally {
                  setBusy(null);
                }
              }}
            >
              {busy === r.name ? 'Forgetting…' : 'Forget'}
            </Button>
          </li>
        ))}
      </ul>
    </Card>
  );
}
