import { formatClock, formatDuration } from '../../format/format';
import type { IconName } from '../../ui/icons';
import { ProgressBar } from '../../ui/progress-bar';
import { Stepper, type StepperItem } from '../../ui/stepper';
import { STEP_TYPE_LABELS } from '../overview/overview-model';
import { stepElapsedMs, type StepState } from './run-model';

type Display = StepState['status'] | 'awaiting-decision' | 'awaiting-confirmation' | 'awaiting-backup-decision';

const DISPLAY: Record<Display, { icon: IconName; label: string }> = {
  pending: { icon: 'circle', label: 'Waiting' },
  // After a failure or abort a step that never ran is not "waiting": it will not run in this deployment.
  'not-run': { icon: 'circle', label: 'Not run' },
  running: { icon: 'play', label: 'Running' },
  succeeded: { icon: 'check-circle', label: 'Succeeded' },
  failed: { icon: 'error', label: 'Failed' },
  skipped: { icon: 'skip', label: 'Skipped' },
  cancelled: { icon: 'stop', label: 'Cancelled' },
  interrupted: { icon: 'warning', label: 'Interrupted' },
  'awaiting-decision': { icon: 'warning', label: 'Failed — waiting for your decision' },
  'awaiting-confirmation': { icon: 'clock', label: 'Waiting for your confirmation' },
  // The step has not started changing anything: its backup failed.
  'awaiting-backup-decision': { icon: 'warning', label: 'Backup failed, nothing changed — waiting for your decision' },
};

/** The steps as a vertical stepper: status, a progress bar each, elapsed time and the item being worked on. */
export function StepList({
  steps,
  currentStepId,
  decisionStepId,
  decisionKind,
  now,
  onShowLog,
}: {
  steps: StepState[];
  currentStepId?: string;
  decisionStepId?: string;
  decisionKind?: 'failure' | 'confirm' | 'backup-failed';
  now: number;
  onShowLog: (stepId: string) => void;
}) {
  const items: StepperItem[] = steps.map((step) => {
    const display: Display = step.id === decisionStepId ? (decisionKind === 'confirm' ? 'awaiting-confirmation' : decisionKind === 'backup-failed' ? 'awaiting-backup-decision' : 'awaiting-decision') : step.status;
    const elapsed = stepElapsedMs(step, now);
    const typeLabel = STEP_TYPE_LABELS[step.type as keyof typeof STEP_TYPE_LABELS] ?? step.type;
    const lastSkip = [...step.decisions].reverse().find((d) => d.decision === 'skip');
    return {
      key: step.id,
      status: display,
      icon: DISPLAY[display].icon,
      statusLabel: DISPLAY[display].label,
      title: (
        <button type="button" className="link-button" onClick={() => onShowLog(step.id)} title={`${step.name} — show this step's log lines`}>
          {step.name}
        </button>
      ),
      aside: <span className="run-step__time">{elapsed === undefined ? '' : step.status === 'running' ? formatClock(elapsed) : formatDuration(elapsed)}</span>,
      children: (
        <>
          <ProgressBar
            label={`${step.name} progress`}
            value={step.status === 'pending' || step.status === 'not-run' ? 0 : step.status === 'running' ? step.percent : step.status === 'succeeded' ? 100 : (step.percent ?? 100)}
            intent={display === 'failed' || display === 'awaiting-decision' || display === 'awaiting-backup-decision' ? 'error' : step.status === 'succeeded' ? 'success' : step.status === 'skipped' || step.status === 'cancelled' || step.status === 'interrupted' ? 'warning' : undefined}
          />
          <div className="stepper__meta">
            <span className="stepper__item-text">
              {DISPLAY[display].label} · {typeLabel}
              {step.attempt > 1 ? ` · attempt ${step.attempt}` : ''}
              {step.warnings > 0 ? ` · ${step.warnings} warning${step.warnings === 1 ? '' : 's'}` : ''}
            </span>
            {step.status === 'running' && step.percent !== undefined && <span>{Math.round(step.percent)}%</span>}
          </div>
          {step.status === 'running' && step.item && (
            <div className="stepper__meta">
              <span className="stepper__item-text mono" title={step.item}>
                {step.item}
              </span>
            </div>
          )}
          {step.error && step.status === 'failed' && (
            <div className="stepper__meta" style={{ color: 'var(--danger-fg)' }}>
              <span className="stepper__item-text" title={`${step.error.code}: ${step.error.message}`}>
                {step.error.code}: {step.error.message}
              </span>
            </div>
          )}
          {step.status === 'skipped' && lastSkip?.reason && (
            <div className="stepper__meta">
              <span className="stepper__item-text" title={lastSkip.reason}>
                Skipped by {lastSkip.by}: {lastSkip.reason}
              </span>
            </div>
          )}
        </>
      ),
    };
  });
  return <Stepper items={items} current={decisionStepId ?? currentStepId} label="Steps" />;
}
