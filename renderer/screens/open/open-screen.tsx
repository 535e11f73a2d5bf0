import { useRef, useState, type FormEvent } from 'react';
import type { ErrorShape } from '../../../common/errors';
import { getApi } from '../../api/client';
import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { ProgressBar } from '../../ui/progress-bar';
import { TextInput } from '../../ui/text-input';
import { RecentDropsCard } from '../home/recent-drops-card';
import { DropZone } from './drop-zone';
import { looksLikeZip, normalizePathInput } from '../../format/path-input';

/** Rejections that a password fixes (Octopus drops whose sensitive variables are encrypted). */
const PASSWORD_CODES: ReadonlySet<string> = new Set(['OCTOPUS_PASSWORD_REQUIRED', 'OCTOPUS_BAD_PASSWORD']);

/**
 * Opening a drop: drag it onto the zone, choose it, or type its path. The engine streams, verifies and
 * extracts it, which takes seconds for a large zip, so the screen shows that it is working and never opens twice.
 *
 * Hosts differ only in how a file becomes a path: the desktop app has the OS file dialog (dialog.openDrop)
 * and real paths for dropped files; the browser host uploads a dropped or chosen file into the data folder
 * first, and the path field opens a drop in place without copying it.
 */
export function OpenScreen({ initialPath }: { initialPath?: string }) {
  const [path, setPath] = useState(initialPath ?? '');
  const [notice, setNotice] = useState<string | null>(null);
  const [transfer, setTransfer] = useState<{ name: string } | null>(null);
  const [transferError, setTransferError] = useState<ErrorShape | null>(null);
  const open = useAction('drop.open');
  const dialog = useAction('dialog.openDrop');
  const info = useRequest('app.info', {});
  const fileInput = useRef<HTMLInputElement>(null);
  const [password, setPassword] = useState('');
  const [passwordFor, setPasswordFor] = useState<string | null>(null);
  const target = normalizePathInput(path);
  const electron = info.state.status === 'ok' && info.state.data.host === 'electron';
  const busy = open.busy || transfer !== null || dialog.busy;

  const openPath = async (p: string, dropPassword?: string) => {
    setNotice(null);
    setTransferError(null);
    const drop = await open.run({ path: p, ...(dropPassword ? { password: dropPassword } : {}) });
    // The password is only held until the engine has tried it.
    setPassword('');
    if (drop) return navigate({ name: 'overview', dropId: drop.id });
    setPasswordFor(p);
  };
  const askPassword = open.error !== null && PASSWORD_CODES.has(open.error.code) && passwordFor !== null;

  const openFile = async (file: File) => {
    setNotice(null);
    setTransferError(null);
    setTransfer({ name: file.name });
    const result = await getApi().fileToPath(file);
    setTransfer(null);
    if (!result.ok) return setTransferError(result.error);
    setPath(result.path);
    await openPath(result.path);
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (target && !busy) void openPath(target);
  };

  return (
    <div className="screen">
      <div className="screen__header">
        <div className="screen__title">
          <h1>Open a drop</h1>
          <p className="screen__subtitle">A drop is the release zip (or its extracted folder) the vendor sent for this hospital.</p>
        </div>
      </div>

      <Card>
        <DropZone
          disabled={busy}
          onFile={(file) => void openFile(file)}
          onPath={(p) => {
            setPath(p);
            void openPath(p);
          }}
          onUnresolved={() => setNotice('That was not a file. Drop the zip file itself, or enter its path below.')}
        />
        <div className="row">
          {electron ? (
            <Button
              icon="folder"
              disabled={busy}
              onClick={async () => {
                const result = await dialog.run({});
                if (result?.path) {
                  setPath(result.path);
                  await openPath(result.path);
                }
              }}
            >
              Browse…
            </Button>
          ) : (
            <>
              <Button icon="folder" disabled={busy} onClick={() => fileInput.current?.click()}>
                Choose file…
              </Button>
              <input
                ref={fileInput}
                type="file"
                accept=".zip,application/zip"
                hidden
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) void openFile(file);
                }}
              />
              <span className="muted small">In the browser a chosen file is copied into Drop Runner's data folder first; the path field below opens it where it is.</span>
            </>
          )}
        </div>
        {notice && <MessageBar intent="info">{notice}</MessageBar>}
        <form className="open-form" onSubmit={submit}>
          <Field label="Path of the drop zip or folder" hint="The full path on this machine. Quotes from Explorer's Copy as path are removed.">
            {(p) => (
              <TextInput
                {...p}
                mono
                value={path}
                onChange={(e) => setPath(e.target.value)}
                placeholder="C:\Drops\PatientFlow-2.4.0-st-mary.zip"
                disabled={busy}
                spellCheck={false}
                autoComplete="off"
                data-testid="drop-path"
              />
            )}
          </Field>
          <div className="row">
            <Button appearance="primary" type="submit" icon="arrow-right" disabled={!target || busy}>
              {open.busy ? 'Opening…' : 'Open'}
            </Button>
          </div>
        </form>
        {transfer && (
          <div className="stack" aria-live="polite">
            <span>Copying “{transfer.name}” into Drop Runner…</span>
            <ProgressBar label="Copying the file" />
          </div>
        )}
        {open.busy && (
          <div className="stack" aria-live="polite">
            <span>
              {looksLikeZip(target) ? 'Reading, verifying and extracting the zip' : 'Checking the folder'} — every file's hash is compared with the manifest. Large drops take a while.
            </span>
            <ProgressBar label="Opening the drop" />
          </div>
        )}
        {transferError && <ErrorBar title="The file could not be handed to Drop Runner" error={transferError} />}
        {dialog.error && <ErrorBar title="The file dialog failed" error={dialog.error} />}
        {open.error && <ErrorBar title={askPassword ? 'This Octopus drop needs its password' : 'The drop was rejected'} error={open.error} />}
        {askPassword && passwordFor && (
          <form
            className="open-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (password) void openPath(passwordFor, password);
            }}
          >
            <Field label="Drop password" hint="The password the drop's sensitive variables were encrypted with (from the vendor). Once it works it is remembered in the OS keychain for this tenant.">
              {(p) => <TextInput {...p} type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} disabled={busy} />}
            </Field>
            <div className="row">
              <Button appearance="primary" type="submit" icon="lock" disabled={!password || busy}>
                Open with password
              </Button>
            </div>
          </form>
        )}
      </Card>

      <RecentDropsCard limit={5} />
    </div>
  );
}
