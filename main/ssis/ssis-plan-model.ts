/**
 * The SSIS step's plan: what the catalog holds compared with what the drop wants, section by
 * section. Pure functions of (target, catalog rows) so the dry run and the run decide the same way.
 * A plan carries names, types and actions only — never an environment variable's value.
 */
import type { ParameterRow, ProjectRow, ReferenceRow, VariableRow } from './catalog-queries';
import { sameValue } from './ssis-data-types';
import type { SsisVariableSetting } from './ssis-settings';
import type { SsisTarget, TargetBinding } from './ssis-target';

export type FolderAction = 'create' | 'unchanged';
export type ProjectAction = 'deploy' | 'redeploy' | 'unchanged';
/** 'set-secret': a sensitive value is sent again because the catalog never returns it for comparison. */
export type VariableAction = 'create' | 'update' | 'recreate' | 'set-secret' | 'unchanged' | 'remove' | 'keep';
export type ReferenceAction = 'create' | 'change-type' | 'unchanged';
export type BindingAction = 'set' | 'unchanged';

export interface PlannedFolder {
  name: string;
  action: FolderAction;
}

export interface PlannedProject {
  name: string;
  folder: string;
  action: ProjectAction;
  ispacSha256: string;
  ispacVersion?: string;
  /** What the catalog holds now, when the project is deployed. */
  deployed?: { lastDeployedTime?: string; deployedBy?: string; versionLsn?: string; sha256?: string };
}

export interface PlannedVariable {
  name: string;
  type: string;
  sensitive: boolean;
  action: VariableAction;
  /** What differs: value, type, sensitive, description. */
  changes: string[];
  /** The type in the catalog when it differs. */
  catalogType?: string;
}

export interface PlannedReference {
  environment: string;
  type: 'R' | 'A';
  environmentFolder: string;
  action: ReferenceAction;
  referenceId?: string;
}

export interface PlannedBinding {
  objectType: 'project' | 'package';
  package?: string;
  parameter: string;
  kind: 'referenced' | 'literal';
  /** The variable name, or the literal as shown (redacted; masked for sensitive parameters). */
  shown: string;
  action: BindingAction;
}

/** The dry run's answer. */
export interface SsisPlan {
  server: string;
  folder: PlannedFolder;
  /** Present when an absolute reference uses another folder. */
  environmentFolder?: PlannedFolder;
  project: PlannedProject;
  environment: { name: string; folder: string; action: 'create' | 'unchanged' };
  variables: PlannedVariable[];
  reference: PlannedReference;
  bindings: PlannedBinding[];
  validate: boolean;
  /** True when nothing would be created or changed (secret values are always sent again). */
  upToDate: boolean;
}

const MASK = '********';

/** Project: deploy when absent, keep when the catalog returns the very same bytes, redeploy otherwise. */
export function diffProject(target: SsisTarget, row: ProjectRow | undefined, deployedSha256: string | undefined): PlannedProject {
  const base = { name: target.projectName, folder: target.settings.folder, ispacSha256: target.ispacSha256, ...(target.ispacVersion ? { ispacVersion: target.ispacVersion } : {}) };
  if (!row) return { ...base, action: 'deploy' };
  const deployed = {
    ...(row.last_deployed_time ? { lastDeployedTime: new Date(row.last_deployed_time).toISOString() } : {}),
    ...(row.deployed_by_name ? { deployedBy: row.deployed_by_name } : {}),
    ...(row.object_version_lsn ? { versionLsn: row.object_version_lsn } : {}),
    ...(deployedSha256 ? { sha256: deployedSha256 } : {}),
  };
  return { ...base, action: deployedSha256 === target.ispacSha256 ? 'unchanged' : 'redeploy', deployed };
}

