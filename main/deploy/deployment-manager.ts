/**
 * The deployment engine behind the contract (plan.get, preflight.run, deploy.*) and the CLI: plans,
 * preflights, starts and resumes deployments, holds the pending decisions of running ones, and
 * fans every journal event and state change out to listeners. One instance per host process.
 *
 * This file is the manager's public face and its composition: each concern lives in its own module
 * over one shared ManagerContext (manager-context.ts) — planning and preflight (deployment-planning.ts),
 * a new run (deployment-start.ts), a resume (deployment-resume.ts), launching and finishing a run
 * (run-launcher.ts), the operator decision bridge (decision-bridge.ts) and the read-only queries
 * (deployment-queries.ts). The types callers use are re-exported here so no caller imports those files.
 */
import type { DeploymentSummary, PlanView } from '../../common/contract';
import { AppError, type ErrorShape } from '../../common/errors';
import type { JournalEvent } from '../../common/journal-events';
import { answerDecision, type OperatorDecision, type PendingDecisionView } from './decision-bridge';
import { changeRequestHtml, planView, preflightFor } from './deployment-planning';
import { historyOf, interruptedDeployments, interruptedScriptOf, journalOf, waitFor } from './deployment-queries';
import { resumeDeployment, type ResumeOptions } from './deployment-resume';
import { startDeployment, type StartOptions } from './deployment-start';
import type { InterruptedScript } from './interrupted-script';
import { createManagerContext, type DeploymentEventListener, type DeploymentManagerOptions } from './manager-context';
import type { PreflightOutcome } from './preflight';

export type { FailurePolicy, OperatorDecision, PendingDecisionView } from './decision-bridge';
export type { DeploymentEventListener, DeploymentManagerOptions } from './manager-context';
export type { StartOptions } from './deployment-start';
export type { ResumeOptions } from './deployment-resume';

/** The manager's API (see the file comment). */
export interface DeploymentManager {
  plan(dropId: string, tenantId: string): Promise<PlanView>;
  preflight(dropId: string, tenantId: string, options?: { skipUnsupported?: string[] }): Promise<PreflightOutcome>;
  start(options: StartOptions): Promise<{ deploymentId: string }>;
  decide(deploymentId: string, stepId: string, decision: OperatorDecision, reason?: string, by?: string): void;
  cancel(deploymentId: string, mode: 'graceful' | 'immediate', by?: string): void;
  resume(deploymentId: string, options?: ResumeOptions): Promise<{ deploymentId: string }>;
  /** The script a crash left part-way in an interrupted deployment (transaction none), or null. */
  interruptedScript(deploymentId: string): InterruptedScript | null;
  journal(deploymentId: string, afterSeq?: number): { events: JournalEvent[]; state: DeploymentSummary['state']; pendingDecision?: PendingDecisionView };
  history(tenantId?: string): DeploymentSummary[];
  interrupted(): DeploymentSummary[];
  changeRequestHtml(dropId: string, tenantId: string, options?: { preparedBy?: string }): Promise<{ html: string }>;
  /** Why a deployment started here stopped when its journal could not record it (e.g. DISK_FULL); undefined otherwise. */
  stoppedBy(deploymentId: string): ErrorShape | undefined;
  /** Resolves when a deployment started here ends, with its summary. */
  wait(deploymentId: string): Promise<DeploymentSummary>;
  onEvent(listener: DeploymentEventListener): () => void;
  /** Gracefully cancels running deployments and waits for them. */
  close(): Promise<void>;
}

/** Creates the manager; nothing is read from disk until a method needs it. */
export function createDeploymentManager(options: DeploymentManagerOptions): DeploymentManager {
  const ctx = createManagerContext(options);

  const manager: DeploymentManager = {
    plan: (dropId, tenantId) => planView(ctx, dropId, tenantId),
    preflight: (dropId, tenantId, opts = {}) => preflightFor(ctx, dropId, tenantId, opts.skipUnsupported ?? []),
    start: (opts) => startDeployment(ctx, opts),

    decide(deploymentId, stepId, decision, reason, by) {
      answerDecision(deploymentId, ctx.active.get(deploymentId), stepId, decision, reason, by);
    },

    cancel(deploymentId, mode, by) {
      const run = ctx.active.get(deploymentId);
      if (!run) throw new AppError('DEPLOY_NOT_RUNNING', `Deployment ${deploymentId} is not running in this process.`, 'Cancel it from the window or terminal that runs it.', { deploymentId });
      if (run.immediate.signal.aborted || (mode === 'graceful' && run.graceful.signal.aborted)) return;
      const event = run.journal.append({ type: 'cancel-requested', mode, by: by?.trim() || run.operator });
      ctx.emit('journal', { deploymentId, event });
      run.graceful.abort();
      if (mode === 'immediate') run.immediate.abort();
    },

    resume: (deploymentId, opts = {}) => resumeDeployment(ctx, deploymentId, opts),
    interruptedScript: (deploymentId) => interruptedScriptOf(ctx, deploymentId),
    journal: (deploymentId, afterSeq = 0) => journalOf(ctx, deploymentId, afterSeq),
    history: (tenantId) => historyOf(ctx, tenantId),
    interrupted: () => interruptedDeployments(ctx),
    changeRequestHtml: (dropId, tenantId, opts = {}) => changeRequestHtml(ctx, dropId, tenantId, opts),
    stoppedBy: (deploymentId) => ctx.stoppedBy.get(deploymentId),
    wait: (deploymentId) => waitFor(ctx, deploymentId),

    onEvent(listener) {
      ctx.listeners.add(listener);
      return () => ctx.listeners.delete(listener);
    },

    async close() {
      const runs = [...ctx.active.values()];
      for (const run of runs) {
        try {
          manager.cancel(run.id, 'graceful', 'Drop Runner (closing)');
        } catch {
          // Already finishing.
        }
      }
      await Promise.all(runs.map((r) => r.done.catch(() => undefined)));
    },
  };
  return manager;
}
