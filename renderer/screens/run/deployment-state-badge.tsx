import type { DeploymentSummary } from '../../../common/contract';
import { OUTCOME_WORDS } from '../../../common/journal-fold';
import { Badge, type BadgeIntent } from '../../ui/badge';
import type { IconName } from '../../ui/icons';

const STATES: Record<DeploymentSummary['state'], { label: string; intent: BadgeIntent; icon: IconName }> = {
  running: { label: 'Running', intent: 'brand', icon: 'play' },
  'awaiting-decision': { label: 'Waiting for you', intent: 'danger', icon: 'warning' },
  // Only a success is green: a release with skipped steps is not fully applied.
  succeeded: { label: 'Succeeded', intent: 'success', icon: 'check' },
  'completed-with-skips': { label: OUTCOME_WORDS['completed-with-skips'], intent: 'warning', icon: 'warning' },
  failed: { label: 'Failed', intent: 'danger', icon: 'error' },
  aborted: { label: 'Aborted', intent: 'danger', icon: 'stop' },
  cancelled: { label: 'Cancelled', intent: 'warning', icon: 'stop' },
  interrupted: { label: 'Interrupted', intent: 'warning', icon: 'warning' },
  damaged: { label: 'Damaged journal', intent: 'danger', icon: 'error' },
};

/** A deployment's state as a badge (word + icon + colour). */
export function DeploymentStateBadge({ state }: { state: DeploymentSummary['state'] }) {
  const s = STATES[state];
  return (
    <Badge intent={s.intent} icon={s.icon}>
      {s.label}
    </Badge>
  );
}
