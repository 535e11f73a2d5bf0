import type { CheckStatus, PreflightCheck } from '../../../common/journal-events';
import { EmptyState } from '../../ui/empty-state';
import { Icon, type IconName } from '../../ui/icons';
import { sortChecks } from './preflight-model';

const ICON: Record<CheckStatus, { icon: IconName; label: string }> = {
  pass: { icon: 'check-circle', label: 'Passed' },
  warn: { icon: 'warning', label: 'Warning' },
  fail: { icon: 'error', label: 'Failed' },
};

/** Preflight checks, failures first, each with its detail and the hint that says what to do. */
export function ChecksList({ checks }: { checks: PreflightCheck[] }) {
  if (checks.length === 0) return <EmptyState title="No checks were needed">This drop's steps need no connection or tool checks.</EmptyState>;
  return (
    <ul className="check-list">
      {sortChecks(checks).map((check) => (
        <li key={check.id} className={`check check--${check.status}`} data-check={check.id}>
          <Icon name={ICON[check.status].icon} className="check__icon" label={ICON[check.status].label} />
          <div className="check__body">
            <div className="check__title">{check.title}</div>
            <div className="wrap-anywhere">{check.detail}</div>
            {check.hint && check.status !== 'pass' && <div className="muted small">{check.hint}</div>}
          </div>
        </li>
      ))}
    </ul>
  );
}
