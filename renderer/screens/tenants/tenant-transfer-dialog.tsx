import { useState } from 'react';
import type { RequestResults } from '../../../common/contract';
import { useAction } from '../../api/use-action';
import { Badge } from '../../ui/badge';
import { Button } from '../../ui/button';
import { Checkbox } from '../../ui/checkbox';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { Table } from '../../ui/table';
import { TextInput } from '../../ui/text-input';
import { normalizePathInput } from '../../format/path-input';

export type TransferMode = 'export' | 'import';

const MIN_PASSPHRASE = 8;

/**
 * Moves a tenant's remembered values to another machine: export to one passphrase-encrypted file
 * (optionally with secrets), or import such a file after previewing what it would change.
 */
export function TenantTransferDialog({ mode, tenantId, onClose, onImported }: { mode: TransferMode; tenantId?: string; onClose: () => void; onImported?: () => void }) {
  return mode === 'export' && tenantId ? <ExportDialog tenantId={tenantId} onClose={onClose} /> : <ImportDialog onClose={onClose} onImported={onImported} />;
}

function ExportDialog({ tenantId, onClose }: { tenantId: string; onClose: () => void }) {
  const [includeSecrets, setIncludeSecrets] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [outPath, setOutPath] = useState('');
  const exportAction = useAction('tenant.export');
  const [written, setWritten] = useState<string | null>(null);
  const tooShort = passphrase.length > 0 && passphrase.length < MIN_PASSPHRASE;
  const mismatch = confirm.length > 0 && confirm !== passphrase;
  const canExport = passphrase.length >= MIN_PASSPHRASE && confirm === passphrase && !exportAction.busy;
  return (
    <Dialog
      open
      title={`Export tenant ${tenantId}`}
      onClose={onClose}
      dismissible={!exportAction.busy}
      actions={
        written ? (
          <Button appearance="primary" onClick={onClose}>
            Done
          </Button>
        ) : (
          <>
            <Button onClick={onClose} disabled={exportAction.busy}>
              Cancel
            </Button>
            <Button
              appearance="primary"
              icon="download"
              disabled={!canExport}
              onClick={async () => {
                const out = normalizePathInput(outPath);
                const result = await exportAction.run({ tenantId, includeSecrets, passphrase, ...(out ? { outPath: out } : {}) });
                setPassphrase('');
                setConfirm('');
                if (result) setWritten(result.path);
              }}
            >
              {exportAction.busy ? 'Exporting…' : 'Export'}
            </Button>
          </>
        )
      }
    >
      {written ? (
        <MessageBar intent="success" title="Exported">
          <span className="wrap-anywhere">
            Written to <code>{written}</code>. Carry it to the other machine and import it there with the same passphrase.
          </span>
        </MessageBar>
      ) : (
        <>
          <p>The file is encrypted with your passphrase (scrypt + AES-256-GCM). Without the passphrase nobody can read it, including you.</p>
          <Checkbox label="Include secrets (read from the keychain)" checked={includeSecrets} onChange={(e) => setIncludeSecrets(e.target.checked)} />
          {includeSecrets && <MessageBar intent="warning">The file will contain the tenant's passwords. Choose a strong passphrase and delete the file after importing.</MessageBar>}
          <Field label="Passphrase" required hint={`At least ${MIN_PASSPHRASE} characters.`} error={tooShort ? `Use at least ${MIN_PASSPHRASE} characters.` : undefined}>
            {(p) => <TextInput {...p} type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} data-autofocus />}
          </Field>
          <Field label="Repeat passphrase" required error={mismatch ? 'The passphrases differ.' : undefined}>
            {(p) => <TextInput {...p} type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />}
          </Field>
          <Field label="Save to (optional)" hint="A full file path. Leave empty to save in the Drop Runner exports folder.">
            {(p) => <TextInput {...p} mono value={outPath} onChange={(e) => setOutPath(e.target.value)} placeholder="C:\Users\you\Desktop\st-mary.drtenant" />}
          </Field>
          {exportAction.error && <ErrorBar title="Export failed" error={exportAction.error} />}
        </>
      )}
    </Dialog>
  );
}

function ImportDialog({ onClose, onImported }: { onClose: () => void; onImported?: () => void }) {
  const [path, setPath] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const preview = useAction('tenant.importPreview');
  const apply = useAction('tenant.importApply');
  const [diff, setDiff] = useState<RequestResults['tenant.importPreview'] | null>(null);
  const [applied, setApplied] = useState<RequestResults['tenant.importApply'] | null>(null);
  const busy = preview.busy || apply.busy;
  const file = normalizePathInput(path);
  const changed = diff ? diff.changes.filter((c) => c.change !== 'unchanged').length : 0;

  return (
    <Dialog
      open
      wide={diff !== null}
      title="Import a tenant"
      onClose={onClose}
      dismissible={!busy}
      actions={
        applied ? (
          <Button appearance="primary" onClick={onClose}>
            Done
          </Button>
        ) : (
          <>
            <Button onClick={onClose} disabled={busy}>
              Cancel
            </Button>
            {diff ? (
              <Button
                appearance="primary"
                disabled={busy || changed === 0}
                onClick={async () => {
                  const result = await apply.run({ path: file, passphrase });
                  if (result) {
                    setApplied(result);
                    setPassphrase('');
                    onImported?.();
                  }
                }}
              >
                {apply.busy ? 'Importing…' : `Import ${changed} change${changed === 1 ? '' : 's'}`}
              </Button>
            ) : (
              <Button
                appearance="primary"
                disabled={busy || !file || !passphrase}
                onClick={async () => {
                  const result = await preview.run({ path: file, passphrase });
                  if (result) setDiff(result);
                }}
              >
                {preview.busy ? 'Reading…' : 'Preview'}
              </Button>
            )}
          </>
        )
      }
    >
      {applied ? (
        <MessageBar intent="success" title="Imported">
          {applied.applied} value{applied.applied === 1 ? '' : 's'} saved for tenant <strong>{applied.tenantId}</strong>.
        </MessageBar>
      ) : diff ? (
        <>
          <p>
            Tenant <strong>{diff.tenantName}</strong> <code>{diff.tenantId}</code>: nothing is changed until you import.
          </p>
          <Table caption="What the import changes" compact>
            <thead>
              <tr>
                <th scope="col">Variable</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {diff.changes.map((c) => (
                <tr key={c.name}>
                  <td className="mono">
                    {c.name} {c.sensitive && <Badge icon="lock">secret</Badge>}
                  </td>
                  <td>
                    <Badge intent={c.change === 'added' ? 'brand' : c.change === 'changed' ? 'warning' : 'neutral'}>{c.change}</Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
          {apply.error && <ErrorBar title="Import failed; nothing was changed" error={apply.error} />}
        </>
      ) : (
        <>
          <Field label="File" required hint="The full path of the exported tenant file on this machine.">
            {(p) => <TextInput {...p} mono value={path} onChange={(e) => setPath(e.target.value)} data-autofocus />}
          </Field>
          <Field label="Passphrase" required>
            {(p) => <TextInput {...p} type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />}
          </Field>
          {preview.error && <ErrorBar title="Could not read the file; nothing was imported" error={preview.error} />}
        </>
      )}
    </Dialog>
  );
}
