/**
 * Keychain items are scoped to the data folder (issue 20 item 5), and items written by older builds
 * under the unscoped service `drop-runner/<tenant>` are migrated once. Runs against whichever real
 * store this process gets: the Secret Service inside scripts/with-keyring.sh, else the Linux kernel
 * keyring; skipped visibly when neither works here.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import { keychainScope, scopedService } from '../../../main/tenants/scoped-secrets';
import { secretService } from '../../../main/tenants/tenant-model';
import { filesContaining, scratchDir, uniqueSecret } from './tenant-test-support';

const raw = createKeychainSecretStore();
const usable = await raw.probe().then(
  (info) => info.backend,
  (error: Error) => `none (${error.message})`,
);
const skipMessage = `SKIPPED: no usable keychain here: ${usable}`;
const works = !usable.startsWith('none');

describe.skipIf(!works)(`keychain items scoped to the data folder (store: ${usable})`, () => {
  const tenantId = `scope-${process.pid}`;
  const used: string[] = [];
  const dirs: string[] = [];
  const secret = (label: string) => {
    const v = uniqueSecret(label);
    used.push(v);
    return v;
  };
  const dataDir = (label: string) => {
    const d = scratchDir(label);
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const d of dirs) {
      const store = openTenantStore(d, { secrets: raw });
      for (const t of store.list()) await store.forget(t.id);
      expect(filesContaining(d, used)).toEqual([]);
    }
    await raw.delete(secretService(tenantId), 'Legacy');
  });

  it('two data folders with the same tenant never see, overwrite or forget each other\'s secrets', async () => {
    const a = openTenantStore(dataDir('scope-a'), { secrets: raw });
    const b = openTenantStore(dataDir('scope-b'), { secrets: raw });
    const va = secret('a');
    const vb = secret('b');
    await a.saveValues(tenantId, [{ name: 'DbPassword', value: va, sensitive: true }], { remember: true });
    await b.saveValues(tenantId, [{ name: 'DbPassword', value: vb, sensitive: true }], { remember: true });
    expect(await a.revealSecret(tenantId, 'DbPassword')).toBe(va);
    expect(await b.revealSecret(tenantId, 'DbPassword')).toBe(vb);
    // The unscoped service holds nothing: each item lives under its folder's scope.
    expect(await raw.get(secretService(tenantId), 'DbPassword')).toBeNull();
    await a.forget(tenantId);
    expect(await b.revealSecret(tenantId, 'DbPassword')).toBe(vb);
  });

  it('migrates an item an older build wrote under drop-runner/<tenant> once, and removes the unscoped one', async () => {
    const dir = dataDir('scope-migrate');
    const store = openTenantStore(dir, { secrets: raw });
    const value = secret('legacy');
    // What an older build left: the index names the secret, the item sits under the unscoped service.
    await store.saveValues(tenantId, [{ name: 'Legacy', value, sensitive: true }], { remember: true });
    const settings = createConfSettingsStore(dir, 'tenants');
    await raw.delete(scopedService(secretService(tenantId), keychainScope(settings)), 'Legacy');
    settings.delete('keychain:migrated');
    settings.delete('keychain:scope');
    await raw.set(secretService(tenantId), 'Legacy', value);

    const restarted = openTenantStore(dir, { secrets: raw });
    expect(await restarted.revealSecret(tenantId, 'Legacy')).toBe(value);
    expect(await raw.get(secretService(tenantId), 'Legacy')).toBeNull();
    expect(await raw.get(scopedService(secretService(tenantId), keychainScope(settings)), 'Legacy')).toBe(value);
    expect(createConfSettingsStore(dir, 'tenants').get('keychain:migrated')).toMatchObject({ moved: 1 });
  });

  // keytar items carry `account` where the binding uses `username`: only secret-tool reaches them.
  const keytarSession = usable === 'secret-service' && spawnSync('sh', ['-c', 'command -v secret-tool']).status === 0;
  it.runIf(keytarSession)('migrates an item keytar wrote (attributes service + account) through secret-tool, and removes it', async () => {
    const dir = dataDir('scope-keytar');
    const store = openTenantStore(dir, { secrets: raw });
    const value = secret('keytar');
    await store.saveValues(tenantId, [{ name: 'FromKeytar', value, sensitive: true }], { remember: true });
    const settings = createConfSettingsStore(dir, 'tenants');
    await raw.delete(scopedService(secretService(tenantId), keychainScope(settings)), 'FromKeytar');
    settings.delete('keychain:migrated');
    // Exactly the item keytar's setPassword made: label "<service>", attributes service and account.
    const stored = spawnSync('secret-tool', ['store', '--label', secretService(tenantId), 'service', secretService(tenantId), 'account', 'FromKeytar'], { input: value });
    expect(stored.status).toBe(0);
    const lookup = () => spawnSync('secret-tool', ['lookup', 'service', secretService(tenantId), 'account', 'FromKeytar'], { encoding: 'utf8' }).stdout;
    expect(lookup()).toBe(value); // control: the old item is really there

    expect(await openTenantStore(dir, { secrets: raw }).revealSecret(tenantId, 'FromKeytar')).toBe(value);
    expect(lookup()).toBe('');
    expect(createConfSettingsStore(dir, 'tenants').get('keychain:migrated')).toMatchObject({ moved: 1 });
  });

  it('never overwrites a scoped item with an older unscoped one', async () => {
    const dir = dataDir('scope-keep');
    const store = openTenantStore(dir, { secrets: raw });
    const current = secret('current');
    const stale = secret('stale');
    await store.saveValues(tenantId, [{ name: 'Legacy', value: current, sensitive: true }], { remember: true });
    const settings = createConfSettingsStore(dir, 'tenants');
    settings.delete('keychain:migrated');
    await raw.set(secretService(tenantId), 'Legacy', stale);
    expect(await openTenantStore(dir, { secrets: raw }).revealSecret(tenantId, 'Legacy')).toBe(current);
    expect(await raw.get(secretService(tenantId), 'Legacy')).toBeNull();
  });
});

if (!works) {
  console.warn(skipMessage);
  describe('keychain items scoped to the data folder', () => {
    it.skip(skipMessage, () => undefined);
  });
}
