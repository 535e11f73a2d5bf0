import { useLayoutEffect, useRef, useState } from 'react';
import type { DeploymentSummary, PendingDecision } from '../../../common/contract';
import { formatClock, formatDuration } from '../../format/format';
import { afterNextPaint, recordPerf } from '../../perf/perf';
import { navigate } from '../../router/use-route';
import { Button } from '../../ui/button';
import { MessageBar } from '../../ui/message-bar';
import { ProgressBar } from '../../ui/progress-bar';
import { CancelDialog } from './cancel-dialog';
import { DecisionDialog } from './decision-dialog';
import { DeploymentStateBadge } from './deployment-state-badge';
import { LogView } from './log-view';
import { overallPercent, type RunModel } from './run-model';
import { StepList } from './step-list';
import { NotAppliedList } from './not-applied-list';
import { useNow } from './use-now';
import { useHostStatus } from '../../api/use-host-status';
import { ResumeButton } from './resume-button';
import { StaleLockBar } from './stale-lock-bar';

export interface RunViewProps {
  deploymentId: string;
  model: RunModel;
  version: number;
  state: DeploymentSummary['state'] | null;
  pendingDecision?: PendingDecision;
  /** performance.now() when the journal arrived; the first paint after it is measured once. */
  loadedAt: number | null;
  /** False in the perf harness: no engine to send decisions to. */
  interactive?: boolean;
  /** Re-reads the journal (after a stale lock is cleared, the state changes from running to interrupted). */
  onReload?: () => void;
}

const ACTIVE: ReadonlySet<string> = new Set(['running', 'awaiting-decision']);

