/**
 * The one place the Node hosts (CLI, browser host, tests) assemble a TenantStore from the data
 * folder: settings in `<data>/tenants.json` (conf), secrets in the OS keychain (@napi-rs/keyring).
 * The Electron host builds the same store with its electron-store settings instead.
 */
import { createConfSettingsStore } from '../platform/settings-store';
import { createKeychainSecretStore, type SecretStore } from '../platform/secret-store';
import { createTenantStore, type TenantStore } from './tenant-store';
import type { ValueValidator } from './variable-diff';

/** The settings file name (without .json) that holds tenant profiles. */
export const TENANTS_SETTINGS_NAME = 'tenants';

/** Opens the tenant store of a data folder; the keychain is touched only when a secret is needed. */
export function openTenantStore(dataDir: string, options: { secrets?: SecretStore; validate?: ValueValidator } = {}): TenantStore {
  return createTenantStore({
    settings: createConfSettingsStore(dataDir, TENANTS_SETTINGS_NAME),
    secrets: options.secrets ?? createKeychainSecretStore(),
    ...(options.validate ? { validate: options.validate } : {}),
  });
}
