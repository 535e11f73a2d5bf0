import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import { openTenantFile, sealTenantFile, TENANT_FILE_KDF } from '../../../main/tenants/tenant-file';
import { applyImport, exportTenant, importTenantPreview } from '../../../main/tenants/tenant-transfer';
import { filesContaining, keyringAvailable, keyringSkipMessage, scratchDir, twoReleases, uniqueSecret } from './tenant-test-support';

const PASS = 'correct horse battery staple';

// Stores on machines "A" and "B" (two data folders). Without a keyring, a store whose keychain module is
// missing proves the no-secret paths never touch the keychain.
const noKeychain = () => createKeychainSecretStore({ moduleId: 'keytar-not-present-in-this-test' });

function machineWithPlainTenant(id: string) {
  const { r1 } = twoReleases();
  const store = openTenantStore(scratchDir('machine-a'), { secrets: noKeychain() });
  store.ensure(id, "St Mary's Hospital");
  return { store, r1 };
}

describe('tenant file format', () => {
  it('uses scrypt N=2^15, r=8, p=1 and round-trips a payload', () => {
    expect(TENANT_FILE_KDF).toEqual({ logN: 15, r: 8, p: 1 });
    const file = sealTenantFile({ hello: 'wörld' }, PASS, { secretsIncluded: false });
    expect(file.subarray(0, 8).toString('ascii')).toBe('DRTENANT');
    expect(file[10]).toBe(15);
    expect(openTenantFile(file, PASS)).toEqual({ hello: 'wörld' });
    expect(file.includes(Buffer.from('wörld'))).toBe(false);
  });

  it('refuses a passphrase under 8 characters', () => {
    expect(() => sealTenantFile({}, 'short', { secretsIncluded: false })).toThrowError(expect.objectContaining({ code: 'TENANT_EXPORT_PASSPHRASE_WEAK' }));
  });

  it('tells a wrong passphrase from a damaged file', () => {
    const file = sealTenantFile({ a: 1 }, PASS, { secretsIncluded: false });
    expect(() => openTenantFile(file, 'Correct horse battery staple')).toThrowError(expect.objectContaining({ code: 'TENANT_IMPORT_BAD_PASSPHRASE' }));
    const flipped = Buffer.from(file);
    flipped[flipped.length - 20]! ^= 0x01;
    expect(() => openTenantFile(flipped, PASS)).toThrowError(expect.objectContaining({ code: 'TENANT_IMPORT_DAMAGED' }));
    const header = Buffer.from(file);
    header[9]! ^= 0x01; // flags are authenticated data
    expect(() => openTenantFile(header, PASS)).toThrowError(expect.objectContaining({ code: 'TENANT_IMPORT_DAMAGED' }));
  });

  it.each([
    ['truncated inside the ciphertext', (f: Buffer) => f.subarray(0, f.length - 5)],
    ['truncated inside the header', (f: Buffer) => f.subarray(0, 30)],
    ['cut to the signature only', (f: Buffer) => f.subarray(0, 4)],
    ['empty', () => Buffer.alloc(0)],
    ['not a tenant file', () => Buffer.from('PK\u0003\u0004 a zip, not a tenant export')],
    ['an absurd scrypt cost in the header', (f: Buffer) => Buffer.concat([f.subarray(0, 10), Buffer.from([40]), f.subarray(11)])],
  ])('%s → TENANT_IMPORT_DAMAGED', (_title, damage) => {
    const file = sealTenantFile({ a: 1 }, PASS, { secretsIncluded: false });
    expect(() => openTenantFile(damage(file), PASS)).toThrowError(expect.objectContaining({ code: 'TENANT_IMPORT_DAMAGED' }));
  });

  it('a newer format version is TENANT_IMPORT_UNSUPPORTED', () => {
    const file = Buffer.from(sealTenantFile({ a: 1 }, PASS, { secretsIncluded: false }));
    file[8] = 9;
    expect(() => openTenantFile(file, PASS)).toThrowError(expect.objectContaining({ code: 'TENANT_IMPORT_UNSUPPORTED' }));
  });

  it('a file whose decrypted contents are not a tenant profile is TENANT_IMPORT_DAMAGED', () => {
    const b = openTenantStore(scratchDir('machine-b'), { secrets: noKeychain() });
    const file = sealTenantFile({ format: 'something-else' }, PASS, { secretsIncluded: false });
    expect(() => importTenantPreview(b, file, PASS)).toThrowError(expect.objectContaining({ code: 'TENANT_IMPORT_DAMAGED' }));
  });
});