/** The Run screen's content: summary, steps, live log, and the failure and cancel dialogs. */
export function RunView({ deploymentId, model, version, state, pendingDecision, loadedAt, interactive = true, onReload }: RunViewProps) {
  // With the host gone nothing runs here any more: the clock stops instead of counting a dead deployment.
  const hostDown = useHostStatus() === 'down';
  const active = !hostDown && state !== null && ACTIVE.has(state);
  const now = useNow(active);
  const [stepFilter, setStepFilter] = useState<string | undefined>(undefined);
  const [decisionHidden, setDecisionHidden] = useState<string | null>(null);
  const [cancelOpen, setCancelOpen] = useState(false);
  const measured = useRef(false);

  useLayoutEffect(() => {
    if (loadedAt === null || measured.current) return;
    measured.current = true;
    const lines = model.log.length;
    afterNextPaint(() => recordPerf('run-log-first-render', loadedAt, { lines }));
  }, [loadedAt, model.log.length]);

  const startedMs = model.startedAt ? Date.parse(model.startedAt) : undefined;
  const totalMs = model.durationMs ?? (startedMs !== undefined ? (model.finishedAt ? Date.parse(model.finishedAt) : now) - startedMs : undefined);
  const percent = overallPercent(model.steps);
  const decisionStep = pendingDecision ? model.steps.find((s) => s.id === pendingDecision.stepId) : undefined;
  const showDecision = interactive && state === 'awaiting-decision' && pendingDecision !== undefined && decisionHidden !== pendingDecision.stepId + ':' + (decisionStep?.attempt ?? 0);
  const finished = state !== null && !ACTIVE.has(state) && state !== 'interrupted';
  const h = model.header;

  return (
    <div className="screen screen--fill">
      <div className="screen__header">
        <div className="screen__title">
          <h1 style={{ fontSize: 22, lineHeight: '28px' }}>{h ? `${h.project} ${h.release}` : 'Deployment'}</h1>
          <p className="screen__subtitle">
            {h ? (
              <>
                {h.tenant} · {h.environment} · by {h.operator} on {h.machine}
                {h.resumedFrom ? ` · resumed from ${h.resumedFrom}` : ''}
              </>
            ) : (
              <code>{deploymentId}</code>
            )}
          </p>
        </div>
        <div className="screen__actions">
          {state && <DeploymentStateBadge state={state} />}
          {interactive && active && (
            <Button appearance="danger" icon="stop" onClick={() => setCancelOpen(true)} disabled={model.cancelRequested !== undefined}>
              {model.cancelRequested ? 'Cancelling…' : 'Cancel…'}
            </Button>
          )}
          {interactive && finished && (
            <Button appearance="primary" iconAfter="arrow-right" onClick={() => navigate({ name: 'report', deploymentId })}>
              Report
            </Button>
          )}
        </div>
      </div>

      <div className="run-summary">
        <span className="run-clock" aria-label="Elapsed time">
          {totalMs === undefined ? '--:--:--' : model.finishedAt ? formatDuration(totalMs) : formatClock(totalMs)}
        </span>
        <div className="run-summary__progress">
          <ProgressBar label="Overall progress" value={percent} intent={model.outcome === 'succeeded' ? 'success' : model.outcome === 'completed-with-skips' ? 'warning' : model.outcome ? 'error' : undefined} />
        </div>
        <span className="muted small">
          {model.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length} of {model.steps.length} steps done
        </span>
      </div>

      {interactive && state === 'awaiting-decision' && pendingDecision && !showDecision && (
        <MessageBar
          intent={pendingDecision.kind === 'confirm' && pendingDecision.about !== 'backup-failed' ? 'info' : 'error'}
          title={
            pendingDecision.about === 'backup-failed'
              ? `The backup before "${decisionStep?.name ?? pendingDecision.stepId}" failed — nothing changed yet; the deployment waits for you`
              : pendingDecision.kind === 'confirm'
                ? `"${decisionStep?.name ?? pendingDecision.stepId}" — the deployment waits for your confirmation`
                : `"${decisionStep?.name ?? pendingDecision.stepId}" failed — the deployment waits for you`
          }
          actions={<Button onClick={() => setDecisionHidden(null)}>Decide…</Button>}
        >
          <span>
            <code className="error-code">{pendingDecision.error.code}</code> {pendingDecision.error.message}
          </span>
        </MessageBar>
      )}
      {interactive && (state === 'interrupted' || state === 'running') && <StaleLockBar deploymentId={deploymentId} {...(onReload ? { onCleared: onReload } : {})} />}
      {state === 'interrupted' && (
        <MessageBar intent="warning" title="This deployment was interrupted" actions={interactive && <ResumeButton deploymentId={deploymentId} />}>
          {model.interruptions.at(-1)?.note ?? 'Drop Runner stopped before the deployment finished.'} Resuming re-checks what already ran.
        </MessageBar>
      )}

      <NotAppliedList model={model} />

      <div className="run-layout">
        <div className="run-steps">
          <StepList
            steps={model.steps}
            currentStepId={model.currentStepId}
            decisionStepId={state === 'awaiting-decision' ? pendingDecision?.stepId : undefined}
            decisionKind={pendingDecision?.about === 'backup-failed' ? 'backup-failed' : pendingDecision?.kind}
            now={now}
            onShowLog={(id) => setStepFilter((current) => (current === id ? undefined : id))}
          />
        </div>
        <LogView log={model.log} version={version} steps={model.steps} stepFilter={stepFilter} onStepFilterChange={setStepFilter} />
      </div>

      {showDecision && pendingDecision && (
        <DecisionDialog
          // A new question (another step, kind or attempt) starts a fresh dialog: the clean-up check asked right after an Abort must not open in "abort" mode.
          key={`${pendingDecision.stepId}:${pendingDecision.kind ?? 'failure'}:${decisionStep?.attempt ?? 0}`}
          deploymentId={deploymentId}
          pending={pendingDecision}
          stepName={decisionStep?.name ?? pendingDecision.stepId}
          transactional={decisionStep?.transactional}
          {...(decisionStep ? { step: decisionStep } : {})}
          onHide={() => setDecisionHidden(pendingDecision.stepId + ':' + (decisionStep?.attempt ?? 0))}
        />
      )}
      {cancelOpen && <CancelDialog deploymentId={deploymentId} onClose={() => setCancelOpen(false)} />}
    </div>
  );
}
