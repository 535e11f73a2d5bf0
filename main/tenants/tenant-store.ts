/**
 * Tenant profiles: what Drop Runner remembers per hospital between releases. Non-secret values and
 * the index of secret names go to the SettingsStore; secret values go to the SecretStore only, one
 * item per variable (service `drop-runner/<tenant-id>@<data-folder scope>`, account = variable name).
 *
 * The index exists because the keychain cannot be listed safely (listing crashed keytar on a locked
 * Linux keyring, and the kernel keyring cannot be listed by service), and it also turns a silent
 * keychain failure into a loud one: an indexed name that reads back as null (an item removed behind
 * our back, or a store that answers "no such item" when locked) is SECRETS_UNAVAILABLE, never "missing".
 */
import { AppError } from '../../common/errors';
import type { Drop, VariableTemplate } from '../../common/drop-model';
import type { ErrorShape } from '../../common/errors';
import type { TenantSummary, ValueSource, VariablesView } from '../../common/contract';
import type { SettingsStore } from '../platform/settings-store';
import type { SecretStore } from '../platform/secret-store';
import { validateValue } from '../variables/validate-value';
import type { DefaultDecision } from '../../common/variable-state';
import type { ValueValidator } from './variable-diff';
import { assertTenantId, assertVariableName, type DeploymentRecord, type TenantRecord } from './tenant-model';
import { createTenantRecords } from './tenant-records';
import { createTenantSecrets, forgetTenant, forgetVariable, rememberValues } from './tenant-secrets';
import { decideDefault, diffForDrop, resolveValues } from './tenant-variables';
import { recordDeployment } from './tenant-history';

/** A value the engineer supplies; `sensitive` overrides what the templates say (e.g. `tenant set --secret`). */
export interface ValueInput {
  name: string;
  value: string;
  sensitive?: boolean;
}

/** One value ready for evaluation, with where it came from; the deploy runner feeds these to the Redactor. */
export interface ResolvedValue {
  name: string;
  value: string;
  source: ValueSource;
  sensitive: boolean;
  /** The engineer's answer to a changed default, when there is one (shown in the report). */
  decision?: DefaultDecision;
}

/** What the deploy runner records when a deployment ends. */
export interface DeploymentInput {
  deploymentId: string;
  release: DeploymentRecord['release'];
  dropId: string;
  outcome: DeploymentRecord['outcome'];
  at: string;
  templates: VariableTemplate[] | DeploymentRecord['templates'];
}

/** The part of a Drop the tenant store reads. */
export type DropVariables = Pick<Drop, 'variables' | 'baked'>;

export interface TenantStoreOptions {
  settings: SettingsStore;
  secrets: SecretStore;
  /** Re-validates values against their (possibly changed) template; defaults to main/variables/validate-value.ts. */
  validate?: ValueValidator;
  now?: () => Date;
}

/** Tenant memory: profiles, remembered values, keychain secrets, deployment history. */
export interface TenantStore {
  /** Every tenant, sorted by name; reads settings only (works without a keychain). */
  list(): TenantSummary[];
  get(tenantId: string): TenantRecord | undefined;
  /** Like get, but TENANT_NOT_FOUND when absent. */
  require(tenantId: string): TenantRecord;
  /** Creates the tenant if needed (name defaults to the id) and returns it. */
  ensure(tenantId: string, name?: string): TenantRecord;
  rename(tenantId: string, name: string): TenantRecord;
  /** Prefill + diff for a drop. Probes the keychain only when a secret is involved, and reports (not throws) when it is unavailable. */
  diffForDrop(tenantId: string, drop: DropVariables, options?: { tenantName?: string; probeSecrets?: boolean }): Promise<VariablesView>;
  /** Without remember: values typed for this process only (source "entered"). With remember: stored (source "remembered"). */
  saveValues(tenantId: string, values: ValueInput[], options: { remember: boolean; templates?: VariableTemplate[] }): Promise<void>;
  /** Reads one stored secret for an explicit "reveal" by the engineer. */
  revealSecret(tenantId: string, name: string): Promise<string>;
  /** The values a plan or deployment uses, secrets read from the keychain; SECRETS_UNAVAILABLE when one cannot be read. */
  resolveValues(tenantId: string, drop: DropVariables): Promise<ResolvedValue[]>;
  /**
   * Answers "the default changed" for one variable: keep-previous remembers the value used before (the
   * old default, unless the tenant had its own value), use-new drops the tenant's own value so the new
   * default applies. The decision is recorded in the tenant record. VARIABLE_NO_DEFAULT_CHANGE when the
   * variable's default did not change since the last release.
   */
  decideDefault(tenantId: string, drop: DropVariables, name: string, decision: DefaultDecision): Promise<void>;
  /** Forgets one variable (value or secret). */
  forgetVariable(tenantId: string, name: string): Promise<void>;
  /** Forgets the tenant: every secret from the keychain, then the profile. */
  forget(tenantId: string): Promise<void>;
  /** Called by the deploy runner when a deployment ends; a success becomes the baseline of the next diff. */
  recordDeployment(tenantId: string, deployment: DeploymentInput): void;
  history(tenantId: string): DeploymentRecord[];
  /** Names of indexed secrets (never values). */
  secretNames(tenantId: string): string[];
  /** Checks the keychain with a real round trip; undefined when usable. */
  checkSecrets(): Promise<ErrorShape | undefined>;
  /** Writes a whole record (import); secrets must already be in the keychain. */
  putRecord(record: TenantRecord): void;
  readonly secrets: SecretStore;
  readonly settingsPath: string;
}

