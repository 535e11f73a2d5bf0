/**
 * The keychain half of the tenant store: secret values live in the SecretStore (scoped to this data
 * folder), their names in the record's index. Every write goes keychain first, index second, so the
 * index never names a secret the keychain does not hold; an indexed name that reads back as null is
 * SECRETS_UNAVAILABLE, never "missing" (a locked keyring answers exactly like that).
 */
import { AppError } from '../../common/errors';
import type { ErrorShape } from '../../common/errors';
import type { VariableTemplate } from '../../common/drop-model';
import type { SettingsStore } from '../platform/settings-store';
import type { SecretStore } from '../platform/secret-store';
import { literalConnectionPassword } from './literal-password';
import { scopeSecretsToDataFolder } from './scoped-secrets';
import { isSensitive, secretService } from './tenant-model';
import type { TenantRecords } from './tenant-records';
import type { ValueInput } from './tenant-store';

/** Keychain operations over the data-folder-scoped secret store. */
export interface TenantSecrets {
  /** The scoped store (what TenantStore.secrets exposes). */
  store: SecretStore;
  /** Reads an indexed secret; SECRETS_UNAVAILABLE when the keychain returns nothing. */
  read(tenantId: string, name: string): Promise<string>;
  /** A real round trip; the problem as an ErrorShape, undefined when usable. */
  check(): Promise<ErrorShape | undefined>;
  /** Like check, but throws. */
  require(): Promise<void>;
}

/** Wraps the raw secret store with this data folder's scope; see scoped-secrets.ts. */
export function createTenantSecrets(raw: SecretStore, settings: SettingsStore): TenantSecrets {
  const store = scopeSecretsToDataFolder(raw, settings);
  return {
    store,
    async read(tenantId, name) {
      const value = await store.get(secretService(tenantId), name);
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
    },
    async check() {
      try {
        await store.probe();
        return undefined;
      } catch (error) {
        if (error instanceof AppError) return error.toShape();
        throw error;
      }
    },
    async require() {
      await store.probe();
    },
  };
}

/** TenantStore.saveValues with remember: sensitive values to the keychain, the rest to settings. */
export async function rememberValues(records: TenantRecords, secrets: TenantSecrets, tenantId: string, values: ValueInput[], templateList: VariableTemplate[]): Promise<void> {
  const templates = new Map(templateList.map((t) => [t.name, t]));
  const entered = records.sessionOf(tenantId);
  const record = records.ensure(tenantId);
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
  if (toSecret.length > 0 || demoted.length > 0) await secrets.require();
  // Keychain first, index second: the index must never name a secret the keychain does not hold.
  for (const v of toSecret) {
    await secrets.store.set(secretService(tenantId), v.name, v.value);
    record.secrets[v.name] = { updatedAt: records.now() };
    // A value that became sensitive must not linger in the settings file.
    delete record.values[v.name];
    // Remembered now: it shows as "Remembered", not as a value typed for this run only.
    entered.delete(v.name);
    records.write(record);
  }
  for (const v of demoted) {
    await secrets.store.delete(secretService(tenantId), v.name);
    delete record.secrets[v.name];
  }
  for (const v of toPlain) {
    record.values[v.name] = { value: v.value, updatedAt: records.now() };
    entered.delete(v.name);
  }
  records.write(record);
}

/** TenantStore.forgetVariable: one value or secret. */
export async function forgetVariable(records: TenantRecords, secrets: TenantSecrets, tenantId: string, name: string): Promise<void> {
  const record = records.require(tenantId);
  records.session.get(tenantId)?.delete(name);
  if (record.secrets[name] !== undefined) {
    // A locked keyring reports "nothing deleted"; probing first keeps the index and the keychain in step.
    await secrets.require();
    await secrets.store.delete(secretService(tenantId), name);
    delete record.secrets[name];
  }
  delete record.values[name];
  records.write(record);
}

/** TenantStore.forget: every secret from the keychain (index updated after each), then the profile. */
export async function forgetTenant(records: TenantRecords, secrets: TenantSecrets, tenantId: string): Promise<void> {
  const record = records.require(tenantId);
  const names = Object.keys(record.secrets);
  if (names.length > 0) await secrets.require();
  for (const name of names) {
    await secrets.store.delete(secretService(tenantId), name);
    delete record.secrets[name];
    records.write(record);
  }
  records.session.delete(tenantId);
  records.remove(tenantId);
}
