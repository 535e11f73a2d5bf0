/**
 * What the manager answers about deployments without changing them: a journal (with the live state
 * and any pending decision), the history, the interrupted ones, the script a crash left part-way,
 * and waiting for a run's end. Journals are read from disk each time; the live state comes from the
 * runs of this process or the machine lock.
 */
import { existsSync } from 'node:fs';
import type { DeploymentSummary } from '../../common/contract';
import { AppError } from '../../common/errors';
import type { JournalEvent } from '../../common/journal-events';
import { readJournal } from '../journal/journal-file';
import type { PendingDecisionView } from './decision-bridge';
import { isDeploymentId, journalPathOf, listDeployments, summarize } from './deployment-index';
import { findInterruptedScript, type InterruptedScript } from './interrupted-script';
import type { ManagerContext } from './manager-context';

export function notFound(deploymentId: string): AppError {
  return new AppError('DEPLOY_NOT_FOUND', `There is no deployment "${deploymentId}" on this machine.`, 'Run `drop-runner history` to list the deployments.', { deploymentId });
}

/** The journal path of a deployment that exists here; DEPLOY_NOT_FOUND otherwise (an id that is no folder name included). */
export function existingJournalPath(ctx: ManagerContext, deploymentId: string): string {
  if (!isDeploymentId(deploymentId)) throw notFound(deploymentId);
  const path = journalPathOf(ctx.dataDir, deploymentId);
  if (!existsSync(path)) throw notFound(deploymentId);
  return path;
}

export function interruptedScriptOf(ctx: ManagerContext, deploymentId: string): InterruptedScript | null {
  const { events } = readJournal(existingJournalPath(ctx, deploymentId));
  const summary = summarize(events[0], events, ctx.liveState(deploymentId));
  if (summary?.state !== 'interrupted') return null;
  return findInterruptedScript(events) ?? null;
}

export function journalOf(
  ctx: ManagerContext,
  deploymentId: string,
  afterSeq: number,
): { events: JournalEvent[]; state: DeploymentSummary['state']; pendingDecision?: PendingDecisionView } {
  const { events } = readJournal(existingJournalPath(ctx, deploymentId));
  const run = ctx.active.get(deploymentId);
  const state = summarize(events[0], events, ctx.liveState(deploymentId))?.state ?? 'interrupted';
  return { events: events.filter((e) => e.seq > afterSeq), state, ...(run?.pending ? { pendingDecision: run.pending } : {}) };
}

export function historyOf(ctx: ManagerContext, tenantId?: string): DeploymentSummary[] {
  const all = listDeployments(ctx.dataDir, ctx.liveState);
  return tenantId ? all.filter((d) => d.tenantId === tenantId) : all;
}

export function interruptedDeployments(ctx: ManagerContext): DeploymentSummary[] {
  return listDeployments(ctx.dataDir, ctx.liveState).filter((d) => d.state === 'interrupted');
}

/** Resolves when a deployment started here ends (at once for any other), with its summary. */
export async function waitFor(ctx: ManagerContext, deploymentId: string): Promise<DeploymentSummary> {
  const run = ctx.active.get(deploymentId);
  if (run) await run.done;
  const found = listDeployments(ctx.dataDir, ctx.liveState).find((d) => d.deploymentId === deploymentId);
  if (!found) throw notFound(deploymentId);
  return found;
}
