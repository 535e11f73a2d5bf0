/**
 * What Drop Runner remembers about one tenant (hospital), as stored in the settings file. Secret
 * values are NOT here: only their names (the index), because the keychain cannot be listed safely.
 */
import { AppError } from '../../common/errors';
import type { VariableTemplate } from '../../common/drop-model';
import type { DeploymentOutcome } from '../../common/journal-events';
import type { DefaultDecision } from '../../common/variable-state';

/** The facts of a template the diff compares between releases; enough to say "default changed" or "type changed". */
export type TemplateSnapshot = Pick<VariableTemplate, 'name' | 'label' | 'type' | 'required' | 'sensitive'> &
  Partial<Pick<VariableTemplate, 'default' | 'choices' | 'pattern' | 'group'>>;

/** A remembered non-secret value. */
export interface RememberedValue {
  value: string;
  updatedAt: string;
}

/** An entry of the secret-name index; the value itself is in the keychain under `drop-runner/<tenant-id>`. */
export interface SecretIndexEntry {
  updatedAt: string;
}

/** The release a deployment ran, as the tenant history keeps it. */
export interface DeployedRelease {
  version: string;
  projectId?: string;
  projectName?: string;
}

/** One deployment, recorded by the deploy runner when it finishes. */
export interface DeploymentRecord {
  deploymentId: string;
  release: DeployedRelease;
  dropId: string;
  outcome: DeploymentOutcome;
  /** ISO-8601 UTC. */
  at: string;
  /** The drop's templates at that time: the baseline for the next release's diff. */
  templates: TemplateSnapshot[];
}

/**
 * The engineer's answer to "the drop changed this default". It holds for one change only: the
 * fingerprint is of the previous and the new default (a hash, so a secret default is not written here),
 * and a later change of the same default asks again.
 */
export interface DefaultDecisionRecord {
  decision: DefaultDecision;
  fingerprint: string;
  /** ISO-8601 UTC. */
  at: string;
}

export interface TenantRecord {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  values: Record<string, RememberedValue>;
  secrets: Record<string, SecretIndexEntry>;
  /** The last deployment that succeeded; its templates are the diff baseline. */
  lastRelease?: DeploymentRecord;
  /** Newest last, capped at HISTORY_LIMIT. */
  history: DeploymentRecord[];
  /** Decisions on changed defaults, by variable name; absent in files written by older builds. */
  decisions?: Record<string, DefaultDecisionRecord>;
}

/** How many deployments a tenant's history keeps; the journals on disk keep everything else. */
export const HISTORY_LIMIT = 200;

const TENANT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

/** Rejects ids that would not be a safe keychain service suffix or settings key (same rule as the contract). */
export function assertTenantId(id: string): void {
  if (!TENANT_ID.test(id)) {
    throw new AppError(
      'TENANT_ID_INVALID',
      `"${id.slice(0, 80)}" is not a valid tenant id.`,
      'Use 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit (for example "st-marys").',
      { tenantId: id.slice(0, 80) },
    );
  }
}

/** Rejects variable names that are empty, too long or contain control characters. */
export function assertVariableName(name: string): void {
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || name.length > 256 || /[\u0000-\u001f\u007f=]/.test(name) || name.trim() !== name) {
    throw new AppError(
      'VARIABLE_NAME_INVALID',
      `"${name.slice(0, 80)}" is not a valid variable name.`,
      'Use the name exactly as the drop declares it: 1 to 256 characters, no "=", no control characters, no leading or trailing spaces.',
    );
  }
}

/** The unscoped keychain service of a tenant; scoped-secrets.ts adds the data folder's scope (one item per variable). */
export function secretService(tenantId: string): string {
  return `drop-runner/${tenantId}`;
}

/** True when the template's value is a secret: marked sensitive, or of type 'sensitive'. */
export function isSensitive(template: Pick<VariableTemplate, 'sensitive' | 'type'>): boolean {
  return template.sensitive || template.type === 'sensitive';
}

/** Copies the diff-relevant facts of a template (drops help text and origin). */
export function snapshotTemplate(t: VariableTemplate | TemplateSnapshot): TemplateSnapshot {
  const snap: TemplateSnapshot = { name: t.name, label: t.label, type: t.type, required: t.required, sensitive: t.sensitive };
  if (t.default !== undefined) snap.default = t.default;
  if (t.choices !== undefined) snap.choices = [...t.choices];
  if (t.pattern !== undefined) snap.pattern = t.pattern;
  if (t.group !== undefined) snap.group = t.group;
  return snap;
}
