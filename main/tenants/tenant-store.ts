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
import { literalConnectionPassword } from './literal-password';
import type { DefaultDecision } from '../../common/variable-state';
import { scopeSecretsToDataFolder } from './scoped-secrets';
import { defaultChangeFingerprint, diffVariables, type ValueValidator } from './variable-diff';
import {
  HISTORY_LIMIT,
  assertTenantId,
  assertVariableName,
  isSensitive,
  secretService,
  snapshotTemplate,
  type DeploymentRecord,
  type TenantRecord,
} from './tenant-model';

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

const KEY_PREFIX = 'tenant:';

/** Builds the tenant store over the given settings and secret stores. */
export function createTenantStore(options: TenantStoreOptions): TenantStore {
  const { settings } = options;
  // Every tenant service carries this data folder's scope; see scoped-secrets.ts.
  const secrets = scopeSecretsToDataFolder(options.secrets, settings);
  const validate: ValueValidator = options.validate ?? ((template, value) => validateValue(template, value)?.message);
  const now = () => (options.now ? options.now() : new Date()).toISOString();
  // Values typed in this process, secrets included: they never leave main, and make the source "entered".
  const session = new Map<string, Map<string, string>>();
  const sessionOf = (tenantId: string) => {
    let map = session.get(tenantId);
    if (!map) session.set(tenantId, (map = new Map()));
    return map;
  };

  const read = (tenantId: string): TenantRecord | undefined => {
    assertTenantId(tenantId);
    const raw = settings.get<TenantRecord>(KEY_PREFIX + tenantId);
    if (!raw) return undefined;
    // Files written by older builds may lack newer fields.
    return { ...raw, values: raw.values ?? {}, secrets: raw.secrets ?? {}, history: raw.history ?? [] };
  };
  const write = (record: TenantRecord) => {
    record.updatedAt = now();
    settings.set(KEY_PREFIX + record.id, record);
  };
  const requireRecord = (tenantId: string): TenantRecord => {
    const record = read(tenantId);
    if (!record) {
      throw new AppError('TENANT_NOT_FOUND', `No tenant "${tenantId}" is remembered on this machine.`, 'Run `drop-runner tenant list` to see the remembered tenants, or open a drop for this tenant first.', {
        tenantId,
      });
    }
    return record;
  };
  const ensure = (tenantId: string, name?: string): TenantRecord => {
    const existing = read(tenantId);
    if (existing) return existing;
    const at = now();
    const record: TenantRecord = { id: tenantId, name: name?.trim() || tenantId, createdAt: at, updatedAt: at, values: {}, secrets: {}, history: [] };
    write(record);
    return record;
  };
  const readSecret = async (tenantId: string, name: string): Promise<string> => {
    const value = await secrets.get(secretService(tenantId), name);
    if (value === null) {
      // Indexed but absent: a locked keyring answers exactly like this, so never report it as "not set".
      throw new AppError(
        'SECRETS_UNAVAILABLE',
        `The secret ${name} of tenant ${tenantId} is remembered but the keychain returned nothing: the keychain is locked, or the item was deleted outside Drop Runner.`,
        'Unlock the keychain (on Linux: the login keyring of gnome-keyring) and retry. If the item was deleted, enter the value again.',
        { tenantId, name, reason: 'indexed-secret-unreadable' },
      );
    }
    return value;
  };
  const checkSecrets = async (): Promise<ErrorShape | undefined> => {
    try {
      await secrets.probe();
      return undefined;
    } catch (error) {
      if (error instanceof AppError) return error.toShape();
      throw error;
    }
  };
  const requireSecrets = async () => {
    await secrets.probe();
  };

  const store: TenantStore = {
    secrets,
    settingsPath: settings.path,
    list() {
      const out: TenantSummary[] = [];
      for (const key of settings.keys()) {
        if (!key.startsWith(KEY_PREFIX)) continue;
        const r = read(key.slice(KEY_PREFIX.length));
        if (!r) continue;
        const summary: TenantSummary = { id: r.id, name: r.name, valueCount: Object.keys(r.values).length, secretCount: Object.keys(r.secrets).length };
        if (r.lastRelease) {
          summary.lastRelease = r.lastRelease.release.version;
          summary.lastDeployedAt = r.lastRelease.at;
        }
        out.push(summary);
      }
      return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    },
    get: read,
    require: requireRecord,
    ensure,
    rename(tenantId, name) {
      const record = requireRecord(tenantId);
      record.name = name.trim() || tenantId;
      write(record);
      return record;
    },

    async diffForDrop(tenantId, drop, opts = {}) {
      assertTenantId(tenantId);
      const record = read(tenantId);
      const { items, removed } = diffVariables({
        record,
        templates: drop.variables,
        baked: drop.baked,
        entered: session.get(tenantId),
        validate,
      });
      const needsKeychain = opts.probeSecrets ?? (items.some((i) => i.sensitive) || Object.keys(record?.secrets ?? {}).length > 0);
      const problem = needsKeychain ? await checkSecrets() : undefined;
      const view: VariablesView = { tenantId, tenantName: record?.name ?? opts.tenantName ?? tenantId, items, removed, secretsAvailable: problem === undefined };
      if (problem) view.secretsProblem = problem;
      return view;
    },

    async saveValues(tenantId, values, opts) {
      assertTenantId(tenantId);
      for (const v of values) assertVariableName(v.name);
      const templates = new Map((opts.templates ?? []).map((t) => [t.name, t]));
      const entered = sessionOf(tenantId);
      if (!opts.remember) {
        for (const v of values) entered.set(v.name, v.value);
        return;
      }
      const record = ensure(tenantId);
      const sensitiveOf = (v: ValueInput) => {
        if (v.sensitive !== undefined) return v.sensitive;
        // A connection string that carries a password goes to the keychain even if its template is not marked sensitive.
        if (literalConnectionPassword(v.value) !== undefined) return true;
        const t = templates.get(v.name) ?? record.lastRelease?.templates.find((x) => x.name === v.name);
        return t ? isSensitive(t) : record.secrets[v.name] !== undefined;
      };
      const toSecret = values.filter(sensitiveOf);
      const toPlain = values.filter((v) => !sensitiveOf(v));
      const demoted = toPlain.filter((v) => record.secrets[v.name] !== undefined);
      if (toSecret.length > 0 || demoted.length > 0) await requireSecrets();
      // Keychain first, index second: the index must never name a secret the keychain does not hold.
      for (const v of toSecret) {
        await secrets.set(secretService(tenantId), v.name, v.value);
        record.secrets[v.name] = { updatedAt: now() };
        // A value that became sensitive must not linger in the settings file.
        delete record.values[v.name];
        // Remembered now: it shows as "Remembered", not as a value typed for this run only.
        entered.delete(v.name);
        write(record);
      }
      for (const v of demoted) {
        await secrets.delete(secretService(tenantId), v.name);
        delete record.secrets[v.name];
      }
      for (const v of toPlain) {
        record.values[v.name] = { value: v.value, updatedAt: now() };
        entered.delete(v.name);
      }
      write(record);
    },

    async revealSecret(tenantId, name) {
      const typed = session.get(tenantId)?.get(name);
      if (typed !== undefined) return typed;
      const record = requireRecord(tenantId);
      if (record.secrets[name] === undefined) {
        throw new AppError('VARIABLE_NOT_FOUND', `Tenant ${tenantId} has no remembered secret named ${name}.`, 'Enter the value in the Variables screen (or `drop-runner tenant set <id> NAME=VALUE --secret`).', { tenantId, name });
      }
      return readSecret(tenantId, name);
    },

    async resolveValues(tenantId, drop) {
      assertTenantId(tenantId);
      const record = read(tenantId);
      const { items } = diffVariables({ record, templates: drop.variables, baked: drop.baked, entered: session.get(tenantId) });
      const out: ResolvedValue[] = [];
      for (const item of items) {
        let value = item.value ?? '';
        if (item.sensitive && item.hasValue && item.value === undefined) {
          const typed = session.get(tenantId)?.get(item.name);
          if (typed !== undefined) value = typed;
          else if (item.source === 'remembered') value = record?.values[item.name]?.value ?? (await readSecret(tenantId, item.name));
          else if (item.source === 'drop-baked') value = drop.baked.find((b) => b.name === item.name && b.step === undefined)?.value ?? drop.baked.find((b) => b.name === item.name)?.value ?? '';
          else if (item.source === 'drop-default') value = drop.variables.find((t) => t.name === item.name)?.default ?? '';
        } else if (!item.sensitive && item.value === undefined && item.source === 'remembered') {
          // A value an earlier release kept as a secret, now declared non-sensitive.
          value = await readSecret(tenantId, item.name);
        }
        out.push({ name: item.name, value, source: item.source, sensitive: item.sensitive, ...(item.decision ? { decision: item.decision } : {}) });
      }
      return out;
    },

    async decideDefault(tenantId, drop, name, decision) {
      assertTenantId(tenantId);
      const record = requireRecord(tenantId);
      const template = drop.variables.find((t) => t.name === name);
      const previous = record.lastRelease?.templates.find((t) => t.name === name);
      const { items } = diffVariables({ record, templates: template ? [template] : [], baked: drop.baked, entered: session.get(tenantId) });
      const item = items[0];
      if (!template || !previous || item?.status !== 'default-changed') {
        throw new AppError(
          'VARIABLE_NO_DEFAULT_CHANGE',
          `${name}: the drop did not change this variable's default since the last release${template ? '' : ' (the drop does not declare it)'}, so there is nothing to decide.`,
          'Only variables marked "Default changed" take keep-previous or use-new; set other values with --var or `drop-runner tenant set`.',
          { tenantId, name },
        );
      }
      const ownValue = record.values[name] !== undefined || record.secrets[name] !== undefined;
      if (decision === 'keep-previous') {
        // The tenant's own value already is the previous value; otherwise the old default becomes the tenant's value.
        if (!ownValue) await store.saveValues(tenantId, [{ name, value: previous.default ?? '', ...(isSensitive(template) || isSensitive(previous) ? { sensitive: true } : {}) }], { remember: true, templates: drop.variables });
      } else {
        if (ownValue) await store.forgetVariable(tenantId, name);
        session.get(tenantId)?.delete(name);
      }
      const updated = requireRecord(tenantId);
      updated.decisions = { ...(updated.decisions ?? {}), [name]: { decision, fingerprint: defaultChangeFingerprint(name, previous.default, template.default), at: now() } };
      write(updated);
    },

    async forgetVariable(tenantId, name) {
      const record = requireRecord(tenantId);
      session.get(tenantId)?.delete(name);
      if (record.secrets[name] !== undefined) {
        // A locked keyring reports "nothing deleted"; probing first keeps the index and the keychain in step.
        await requireSecrets();
        await secrets.delete(secretService(tenantId), name);
        delete record.secrets[name];
      }
      delete record.values[name];
      write(record);
    },

    async forget(tenantId) {
      const record = requireRecord(tenantId);
      const names = Object.keys(record.secrets);
      if (names.length > 0) await requireSecrets();
      for (const name of names) {
        await secrets.delete(secretService(tenantId), name);
        delete record.secrets[name];
        write(record);
      }
      session.delete(tenantId);
      settings.delete(KEY_PREFIX + tenantId);
    },

    recordDeployment(tenantId, deployment) {
      const record = ensure(tenantId);
      const entry: DeploymentRecord = {
        deploymentId: deployment.deploymentId,
        release: { ...deployment.release },
        dropId: deployment.dropId,
        outcome: deployment.outcome,
        at: deployment.at,
        templates: deployment.templates.map(snapshotTemplate),
      };
      record.history = [...record.history.filter((h) => h.deploymentId !== entry.deploymentId), entry].slice(-HISTORY_LIMIT);
      if (entry.outcome === 'succeeded' && (!record.lastRelease || record.lastRelease.at <= entry.at)) record.lastRelease = entry;
      write(record);
    },
    history: (tenantId) => read(tenantId)?.history ?? [],
    secretNames: (tenantId) => Object.keys(read(tenantId)?.secrets ?? {}).sort(),
    checkSecrets,
    putRecord(record) {
      assertTenantId(record.id);
      write(record);
    },
  };
  return store;
}