function diffVariable(v: SsisVariableSetting, row: VariableRow | undefined): PlannedVariable {
  const base = { name: v.name, type: v.type, sensitive: v.sensitive };
  if (!row) return { ...base, action: 'create', changes: [] };
  if (row.type !== v.type) return { ...base, action: 'recreate', changes: ['type'], catalogType: row.type };
  const changes: string[] = [];
  if (row.sensitive !== v.sensitive) changes.push('sensitive');
  if ((row.description ?? '') !== v.description) changes.push('description');
  const comparable = !v.sensitive && !row.sensitive;
  if (comparable && !sameValue(v.type, v.value, row.value_text)) changes.push('value');
  if (changes.length > 0) return { ...base, action: 'update', changes: comparable || changes.includes('value') ? changes : [...changes, 'value'] };
  return { ...base, action: v.sensitive ? 'set-secret' : 'unchanged', changes: v.sensitive ? ['value'] : [] };
}

/** Variables: create, update what differs, recreate on a type change, remove undeclared ones only when asked. */
export function diffVariables(target: SsisTarget, rows: VariableRow[]): PlannedVariable[] {
  const byName = new Map(rows.map((r) => [r.name.toLowerCase(), r]));
  const planned = target.settings.environmentVariables.map((v) => diffVariable(v, byName.get(v.name.toLowerCase())));
  const declared = new Set(target.settings.environmentVariables.map((v) => v.name.toLowerCase()));
  for (const row of rows) {
    if (declared.has(row.name.toLowerCase())) continue;
    planned.push({ name: row.name, type: row.type, sensitive: row.sensitive, action: target.settings.removeUndeclaredVariables ? 'remove' : 'keep', changes: [] });
  }
  return planned;
}

/** Reference: the project must reference the environment with the configured type (and folder for 'A'). */
export function diffReference(target: SsisTarget, rows: ReferenceRow[]): PlannedReference {
  const s = target.settings;
  const type: 'R' | 'A' = s.environmentReference === 'absolute' ? 'A' : 'R';
  const base = { environment: s.environment, type, environmentFolder: s.environmentFolder };
  const exact = rows.find((r) => r.environment_name === s.environment && r.reference_type === type && (type === 'R' || r.environment_folder_name === s.environmentFolder));
  if (exact) return { ...base, action: 'unchanged', referenceId: exact.reference_id };
  const sameName = rows.find((r) => r.environment_name === s.environment);
  if (sameName) return { ...base, action: 'change-type', referenceId: sameName.reference_id };
  return { ...base, action: 'create' };
}

/** The catalog row of a binding's parameter (object_name is the project name for 20, the .dtsx for 30). */
export function findParameter(b: TargetBinding, rows: ParameterRow[]): ParameterRow | undefined {
  return rows.find((r) => r.parameter_name === b.parameter && (b.objectType === 'project' ? r.object_type === 20 : r.object_type === 30 && r.object_name.toLowerCase() === b.package!.toLowerCase()));
}

/** Bindings: set unless the parameter already references that variable or holds that literal. */
export function diffBindings(target: SsisTarget, rows: ParameterRow[], redact: (text: string) => string): PlannedBinding[] {
  return target.bindings.map((b) => {
    const row = findParameter(b, rows);
    const kind = b.variable !== undefined ? 'referenced' : 'literal';
    const sensitive = b.sensitive || row?.sensitive === true;
    const shown = b.variable ?? (sensitive ? MASK : redact(b.value!));
    let action: BindingAction = 'set';
    if (row?.value_set) {
      if (b.variable !== undefined && row.value_type === 'R' && row.referenced_variable_name === b.variable) action = 'unchanged';
      if (b.value !== undefined && row.value_type === 'V' && !sensitive && sameValue(b.dataType, b.value, row.default_value_text)) action = 'unchanged';
    }
    return { objectType: b.objectType, ...(b.package !== undefined ? { package: b.package } : {}), parameter: b.parameter, kind, shown, action };
  });
}

/** True when applying the plan would create or change nothing (re-sent secrets do not count). */
export function planIsUpToDate(plan: Omit<SsisPlan, 'upToDate'>): boolean {
  return (
    plan.folder.action === 'unchanged' &&
    (plan.environmentFolder?.action ?? 'unchanged') === 'unchanged' &&
    plan.project.action === 'unchanged' &&
    plan.environment.action === 'unchanged' &&
    plan.variables.every((v) => v.action === 'unchanged' || v.action === 'set-secret' || v.action === 'keep') &&
    plan.reference.action === 'unchanged' &&
    plan.bindings.every((b) => b.action === 'unchanged')
  );
}
