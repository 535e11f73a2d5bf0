import { useState } from 'react';
import type { DropView } from '../../../common/contract';
import { Button } from '../../ui/button';
import { MessageBar } from '../../ui/message-bar';
import { groupFingerprint, TrustPublisherDialog } from './trust-publisher-dialog';

/** The Overview's notice for a drop signed by a publisher not trusted here: its key fingerprint and "Trust this publisher…". */
export function UnknownPublisherBar({ drop, keyId, explanation, onTrusted }: { drop: DropView; keyId: string; explanation: string; onTrusted: () => void }) {
  const [open, setOpen] = useState(false);
  const [trusted, setTrusted] = useState<string | null>(null);
  return (
    <>
      <MessageBar
        intent="warning"
        title="Unknown publisher"
        actions={
          <Button onClick={() => setOpen(true)} icon="shield">
            Trust this publisher…
          </Button>
        }
      >
        {explanation} Key fingerprint: <span className="trust-fingerprint">{groupFingerprint(keyId)}</span>
        {trusted && <span> {trusted}</span>}
      </MessageBar>
      {open && (
        <TrustPublisherDialog
          drop={drop}
          keyId={keyId}
          open={open}
          onClose={() => setOpen(false)}
          onTrusted={(updated) => {
            setOpen(false);
            setTrusted(updated.provenance.signature.state === 'verified' ? 'Trusted.' : null);
            onTrusted();
          }}
        />
      )}
    </>
  );
}