describe('export/import without secrets (no keychain needed)', () => {
  it('round trip: values, name, last release and history arrive; preview describes it first', async () => {
    const { store: a, r1 } = machineWithPlainTenant('st-marys');
    await a.saveValues('st-marys', [{ name: 'DbServer', value: 'sql01' }, { name: 'ReportTitle', value: 'Admissions (SMH)' }], { remember: true, templates: r1.variables });
    a.recordDeployment('st-marys', { deploymentId: 'dep-1', release: { version: '1.0.0' }, dropId: r1.id, outcome: 'succeeded', at: '2026-03-01T10:00:00.000Z', templates: r1.variables });
    const file = await exportTenant(a, 'st-marys', { includeSecrets: false, passphrase: PASS });

    const b = openTenantStore(scratchDir('machine-b'), { secrets: noKeychain() });
    await b.saveValues('st-marys', [{ name: 'DbServer', value: 'old-sql' }, { name: 'LocalOnly', value: 'keep-me' }], { remember: true });
    const preview = importTenantPreview(b, file, PASS);
    expect(preview).toMatchObject({ tenantId: 'st-marys', tenantName: "St Mary's Hospital", isNewTenant: false, secretsIncluded: false, historyAdded: 1 });
    expect(preview.changes).toEqual([
      { name: 'DbServer', change: 'changed', sensitive: false },
      { name: 'ReportTitle', change: 'added', sensitive: false },
    ]);
    expect(preview.keptLocal).toEqual([{ name: 'LocalOnly', sensitive: false }]);
    expect(b.get('st-marys')!.values.DbServer!.value).toBe('old-sql'); // preview wrote nothing

    expect(await applyImport(b, file, PASS)).toEqual({ tenantId: 'st-marys', applied: 2 });
    const imported = b.get('st-marys')!;
    expect(imported.name).toBe("St Mary's Hospital");
    expect(Object.fromEntries(Object.entries(imported.values).map(([k, v]) => [k, v.value]))).toEqual({ DbServer: 'sql01', ReportTitle: 'Admissions (SMH)', LocalOnly: 'keep-me' });
    expect(imported.lastRelease?.release.version).toBe('1.0.0');
    expect(imported.history.map((h) => h.deploymentId)).toEqual(['dep-1']);
    // Applying twice changes nothing further.
    await applyImport(b, file, PASS);
    expect(b.get('st-marys')!.history).toHaveLength(1);
  });

  it('changed-default decisions travel with the tenant and apply on the other machine; an older one does not overwrite a newer one', async () => {
    const { r1, r2 } = twoReleases();
    const a = openTenantStore(scratchDir('machine-a'), { secrets: noKeychain() });
    a.ensure('st-marys', "St Mary's Hospital");
    a.recordDeployment('st-marys', { deploymentId: 'dep-1', release: { version: '1.0.0' }, dropId: r1.id, outcome: 'succeeded', at: '2026-03-01T10:00:00.000Z', templates: r1.variables });
    await a.decideDefault('st-marys', r2, 'Timeout', 'keep-previous');
    const file = await exportTenant(a, 'st-marys', { includeSecrets: false, passphrase: PASS });

    const b = openTenantStore(scratchDir('machine-b'), { secrets: noKeychain() });
    expect(importTenantPreview(b, file, PASS).decisionsAdded).toBe(1);
    await applyImport(b, file, PASS);
    // On machine B, release 2's changed default is already decided, exactly as on A.
    const item = (await b.diffForDrop('st-marys', r2, { probeSecrets: false })).items.find((i) => i.name === 'Timeout')!;
    expect(item).toMatchObject({ state: 'decided', decision: 'keep-previous', value: '30', attention: false });

    // A later decision on B is not undone by importing A's older file again.
    await b.decideDefault('st-marys', r2, 'Timeout', 'use-new');
    expect(importTenantPreview(b, file, PASS).decisionsAdded).toBe(0);
    await applyImport(b, file, PASS);
    expect(b.get('st-marys')!.decisions!.Timeout).toMatchObject({ decision: 'use-new' });
  });

  it('a wrong passphrase or a truncated file imports nothing', async () => {
    const { store: a } = machineWithPlainTenant('st-marys');
    await a.saveValues('st-marys', [{ name: 'DbServer', value: 'sql01' }], { remember: true });
    const file = await exportTenant(a, 'st-marys', { includeSecrets: false, passphrase: PASS });
    const bDir = scratchDir('machine-b');
    const b = openTenantStore(bDir, { secrets: noKeychain() });
    await expect(applyImport(b, file, 'not the passphrase')).rejects.toMatchObject({ code: 'TENANT_IMPORT_BAD_PASSPHRASE' });
    expect(() => importTenantPreview(b, file, 'not the passphrase')).toThrowError(expect.objectContaining({ code: 'TENANT_IMPORT_BAD_PASSPHRASE' }));
    await expect(applyImport(b, file.subarray(0, file.length - 1), PASS)).rejects.toMatchObject({ code: 'TENANT_IMPORT_DAMAGED' });
    expect(b.list()).toEqual([]);
  });

  it('exporting an unknown tenant is TENANT_NOT_FOUND', async () => {
    const b = openTenantStore(scratchDir('machine-b'), { secrets: noKeychain() });
    await expect(exportTenant(b, 'nobody', { includeSecrets: false, passphrase: PASS })).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });
});

