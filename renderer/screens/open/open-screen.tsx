import { useState, type FormEvent } from 'react';
import { useAction } from '../../api/use-action';
import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { ProgressBar } from '../../ui/progress-bar';
import { TextInput } from '../../ui/text-input';
import { RecentDropsCard } from '../home/recent-drops-card';
import { DropZone } from './drop-zone';
import { looksLikeZip, normalizePathInput } from './drop-path';

/**
 * Opening a drop: drag it onto the zone or type its path. The engine streams, verifies and extracts it,
 * which takes seconds for a large zip, so the screen shows that it is working and never opens twice.
 */
export function OpenScreen({ initialPath }: { initialPath?: string }) {
  const [path, setPath] = useState(initialPath ?? '');
  const [notice, setNotice] = useState<string | null>(null);
  const open = useAction('drop.open');
  const target = normalizePathInput(path);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!target || open.busy) return;
    setNotice(null);
    const drop = await open.run({ path: target });
    if (drop) navigate({ name: 'overview', dropId: drop.id });
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
          disabled={open.busy}
          onPath={(p) => {
            setPath(p);
            setNotice(null);
            void (async () => {
              const drop = await open.run({ path: p });
              if (drop) navigate({ name: 'overview', dropId: drop.id });
            })();
          }}
          onUnresolved={(name) => {
            setNotice(
              name
                ? `The browser does not reveal where "${name}" is stored. Paste its full path below (in Explorer: Shift + right-click the file → Copy as path).`
                : 'That was not a file. Drop the zip file itself, or paste its path below.',
            );
          }}
        />
        {notice && <MessageBar intent="info">{notice}</MessageBar>}
        <form className="open-form" onSubmit={submit}>
          <Field
            label="Path of the drop zip or folder"
            hint="In the browser host this field is the way to open a drop: type or paste the full path on this machine. Quotes from Copy as path are removed."
          >
            {(p) => (
              <TextInput
                {...p}
                mono
                value={path}
                onChange={(e) => setPath(e.target.value)}
                placeholder="C:\Drops\PatientFlow-2.4.0-st-mary.zip"
                disabled={open.busy}
                spellCheck={false}
                autoComplete="off"
                data-testid="drop-path"
              />
            )}
          </Field>
          <div className="row">
            <Button appearance="primary" type="submit" icon="folder" disabled={!target || open.busy}>
              {open.busy ? 'Opening…' : 'Open'}
            </Button>
            {/*
              ELECTRON FILE DIALOG: the Electron shell will add a "Browse…" button here once the contract has a
              request for the native open dialog (planned as a later request); it returns a path that goes to
              drop.open exactly like the text field above. The browser host cannot offer it: browsers never
              disclose file paths.
            */}
          </div>
        </form>
        {open.busy && (
          <div className="stack" aria-live="polite">
            <span>
              {looksLikeZip(target) ? 'Reading, verifying and extracting the zip' : 'Checking the folder'} — every file's hash is compared with the manifest. Large drops take a while.
            </span>
            <ProgressBar label="Opening the drop" />
          </div>
        )}
        {open.error && <ErrorBar title="The drop was rejected" error={open.error} />}
      </Card>

      <RecentDropsCard limit={5} />
    </div>
  );
}
