import { useState } from 'react';
import type { DropView } from '../../../common/contract';
import { useAction } from '../../api/use-action';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { TextArea, TextInput } from '../../ui/text-input';

/** 0123456789abcdef → 0123 4567 89ab cdef: easier to read out over the phone. */
export function groupFingerprint(keyId: string): string {
  return keyId.replace(/(.{4})(?!$)/g, '$1 ');
}

/**
 * "Trust this publisher…": the engineer pastes the publisher's public key the vendor sent and types
 * the fingerprint the vendor gave by another channel (phone, ticket). The engine adds the key only
 * when the key, the drop's signature and the typed fingerprint all agree (trust.add).
 */
export function TrustPublisherDialog({ drop, keyId, open, onClose, onTrusted }: { drop: DropView; keyId: string; open: boolean; onClose: () => void; onTrusted: (drop: DropView) => void }) {
  const add = useAction('trust.add');
  const [name, setName] = useState('');
  const [pem, setPem] = useState('');
  const [typed, setTyped] = useState('');
  const ready = name.trim() !== '' && pem.includes('PUBLIC KEY') && typed.trim() !== '';
  const submit = async () => {
    const result = await add.run({ dropId: drop.id, name: name.trim(), publicKeyPem: pem, confirmedFingerprint: typed });
    if (result) onTrusted(result.drop);
  };
  return (
    <Dialog
      open={open}
      title="Trust this publisher?"
      onClose={onClose}
      dismissible={!add.busy}
      actions={
        <>
          <Button onClick={onClose} disabled={add.busy}>
            Cancel
          </Button>
          <Button appearance="primary" disabled={!ready || add.busy} onClick={() => void submit()}>
            Trust publisher
          </Button>
        </>
      }
    >
      <MessageBar intent="warning" title="Compare the fingerprint with the vendor">
        This drop was signed with the key whose fingerprint is <span className="trust-fingerprint" data-testid="drop-fingerprint">{groupFingerprint(keyId)}</span>. Trust it only if the vendor
        gave you the same fingerprint by another channel (phone, support ticket) — not in the same email as the drop. Every drop signed with this key will then show as verified on this
        machine.
      </MessageBar>
      <Field label="Publisher name" required hint="As the vendor calls itself, e.g. Contoso Health.">
        {(control) => <TextInput {...control} value={name} onChange={(e) => setName(e.target.value)} data-autofocus />}
      </Field>
      <Field label="Publisher public key (PEM)" required hint="The publisher.pub.pem file the vendor sent: paste its text.">
        {(control) => <TextArea {...control} rows={4} className="textarea input--mono" spellCheck={false} placeholder="-----BEGIN PUBLIC KEY-----" value={pem} onChange={(e) => setPem(e.target.value)} />}
      </Field>
      <Field label="Fingerprint the vendor gave you" required hint="Type or paste it; spaces, colons and case do not matter.">
        {(control) => <TextInput {...control} mono value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />}
      </Field>
      {add.error && <ErrorBar title="The publisher was not trusted" error={add.error} />}
    </Dialog>
  );
}
