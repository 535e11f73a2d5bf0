import { useEffect, useState } from 'react';
import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { THEME_LABELS, THEME_PREFERENCES } from '../../theme/theme';
import { useThemeControl } from '../../theme/theme-context';
import { Button } from '../../ui/button';
import { Card } from '../../ui/card';
import { Field } from '../../ui/field';
import { ErrorBar, MessageBar } from '../../ui/message-bar';
import { TextInput } from '../../ui/text-input';
import { StoredDropsCard } from './stored-drops-card';
import { TrustedPublishersCard } from '../trust/trusted-publishers-card';

/** Appearance (theme), the operator's name, the disk the stored drops take, and what this build is. */
export function SettingsScreen() {
  const theme = useThemeControl();
  const operator = useRequest('operator.get', {});
  const info = useRequest('app.info', {});
  const save = useAction('operator.set');
  const [name, setName] = useState('');
  const [saved, setSaved] = useState(false);
  const known = operator.state.status === 'ok' ? operator.state.data.name : null;
  useEffect(() => setName(known ?? ''), [known]);

  return (
    <div className="screen">
      <div className="screen__header">
        <div className="screen__title">
          <h1>Settings</h1>
        </div>
      </div>
      <div className="grid-2">
        <Card title="Appearance" icon="eye" labelledBy="settings-theme">
          <fieldset className="radio-group">
            <legend className="field__label">Theme</legend>
            {THEME_PREFERENCES.map((p) => (
              <label key={p} className="radio">
                <input type="radio" name="theme" value={p} checked={theme.preference === p} onChange={() => theme.setPreference(p)} />
                <span>
                  {THEME_LABELS[p]}
                  {p === 'system' && <span className="muted small"> — follows Windows (currently {THEME_LABELS[theme.resolved]})</span>}
                </span>
              </label>
            ))}
          </fieldset>
          <p className="muted small">When Windows contrast themes are on, the system colours are used whatever is chosen here.</p>
        </Card>
        <Card title="Operator" icon="document" labelledBy="settings-operator">
          {operator.state.status === 'error' && <ErrorBar error={operator.state.error} onRetry={operator.reload} />}
          <form
            className="stack"
            onSubmit={async (e) => {
              e.preventDefault();
              setSaved(false);
              if (await save.run({ name: name.trim() })) {
                setSaved(true);
                operator.reload();
              }
            }}
          >
            <Field label="Your name" hint="Recorded in every deployment you run and in its report.">
              {(p) => <TextInput {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" maxLength={200} />}
            </Field>
            <div className="row">
              <Button type="submit" appearance="primary" disabled={save.busy || !name.trim() || name.trim() === known}>
                Save
              </Button>
            </div>
            {saved && <MessageBar intent="success">Saved.</MessageBar>}
            {save.error && <ErrorBar error={save.error} />}
          </form>
        </Card>
        <Card title="About" icon="info" labelledBy="settings-about">
          {info.state.status === 'ok' && (
            <dl className="facts">
              <dt>Version</dt>
              <dd>{info.state.data.version}</dd>
              <dt>Host</dt>
              <dd>{info.state.data.host === 'web' ? 'Browser host (loopback only)' : 'Desktop app'}</dd>
              {info.state.data.simulatedServer && (
                <>
                  <dt>SQL Server</dt>
                  <dd>{info.state.data.simulatedServer.note}</dd>
                </>
              )}
            </dl>
          )}
          {info.state.status === 'error' && <ErrorBar error={info.state.error} onRetry={info.reload} />}
        </Card>
        <StoredDropsCard />
        <TrustedPublishersCard />
      </div>
    </div>
  );
}
