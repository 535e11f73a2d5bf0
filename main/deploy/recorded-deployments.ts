import type { DeploymentSummary } from '../../common/contract';
import { listDeployments } from './deployment-index';
import { runningByLock } from './deployment-lock';

/**
 * The deployments recorded in a data folder, newest first, as a process that runs none of them sees
 * them (`drop-runner history`, `drops`): one is running only while the deployment lock names it and its
 * owner lives. It reads journals only, so these commands never load the deployment engine (the steps'
 * SQL drivers among it).
 */
export function recordedDeployments(dataDir: string, tenantId?: string): DeploymentSummary[] {
  const all = listDeployments(dataDir, (id) => runningByLock(dataDir, id));
  return tenantId ? all.filter((d) => d.tenantId === tenantId) : all;
}
