import { describe, expect, it } from 'vitest';
import { SECRET_MAX_BYTES, createKeychainSecretStore } from '../../../main/platform/secret-store';
import { uniqueSecret } from '../tenants/tenant-test-support';

// The keyring binding on Windows writes to the Credential Manager; this machine is Linux (gnome-keyring, tested in
// secret-store.test.ts), so here it is skipped visibly and the Windows CI job runs it.
const onWindows = process.platform === 'win32';

describe.skipIf(!onWindows)(`createKeychainSecretStore against Windows Credential Manager${onWindows ? '' : ' — skipped: not Windows (the Windows CI job runs it)'}`, () => {
  it('stores, reads and deletes a generic credential; an absent one reads as null', async () => {
    const store = createKeychainSecretStore();
    const service = `drop-runner/ci-${process.pid}`;
    const value = uniqueSecret('wincred');
    await store.set(service, 'Password', value);
    expect(await store.get(service, 'Password')).toBe(value);
    expect(await store.delete(service, 'Password')).toBe(true);
    expect(await store.get(service, 'Password')).toBeNull();
  });

  it('probe() reports the Credential Manager, which lasts', async () => {
    expect(await createKeychainSecretStore().probe()).toMatchObject({ backend: 'credential-manager', lasting: true });
  });

  it('holds the largest secret Drop Runner accepts (2,560 bytes: the Credential Manager blob limit)', async () => {
    const store = createKeychainSecretStore();
    const service = `drop-runner/ci-${process.pid}`;
    const value = 'w'.repeat(SECRET_MAX_BYTES);
    await store.set(service, 'Large', value);
    expect(await store.get(service, 'Large')).toBe(value);
    await store.delete(service, 'Large');
  });
});
