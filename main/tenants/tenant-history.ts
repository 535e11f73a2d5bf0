/**
 * Deployment history of a tenant: a bounded list of past deployments, and the last success, which is
 * the baseline the next drop's variables are diffed against.
 */
import { HISTORY_LIMIT, snapshotTemplate, type DeploymentRecord } from './tenant-model';
import type { TenantRecords } from './tenant-records';
import type { DeploymentInput } from './tenant-store';

/** TenantStore.recordDeployment: replaces an entry with the same id, keeps the newest HISTORY_LIMIT. */
export function recordDeployment(records: TenantRecords, tenantId: string, deployment: DeploymentInput): void {
  const record = records.ensure(tenantId);
  const entry: DeploymentRecord = {
    deploymentId: deployment.deploymentId,
    release: { ...deployment.release },
    dropId: deployment.dropId,
    outcome: deployment.outcome,
    at: deployment.at,
    templates: deployment.templates.map(snapshotTemplate),
  };
  record.history = [...record.history.filter((h) => h.deploymentId !== entry.deploymentId), entry].slice(-HISTORY_LIMIT);
  // Only a success moves the baseline, and never backwards in time.
  if (entry.outcome === 'succeeded' && (!record.lastRelease || record.lastRelease.at <= entry.at)) record.lastRelease = entry;
  records.write(record);
}
