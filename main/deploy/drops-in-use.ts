import type { DeploymentSummary } from '../../common/contract';

/**
 * The drops that must stay on disk, each with the reason: a deployment of it is running, waits for
 * the operator, or was interrupted and can still be resumed — all three read the drop's files again.
 * Finished deployments need nothing from the drop: their reports are built from the journal alone.
 */
export function dropsInUse(deployments: readonly DeploymentSummary[]): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const d of deployments) {
    if (reasons.has(d.dropId)) continue;
    if (d.state === 'running' || d.state === 'awaiting-decision') reasons.set(d.dropId, `deployment ${d.deploymentId} of it is running`);
    else if (d.state === 'interrupted') reasons.set(d.dropId, `deployment ${d.deploymentId} of it was interrupted and can still be resumed`);
  }
  return reasons;
}
