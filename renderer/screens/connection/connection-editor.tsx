import { useEffect, useMemo, useRef, useState } from 'react';
import type { VariableItem } from '../../../common/contract';
import { maskUnparsedPassword } from '../../../common/connection-string';
import type { ErrorShape } from '../../../common/errors';
import { getApi } from '../../api/client';
import { useRoute } from '../../router/use-route';
import { Button, IconButton } from '../../ui/button';
import { Checkbox } from '../../ui/checkbox';
import { MessageBar } from '../../ui/message-bar';
import { Select } from '../../ui/select';
import { TypedInput } from '../../ui/typed-input';
import { fieldsProblem, readConnectionFields, writeConnectionFields, type AuthMethod, type ConnectionFields, type EncryptChoice } from './connection-fields';
import { IntegratedAuthNotice } from './integrated-auth-notice';
import { TestConnection } from './test-connection';

export interface ConnectionEditorProps {
  id: string;
  item: VariableItem;
  /** The unsaved value, if any (for a secret: only once the engineer typed or opened it for editing). */
  draftValue: string | undefined;
  describedBy?: string;
  onChange: (value: string, eventTimeStamp: number) => void;
  /** Fetches the stored value from the keychain (variables.reveal). */
  reveal: () => Promise<{ ok: true; value: string } | { ok: false; error: ErrorShape }>;
}

const AUTH_OPTIONS: Array<{ value: AuthMethod; label: string }> = [
  { value: 'sql', label: 'SQL Server login' },
  { value: 'windows-account', label: 'Windows account (DOMAIN\\user + password)' },
  { value: 'windows-integrated', label: 'Windows integrated (the signed-in user)' },
];
const ENCRYPT_OPTIONS: Array<{ value: EncryptChoice; label: string }> = [
  { value: 'mandatory', label: 'Mandatory' },
  { value: 'optional', label: 'Optional' },
  { value: 'strict', label: 'Strict (TDS 8)' },
];
const MASK = '********';

/** The connection string with the password shown as ********, for the masked raw view (also mid-edit, when it does not parse). */
function masked(text: string, fields: ConnectionFields | null, parses: boolean): string {
  if (parses && fields) {
    if (!fields.password) return text;
    try {
      return writeConnectionFields({ ...fields, password: MASK }, text);
    } catch {
      // Falls through to masking by position.
    }
  }
  return maskUnparsedPassword(text, MASK);
}

