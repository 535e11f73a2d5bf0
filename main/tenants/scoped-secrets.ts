/**
 * Keychain items are scoped to the data folder as well as the tenant: the service is
 * `drop-runner/<tenant-id>@<scope>`, where the scope is a random id kept in the data folder's tenant
 * settings. Two data folders (a demo, a test run, a second profile) that know the same tenant id
 * therefore never read, overwrite or forget each other's secrets.
 *
 * Builds before this wrote `drop-runner/<tenant-id>` with no scope (through keytar, whose Linux items
 * only secret-tool can read: see platform/keytar-items.ts). The first keychain call of a data
 * folder migrates, once, every secret its index names from the old service to the scoped one and
 * removes the old item (so no unscoped copy lingers); the first data folder to migrate claims an
 * item, as the old layout could not say whose it was. Completion is recorded in the settings, so a
 * keychain that was unavailable simply retries the migration on the next call.
 */
import { randomBytes } from 'node:crypto';
import { keytarItemReader, type LegacyItemReader } from '../platform/keytar-items';
import type { SecretStore } from '../platform/secret-store';
import type { SettingsStore } from '../platform/settings-store';
import { secretService } from './tenant-model';

const SCOPE_KEY = 'keychain:scope';
const MIGRATED_KEY = 'keychain:migrated';
const TENANT_PREFIX = 'tenant:';

/** The data folder's scope id, created on first use. */
export function keychainScope(settings: SettingsStore): string {
  const existing = settings.get<string>(SCOPE_KEY);
  if (typeof existing === 'string' && /^[0-9a-f]{12}$/.test(existing)) return existing;
  const scope = randomBytes(6).toString('hex');
  settings.set(SCOPE_KEY, scope);
  return scope;
}

/** The scoped service of an unscoped one (`drop-runner/<tenant>` → `drop-runner/<tenant>@<scope>`). */
export function scopedService(service: string, scope: string): string {
  return `${service}@${scope}`;
}

/** Wraps the OS store so every tenant service carries this data folder's scope; runs the one-time migration first. */
export function scopeSecretsToDataFolder(inner: SecretStore, settings: SettingsStore, keytarItems: LegacyItemReader = keytarItemReader()): SecretStore {
  let migration: Promise<void> | undefined;
  const ready = async (): Promise<string> => {
    const scope = keychainScope(settings);
    if (settings.get(MIGRATED_KEY) === undefined) {
      migration ??= migrateLegacyItems(inner, settings, scope, keytarItems).finally(() => (migration = undefined));
      await migration;
    }
    return scope;
  };
  return {
    get: async (service, account) => inner.get(scopedService(service, await ready()), account),
    set: async (service, account, value) => inner.set(scopedService(service, await ready()), account, value),
    delete: async (service, account) => inner.delete(scopedService(service, await ready()), account),
    probe: () => inner.probe(),
  };
}

/** Moves each indexed secret from `drop-runner/<tenant>` to the scoped service; never overwrites a scoped item. */
async function migrateLegacyItems(inner: SecretStore, settings: SettingsStore, scope: string, keytarItems: LegacyItemReader): Promise<void> {
  let moved = 0;
  for (const key of settings.keys()) {
    if (!key.startsWith(TENANT_PREFIX)) continue;
    const tenantId = key.slice(TENANT_PREFIX.length);
    const record = settings.get<{ secrets?: Record<string, unknown> }>(key);
    const legacyService = secretService(tenantId);
    for (const name of Object.keys(record?.secrets ?? {})) {
      // An unscoped item of the current binding, else one that keytar wrote (Linux Secret Service).
      const current = await inner.get(legacyService, name);
      const legacy = current ?? (await keytarItems.read(legacyService, name));
      if (legacy === null) continue;
      const target = scopedService(legacyService, scope);
      if ((await inner.get(target, name)) === null) await inner.set(target, name, legacy);
      if (current !== null) await inner.delete(legacyService, name);
      else await keytarItems.remove(legacyService, name);
      moved += 1;
    }
  }
  settings.set(MIGRATED_KEY, { at: new Date().toISOString(), moved });
}
