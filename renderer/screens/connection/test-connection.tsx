import { useState } from 'react';
import type { ConnectionTestView, RequestParams } from '../../../common/contract';
import type { ErrorShape } from '../../../common/errors';
import { getApi } from '../../api/client';
import { Button } from '../../ui/button';
import { MessageBar } from '../../ui/message-bar';

/** One line a DBA reads at a glance: who we are, where, how. */
export function describeTestResult(r: ConnectionTestView): string {
  const tls = r.encrypted ? `encrypted${r.tlsProtocol ? ` (${r.tlsProtocol})` : ''}` : 'not encrypted';
  return `Connected to ${r.serverName} (SQL Server ${r.productVersion}) as ${r.login}, database ${r.database}, ${r.authScheme} authentication, ${tls}.`;
}

/**
 * "Test connection": logs in through the engine (connection.test) and shows the server's answer, or
 * the failure's code, message and hint. `params` is read at click time so the latest edit is tested.
 */
export function TestConnection({ params, disabled, label = 'Test connection' }: { params: () => RequestParams<'connection.test'> | null; disabled?: boolean; label?: string }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: true; view: ConnectionTestView } | { ok: false; error: ErrorShape } | null>(null);
  const run = async () => {
    const p = params();
    if (!p) return;
    setBusy(true);
    setResult(null);
    const reply = await getApi().invoke('connection.test', p);
    setBusy(false);
    setResult(reply.ok ? { ok: true, view: reply.result } : { ok: false, error: reply.error });
  };
  return (
    <div className="conn-test" data-testid="connection-test">
      <Button size="small" icon="play" disabled={disabled || busy} onClick={() => void run()}>
        {busy ? 'Testing…' : label}
      </Button>
      {result?.ok && (
        <MessageBar intent="success" title="Connection works">
          <span data-testid="connection-test-result">{describeTestResult(result.view)}</span>
        </MessageBar>
      )}
      {result && !result.ok && (
        <MessageBar intent="error" title="Cannot connect">
          <span data-testid="connection-test-error">
            <code>{result.error.code}</code> {result.error.message} {result.error.hint}
          </span>
        </MessageBar>
      )}
    </div>
  );
}