/** A drop default with #{…} evaluated by the engine, for display under the fields (password masked). */
function useResolved(template: string, where: { dropId: string; tenantId: string } | null): { text: string; missing: string[] } | null {
  const [resolved, setResolved] = useState<{ text: string; missing: string[] } | null>(null);
  const dropId = where?.dropId;
  const tenantId = where?.tenantId;
  useEffect(() => {
    if (!dropId || !tenantId || !template.includes('#{')) {
      setResolved(null);
      return;
    }
    let live = true;
    // Typing is not a request per key: resolve once the engineer pauses.
    const timer = window.setTimeout(() => {
      void getApi()
        .invoke('connection.resolve', { dropId, tenantId, value: template })
        .then((reply) => {
          if (live) setResolved(reply.ok ? reply.result : null);
        });
    }, 250);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [template, dropId, tenantId]);
  return resolved;
}

/** `value` once it has stayed the same for `ms` (null at once): for messages that should wait for a pause in typing. */
function useSettled(value: string | null, ms: number): string | null {
  const [settled, setSettled] = useState<string | null>(null);
  useEffect(() => {
    if (value === null) {
      setSettled(null);
      return;
    }
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return value === null ? null : settled;
}

/**
 * The structured editor for a connection-string variable: Server, Database, Authentication, Encrypt
 * and Trust server certificate, a masked password with reveal, the raw string under "Advanced", what
 * a #{…} default resolves to (the template on hover), and Test connection. A stored secret stays in
 * the keychain until the engineer chooses Edit (or tests it as stored).
 */
export function ConnectionEditor({ id, item, draftValue, describedBy, onChange, reveal }: ConnectionEditorProps) {
  const route = useRoute();
  const where = route.name === 'variables' || route.name === 'preflight' ? { dropId: route.dropId, tenantId: route.tenantId } : null;
  const secret = item.sensitive || item.type === 'sensitive';
  // A remembered secret stays in the keychain until asked for; a secret drop default is not sent to the UI at all.
  const lockedInKeychain = secret && item.hasValue && item.source === 'remembered' && draftValue === undefined;
  const hiddenDefault = secret && item.hasValue && item.source !== 'remembered' && draftValue === undefined && item.value === undefined;
  const text = draftValue ?? item.value ?? (secret ? '' : (item.defaultValue ?? ''));
  const [showPassword, setShowPassword] = useState(false);
  const [revealError, setRevealError] = useState<ErrorShape | null>(null);
  const hideTimer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(hideTimer.current), []);

  const parsed = useMemo((): { fields: ConnectionFields; error: null } | { fields: null; error: string } => {
    try {
      return { fields: readConnectionFields(text), error: null };
    } catch (error) {
      return { fields: null, error: (error as Error).message };
    }
  }, [text]);
  // While the raw string is mid-edit (a keyword typed, its "=" not yet), the form keeps showing the last
  // string that parsed, frozen, instead of being torn down and rebuilt at every key; the parse error
  // waits for a pause in typing and is tied to the raw field rather than announced as an alert per key.
  const [lastParsed, setLastParsed] = useState<ConnectionFields | null>(parsed.fields);
  if (parsed.fields && parsed.fields !== lastParsed) setLastParsed(parsed.fields);
  const parseError = useSettled(parsed.error, 600);
  // "SQL login" and "Windows account" read alike until a DOMAIN\user is typed: the choice made in the
  // drop-down is kept here so the form does not jump back while the account is still empty.
  const [chosenAuth, setChosenAuth] = useState<AuthMethod | null>(null);
  const frozen = !parsed.fields && lastParsed !== null;
  const shownFields = parsed.fields ?? lastParsed;
  const fields = shownFields && chosenAuth && chosenAuth !== 'windows-integrated' && shownFields.auth !== 'windows-integrated' ? { ...shownFields, auth: chosenAuth } : shownFields;
  const resolved = useResolved(lockedInKeychain ? '' : text, where);

  const set = (patch: Partial<ConnectionFields>, timeStamp: number) => {
    if (!fields || frozen) return;
    if (patch.auth) setChosenAuth(patch.auth);
    onChange(writeConnectionFields({ ...fields, ...patch }, text), timeStamp);
  };

  const togglePassword = () => {
    window.clearTimeout(hideTimer.current);
    setShowPassword((v) => !v);
    // A shown password hides itself again after 30 s, like the other secrets.
    hideTimer.current = window.setTimeout(() => setShowPassword(false), 30_000);
  };

  const openStored = async (timeStamp: number) => {
    const r = await reveal();
    if (!r.ok) return setRevealError(r.error);
    setRevealError(null);
    onChange(r.value, timeStamp);
  };

  const testParams = () => (where ? (lockedInKeychain || hiddenDefault ? { ...where, variable: item.name } : { ...where, value: text }) : null);

  if (lockedInKeychain) {
    return (
      <div className="conn-editor" data-testid="connection-editor">
        <MessageBar intent="info" title="Stored in the keychain">
          The connection, password included, is kept in the OS keychain.
        </MessageBar>
        <div className="row">
          <Button size="small" icon="lock" onClick={(e) => void openStored(e.timeStamp)}>
            Edit connection…
          </Button>
          <TestConnection params={testParams} disabled={!where} />
        </div>
        {revealError && (
          <MessageBar intent="error">
            <code>{revealError.code}</code> {revealError.message} {revealError.hint}
          </MessageBar>
        )}
      </div>
    );
  }

  const problem = fields && !frozen && !hiddenDefault ? fieldsProblem(fields) : null;
  const rawErrorId = `${id}-raw-error`;
  const rawError = frozen ? parseError : null;
  return (
    <div className="conn-editor" data-testid="connection-editor" aria-describedby={describedBy}>
      {hiddenDefault && (
        <MessageBar intent="info" title="The drop's default is used">
          It is not shown because the variable is secret. Fill in the fields (or the raw string) to replace it; Test connection tests the default as it is.
        </MessageBar>
      )}
      {fields ? (
        <fieldset className="conn-editor__grid" disabled={frozen} aria-label="Connection fields">
          <label htmlFor={`${id}-server`}>Server</label>
          <TypedInput id={id ? `${id}-server` : undefined} className="input input--mono" spellCheck={false} autoComplete="off" placeholder="host, host\instance or host,port" value={fields.server} onValue={(v, t) => set({ server: v }, t)} />
          <label htmlFor={`${id}-database`}>Database</label>
          <TypedInput id={`${id}-database`} className="input input--mono" spellCheck={false} autoComplete="off" placeholder="the login's default" value={fields.database} onValue={(v, t) => set({ database: v }, t)} />
          <label htmlFor={`${id}-auth`}>Authentication</label>
          <Select id={`${id}-auth`} value={fields.auth} options={AUTH_OPTIONS} onChange={(e) => set({ auth: e.target.value as AuthMethod }, e.timeStamp)} />
          {fields.auth !== 'windows-integrated' && (
            <>
              <label htmlFor={`${id}-user`}>{fields.auth === 'sql' ? 'Login' : 'Windows account'}</label>
              <TypedInput id={`${id}-user`} className="input input--mono" spellCheck={false} autoComplete="off" placeholder={fields.auth === 'sql' ? 'login name' : 'DOMAIN\\user'} value={fields.user} onValue={(v, t) => set({ user: v }, t)} />
              <label htmlFor={`${id}-password`}>Password</label>
              <div className="input-group">
                <TypedInput
                  id={`${id}-password`}
                  className="input input--mono"
                  type={showPassword ? 'text' : 'password'}
                  spellCheck={false}
                  autoComplete="off"
                  value={fields.password}
                  onValue={(v, t) => set({ password: v }, t)}
                />
                <IconButton appearance="secondary" icon={showPassword ? 'eye-off' : 'eye'} label={showPassword ? 'Hide password' : 'Show password'} aria-pressed={showPassword} onClick={togglePassword} />
              </div>
            </>
          )}
          <label htmlFor={`${id}-encrypt`}>Encrypt</label>
          <Select id={`${id}-encrypt`} value={fields.encrypt} options={ENCRYPT_OPTIONS} onChange={(e) => set({ encrypt: e.target.value as EncryptChoice }, e.timeStamp)} />
          <span />
          <Checkbox
            label="Trust server certificate (only when hospital IT confirms the server: the certificate is then not checked)"
            checked={fields.trustServerCertificate}
            disabled={fields.encrypt === 'strict'}
            onChange={(e) => set({ trustServerCertificate: e.target.checked }, e.timeStamp)}
          />
        </fieldset>
      ) : (
        <MessageBar intent="error" title="Not a connection string yet">
          {parsed.error} Fix it under “Advanced: raw connection string”.
        </MessageBar>
      )}
      {fields?.auth === 'windows-integrated' && <IntegratedAuthNotice onUseWindowsAccount={(timeStamp) => set({ auth: 'windows-account' }, timeStamp)} />}
      {fields?.encrypt === 'strict' && <p className="small muted">Strict (TDS 8) always checks the server certificate: the issuing CA must be trusted on this machine.</p>}
      {problem && <p className="field__error">{problem}</p>}
      {resolved && (
        <p className="small conn-editor__resolved">
          Resolves to{' '}
          <code title={`Template: ${masked(text, fields, parsed.fields !== null)}`} data-testid="connection-resolved">
            {resolved.text}
          </code>
          {resolved.missing.length > 0 && <span className="muted"> (no value yet: {resolved.missing.join(', ')})</span>}
        </p>
      )}
      <details className="conn-editor__raw">
        <summary>Advanced: raw connection string</summary>
        {/* One line, masked like the password it holds, revealed by the same Show password control. */}
        <div className="input-group">
          <TypedInput
            className="input input--mono"
            aria-label="Raw connection string"
            data-testid="raw-connection"
            type={showPassword ? 'text' : 'password'}
            // Where a value that is not sent to the page lives, in the same words as the other secrets.
            placeholder={hiddenDefault ? "•••••••• the drop's default (not in the keychain) — type to replace" : undefined}
            spellCheck={false}
            autoComplete="off"
            value={text}
            aria-invalid={rawError ? true : undefined}
            aria-describedby={rawError ? rawErrorId : undefined}
            onValue={(v, t) => {
              setChosenAuth(null);
              onChange(v, t);
            }}
          />
          <IconButton appearance="secondary" icon={showPassword ? 'eye-off' : 'eye'} label={showPassword ? 'Hide raw connection string' : 'Show raw connection string'} aria-pressed={showPassword} onClick={togglePassword} />
        </div>
        {rawError && (
          <p id={rawErrorId} className="field__error">
            {rawError} The fields above show the last string that read correctly until this one does.
          </p>
        )}
      </details>
      <TestConnection params={testParams} disabled={!where || !fields || frozen || Boolean(problem)} />
    </div>
  );
}
