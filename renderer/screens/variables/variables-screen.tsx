import { useCallback, useState } from 'react';
import type { ErrorShape } from '../../../common/errors';
import type { DefaultDecision } from '../../../common/variable-state';
import { getApi } from '../../api/client';
import { useAction } from '../../api/use-action';
import { useRequest } from '../../api/use-request';
import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';
import { ErrorBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';
import { TenantTransferDialog, type TransferMode } from '../tenants/tenant-transfer-dialog';
import { VariablesEditor } from './variables-editor';

/** The tenant's values for one drop: prefilled from memory, with what changed since the last release flagged. */
export function VariablesScreen({ dropId, tenantId }: { dropId: string; tenantId: string }) {
  const { state, reload, setData } = useRequest('variables.forDrop', { dropId, tenantId });
  const save = useAction('variables.save');
  const [forgetError, setForgetError] = useState<ErrorShape | null>(null);
  const [decideError, setDecideError] = useState<ErrorShape | null>(null);
  const [transfer, setTransfer] = useState<TransferMode | null>(null);

  const reveal = useCallback(async (name: string) => {
    const reply = await getApi().invoke('variables.reveal', { tenantId, name });
    return reply.ok ? ({ ok: true, value: reply.result.value } as const) : ({ ok: false, error: reply.error } as const);
  }, [tenantId]);

  const onSave = useCallback(
    async (values: Array<{ name: string; value: string }>, remember: boolean) => {
      const result = await save.run({ dropId, tenantId, values, remember });
      if (result) setData(result);
      return result !== null;
    },
    [dropId, tenantId, save, setData],
  );

  const onForget = useCallback(
    async (name: string) => {
      const reply = await getApi().invoke('variables.forget', { tenantId, name });
      if (!reply.ok) return setForgetError(reply.error);
      setForgetError(null);
      if ('items' in reply.result) setData(reply.result);
      else reload();
    },
    [tenantId, setData, reload],
  );

  const onDecide = useCallback(
    async (name: string, decision: DefaultDecision) => {
      const reply = await getApi().invoke('variables.decide', { dropId, tenantId, name, decision });
      if (!reply.ok) return setDecideError(reply.error);
      setDecideError(null);
      setData(reply.result);
    },
    [dropId, tenantId, setData],
  );

  return (
    <div className="screen">
      <div className="screen__header">
        <div className="screen__title">
          <h1>Variables</h1>
          <p className="screen__subtitle">
            {state.status === 'ok' ? (
              <>
                Values for <strong>{state.data.tenantName}</strong> <code>{tenantId}</code>. Remembered values are filled in; only what changed needs you.
              </>
            ) : (
              <>
                Values for tenant <code>{tenantId}</code>.
              </>
            )}
          </p>
        </div>
        <div className="screen__actions">
          <Button icon="arrow-left" onClick={() => navigate({ name: 'overview', dropId })}>
            Overview
          </Button>
          <Button icon="download" onClick={() => setTransfer('export')}>
            Export tenant…
          </Button>
          <Button icon="upload" onClick={() => setTransfer('import')}>
            Import…
          </Button>
        </div>
      </div>
      {state.status === 'loading' && <LoadingBlock label="Reading remembered values…" />}
      {state.status === 'error' && <ErrorBar title="Could not load the variables" error={state.error} onRetry={reload} />}
      {forgetError && <ErrorBar title="Could not forget the value" error={forgetError} />}
      {decideError && <ErrorBar title="Could not record the decision" error={decideError} />}
      {state.status === 'ok' && (
        <VariablesEditor
          view={state.data}
          reveal={reveal}
          onSave={onSave}
          onForget={onForget}
          onDecide={(name, decision) => void onDecide(name, decision)}
          onContinue={() => navigate({ name: 'preflight', dropId, tenantId })}
          saving={save.busy}
          saveError={save.error}
        />
      )}
      {transfer && <TenantTransferDialog mode={transfer} tenantId={tenantId} onClose={() => setTransfer(null)} onImported={reload} />}
    </div>
  );
}
