import type { DiagnosticStatus } from '../../../common/contract';
import { useRequest } from '../../api/use-request';
import { Badge } from '../../ui/badge';
import { IconButton } from '../../ui/button';
import { Card } from '../../ui/card';
import { Icon, type IconName } from '../../ui/icons';
import { ErrorBar } from '../../ui/message-bar';
import { LoadingBlock } from '../../ui/spinner';

const STATUS: Record<DiagnosticStatus, { icon: IconName; label: string }> = {
  ok: { icon: 'check-circle', label: 'OK' },
  warn: { icon: 'warning', label: 'Warning' },
  fail: { icon: 'error', label: 'Failed' },
};

/** What this machine can and cannot do (keychain, tools, data folder), each with a hint when not OK. */
export function DiagnosticsCard() {
  const { state, reload } = useRequest('diagnostics.get', {});
  return (
    <Card
      title="This machine"
      icon="settings"
      labelledBy="diagnostics-title"
      actions={
        <>
          {state.status === 'ok' && (
            <Badge intent={state.data.ready ? 'success' : 'danger'} icon={state.data.ready ? 'check' : 'error'}>
              {state.data.ready ? 'Ready' : 'Not ready'}
            </Badge>
          )}
          <IconButton icon="refresh" label="Check again" size="small" onClick={reload} />
        </>
      }
    >
      {state.status === 'loading' && <LoadingBlock label="Checking this machine…" />}
      {state.status === 'error' && <ErrorBar title="Could not run diagnostics" error={state.error} onRetry={reload} />}
      {state.status === 'ok' && (
        <ul className="diag-list">
          {state.data.items.map((item) => (
            <li key={item.id} className={`diag-list__item diag-list__item--${item.status}`}>
              <Icon name={STATUS[item.status].icon} className="diag-list__icon" label={STATUS[item.status].label} />
              <div className="diag-list__body">
                <div className="row row--between">
                  <span className="diag-list__label">
                    {item.label}
                    {item.required && <span className="muted small"> (required)</span>}
                  </span>
                  <span className="diag-list__value wrap-anywhere">{item.value}</span>
                </div>
                {item.hint && item.status !== 'ok' && <div className="muted small">{item.hint}</div>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