describe.skipIf(!keyringAvailable)('export/import with secrets (real keychain)', () => {
  const dirs = { a: scratchDir('machine-a'), b: scratchDir('machine-b') };
  const tenant = `transfer-${process.pid}`;
  const used: string[] = [];
  afterAll(async () => {
    for (const dir of [dirs.a, dirs.b]) {
      const s = openTenantStore(dir);
      for (const t of s.list()) await s.forget(t.id);
      expect(filesContaining(dir, used)).toEqual([]);
    }
  });

  it('secrets travel inside the encrypted file only, and land in the keychain on the other side', async () => {
    const a = openTenantStore(dirs.a);
    const pw = uniqueSecret('xfer');
    used.push(pw);
    await a.saveValues(tenant, [{ name: 'DbPassword', value: pw, sensitive: true }, { name: 'DbServer', value: 'sql01' }], { remember: true });
    const withSecrets = await exportTenant(a, tenant, { includeSecrets: true, passphrase: PASS });
    const without = await exportTenant(a, tenant, { includeSecrets: false, passphrase: PASS });
    expect(withSecrets.includes(Buffer.from(pw))).toBe(false);

    // Machine B is a separate folder, but on this test machine it shares the keychain: forget A's copy first
    // so that finding the secret afterwards proves the import wrote it.
    await a.forget(tenant);
    const b = openTenantStore(dirs.b);
    expect(importTenantPreview(b, without, PASS)).toMatchObject({ secretsIncluded: false, secretsNotIncluded: ['DbPassword'], changes: [{ name: 'DbServer', change: 'added', sensitive: false }] });
    const preview = importTenantPreview(b, withSecrets, PASS);
    expect(preview.changes).toEqual([
      { name: 'DbPassword', change: 'added', sensitive: true },
      { name: 'DbServer', change: 'added', sensitive: false },
    ]);
    expect(JSON.stringify(preview)).not.toContain(pw);
    await applyImport(b, withSecrets, PASS);
    const restarted = openTenantStore(dirs.b);
    expect(await restarted.revealSecret(tenant, 'DbPassword')).toBe(pw);
    expect(restarted.get(tenant)!.values.DbPassword).toBeUndefined();
    expect(readFileSync(restarted.settingsPath, 'utf8')).not.toContain(pw);
  });
});

if (!keyringAvailable) {
  console.warn(keyringSkipMessage);
  describe('export/import with secrets (real keychain)', () => {
    it.skip(keyringSkipMessage, () => undefined);
  });
}
