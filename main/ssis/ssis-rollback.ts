/**
 * SSIS rollback data and the rollback itself. SSISDB keeps earlier versions of every project
 * (catalog.object_versions) and can put one back (catalog.restore_project), but it keeps no history
 * of environment variable values: so before deploy_project the step records the project's current
 * version and the values of the variables it is about to change. Sensitive values cannot be read
 * back (the view shows NULL), so for them only the fact that they were sensitive is recorded.
 */
import sql from 'mssql';
import type { RestorePoint, StepArtifact } from '../../common/journal-events';
import type { CatalogClient } from './catalog-client';
import type { CatalogObservation } from './catalog-observation';
import { setEnvironmentVariableValue } from './catalog-procedures';
import { isSsisDataType, toTypedValue } from './ssis-data-types';
import type { SsisPlan } from './ssis-plan-model';

const CHANGING = new Set(['update', 'recreate', 'remove', 'set-secret', 'create']);

/** The 'ssis-rollback-point' artifact, or undefined when the step changes nothing that could be rolled back. */
export function ssisRollbackPoint(folder: string, environmentFolder: string, environment: string, plan: SsisPlan, seen: CatalogObservation, redact: (s: string) => string): StepArtifact | undefined {
  const changing = plan.variables.filter((v) => CHANGING.has(v.action));
  if (plan.project.action === 'unchanged' && changing.length === 0) return undefined;
  const variables: NonNullable<RestorePoint['variables']> = changing.map((v) => {
    const row = seen.variables.find((r) => r.name.toLowerCase() === v.name.toLowerCase());
    const sensitive = row?.sensitive ?? v.sensitive;
    return {
      environment,
      name: v.name,
      existed: row !== undefined,
      sensitive,
      ...(row ? { type: row.type } : {}),
      ...(row && !sensitive && row.value_text !== null ? { value: redact(row.value_text) } : {}),
    };
  });
  const p = seen.project;
  const restore: RestorePoint = {
    folder,
    environmentFolder,
    project: plan.project.name,
    ...(p?.object_version_lsn ? { objectVersionLsn: String(p.object_version_lsn) } : {}),
    ...(p?.last_deployed_time ? { deployedAt: new Date(p.last_deployed_time).toISOString() } : {}),
    ...(p?.deployed_by_name ? { deployedBy: p.deployed_by_name } : {}),
    variables,
  };
  const version = p?.object_version_lsn ? `version ${p.object_version_lsn}${p.last_deployed_time ? ` deployed ${new Date(p.last_deployed_time).toISOString()}` : ''}${p.deployed_by_name ? ` by ${p.deployed_by_name}` : ''}` : 'no earlier version (the project is new)';
  const sensitiveCount = variables.filter((v) => v.sensitive).length;
  return {
    kind: 'ssis-rollback-point',
    name: `${folder}/${plan.project.name}`,
    action: 'recorded',
    detail: redact(`Before the deployment: ${version}; ${variables.length} environment variable${variables.length === 1 ? '' : 's'} recorded${sensitiveCount ? ` (${sensitiveCount} sensitive: value not readable, must be re-entered)` : ''}.`),
    restore,
  };
}

/** catalog.restore_project (@folder_name, @project_name, @object_version_lsn). */
export async function restoreProject(client: CatalogClient, folder: string, project: string, objectVersionLsn: string): Promise<void> {
  await client.execute('[SSISDB].[catalog].[restore_project]', [
    { name: 'folder_name', type: sql.NVarChar(128), value: folder },
    { name: 'project_name', type: sql.NVarChar(128), value: project },
    { name: 'object_version_lsn', type: sql.BigInt(), value: objectVersionLsn },
  ]);
}

/** Puts recorded non-sensitive values back; returns the names it could not restore (sensitive, new, or untyped). */
export async function restoreVariableValues(client: CatalogClient, point: RestorePoint): Promise<{ restored: string[]; notRestored: Array<{ name: string; why: string }> }> {
  const restored: string[] = [];
  const notRestored: Array<{ name: string; why: string }> = [];
  for (const v of point.variables ?? []) {
    if (!v.existed) notRestored.push({ name: v.name, why: 'did not exist before the deployment (left in place)' });
    else if (v.sensitive) notRestored.push({ name: v.name, why: 'sensitive: its earlier value could not be read; re-enter it' });
    else if (v.value === undefined || !v.type || !isSsisDataType(v.type)) notRestored.push({ name: v.name, why: 'no recorded value' });
    else {
      await setEnvironmentVariableValue(client, { folder: point.environmentFolder ?? point.folder ?? '', environment: v.environment, variable: v.name }, toTypedValue(v.type, v.value));
      restored.push(v.name);
    }
  }
  return { restored, notRestored };
}