/**
 * Builds the tenant store over the given settings and secret stores. The work lives in its seams:
 * tenant-records.ts (settings records + typed values), tenant-secrets.ts (keychain and its index),
 * tenant-variables.ts (diff, resolve, default decisions) and tenant-history.ts; this wires them into
 * the one TenantStore interface callers use.
 */
export function createTenantStore(options: TenantStoreOptions): TenantStore {
  const records = createTenantRecords(options.settings, options.now);
  // Every tenant service carries this data folder's scope; see scoped-secrets.ts.
  const secrets = createTenantSecrets(options.secrets, options.settings);
  const validate: ValueValidator = options.validate ?? ((template, value) => validateValue(template, value)?.message);

  const store: TenantStore = {
    secrets: secrets.store,
    settingsPath: options.settings.path,
    list: () => records.list(),
    get: (tenantId) => records.read(tenantId),
    require: (tenantId) => records.require(tenantId),
    ensure: (tenantId, name) => records.ensure(tenantId, name),
    rename(tenantId, name) {
      const record = records.require(tenantId);
      record.name = name.trim() || tenantId;
      records.write(record);
      return record;
    },
    diffForDrop: (tenantId, drop, opts = {}) => diffForDrop(records, secrets, validate, tenantId, drop, opts),
    async saveValues(tenantId, values, opts) {
      assertTenantId(tenantId);
      for (const v of values) assertVariableName(v.name);
      if (!opts.remember) {
        // Typed for this process only: never written anywhere.
        const entered = records.sessionOf(tenantId);
        for (const v of values) entered.set(v.name, v.value);
        return;
      }
      await rememberValues(records, secrets, tenantId, values, opts.templates ?? []);
    },
    async revealSecret(tenantId, name) {
      const typed = records.session.get(tenantId)?.get(name);
      if (typed !== undefined) return typed;
      const record = records.require(tenantId);
      if (record.secrets[name] === undefined) {
        throw new AppError('VARIABLE_NOT_FOUND', `Tenant ${tenantId} has no remembered secret named ${name}.`, 'Enter the value in the Variables screen (or `drop-runner tenant set <id> NAME=VALUE --secret`).', { tenantId, name });
      }
      return secrets.read(tenantId, name);
    },
    resolveValues: (tenantId, drop) => resolveValues(records, secrets, tenantId, drop),
    decideDefault: (tenantId, drop, name, decision) => decideDefault(records, store, tenantId, drop, name, decision),
    forgetVariable: (tenantId, name) => forgetVariable(records, secrets, tenantId, name),
    forget: (tenantId) => forgetTenant(records, secrets, tenantId),
    recordDeployment: (tenantId, deployment) => recordDeployment(records, tenantId, deployment),
    history: (tenantId) => records.read(tenantId)?.history ?? [],
    secretNames: (tenantId) => Object.keys(records.read(tenantId)?.secrets ?? {}).sort(),
    checkSecrets: () => secrets.check(),
    putRecord(record) {
      assertTenantId(record.id);
      records.write(record);
    },
  };
  return store;
}
