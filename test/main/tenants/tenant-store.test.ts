/**
 * The tenant store against the real gnome-keyring (run under scripts/with-keyring.sh).
 * Every secret value used is collected and, at the end, searched for in every file of the data folder.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { keychainScope, scopedService } from '../../../main/tenants/scoped-secrets';
import { secretService } from '../../../main/tenants/tenant-model';
import {
  buildChildren,
  filesContaining,
  keyringAvailable,
  keyringSkipMessage,
  makeDrop,
  removeChildren,
  runNode,
  scratchDir,
  template,
  twoReleases,
  uniqueSecret,
  type Children,
} from './tenant-test-support';

const secretToolSearch = (service: string) => {
  const r = spawnSync('secret-tool', ['search', '--all', 'service', service], { encoding: 'utf8' });
  return r.stdout + r.stderr;
};

describe.skipIf(!keyringAvailable)('tenant store with the real keychain', () => {
  const dataDir = scratchDir('tenants-keyring');
  // The service as stored: the tenant's, scoped to this data folder (scoped-secrets.ts).
  const serviceOf = (id: string) => scopedService(secretService(id), keychainScope(createConfSettingsStore(dataDir, 'tenants')));
  const tenantId = `st-marys-${process.pid}`;
  const used: string[] = [];
  const secret = (label: string) => {
    const v = uniqueSecret(label);
    used.push(v);
    return v;
  };
  let children: Children | undefined;

  beforeAll(async () => {
    children = await buildChildren();
  });

  afterAll(async () => {
    // Leave the keyring as we found it, then prove no secret reached a file of the data folder.
    const store = openTenantStore(dataDir);
    for (const t of store.list()) await store.forget(t.id);
    expect(filesContaining(dataDir, used)).toEqual([]);
    removeChildren(children);
  });

  it('round trip: a secret set here is prefilled in a new process, and secret-tool finds it', async () => {
    const { r1 } = twoReleases();
    const password = secret('db');
    const store = openTenantStore(dataDir);
    await store.saveValues(tenantId, [{ name: 'DbServer', value: 'sql01' }, { name: 'DbPassword', value: password }], { remember: true, templates: r1.variables });

    const dropFile = path.join(dataDir, '..', `${path.basename(dataDir)}-drop.json`);
    writeFileSync(dropFile, JSON.stringify(r1));
    const child = runNode(children!.driver, [dataDir, 'resolve', tenantId, dropFile]);
    expect(child.status, child.stderr).toBe(0);
    const [result, alive] = child.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(result.ok).toBe(true);
    const values = new Map((result.values as Array<{ name: string; value: string; source: string; sensitive: boolean }>).map((v) => [v.name, v]));
    expect(values.get('DbPassword')).toEqual({ name: 'DbPassword', value: password, source: 'remembered', sensitive: true });
    expect(values.get('DbServer')).toMatchObject({ value: 'sql01', source: 'remembered', sensitive: false });
    expect(alive).toEqual({ alive: true, tenants: 1 });

    // The diff a fresh process hands to the UI: hasValue only, never the secret.
    const diff = runNode(children!.driver, [dataDir, 'diff', tenantId, dropFile]);
    const view = JSON.parse(diff.stdout.split('\n')[0]!).view;
    expect(view.secretsAvailable).toBe(true);
    expect(view.items.find((i: { name: string }) => i.name === 'DbPassword')).toMatchObject({ hasValue: true, source: 'remembered', status: 'remembered' });
    expect(diff.stdout).not.toContain(password);

    const found = secretToolSearch(serviceOf(tenantId));
    expect(found).toContain('attribute.username = DbPassword');
    expect(found).toContain(`attribute.service = drop-runner/${tenantId}@`);
    expect(found).not.toContain('attribute.username = DbServer'); // non-secrets stay in settings
  });

  it('reveals a secret only on request, and keeps it out of the settings file', async () => {
    const store = openTenantStore(dataDir);
    const pin = secret('pin');
    await store.saveValues(tenantId, [{ name: 'ApiKey', value: pin, sensitive: true }], { remember: true });
    const fresh = openTenantStore(dataDir);
    expect(await fresh.revealSecret(tenantId, 'ApiKey')).toBe(pin);
    expect(fresh.secretNames(tenantId)).toContain('ApiKey');
    await expect(fresh.revealSecret(tenantId, 'NoSuchSecret')).rejects.toMatchObject({ code: 'VARIABLE_NOT_FOUND' });
    expect(filesContaining(dataDir, [pin])).toEqual([]);
  });

  it('keeps a connection string that carries a password in the keychain, even without a template or --secret', async () => {
    const store = openTenantStore(dataDir);
    const password = secret('conn-pw');
    const value = `Server=sql01;Database=SSISDB;User Id=HOSP\\svc;Password=${password}`;
    await store.saveValues(tenantId, [{ name: 'SsisConnection', value }], { remember: true });
    expect(store.secretNames(tenantId)).toContain('SsisConnection');
    expect(await openTenantStore(dataDir).revealSecret(tenantId, 'SsisConnection')).toBe(value);
    expect(filesContaining(dataDir, [password])).toEqual([]);
    // A reference to another variable is not a password: it stays an ordinary remembered value.
    await store.saveValues(tenantId, [{ name: 'StagingConnection', value: 'Server=sql01;User Id=u;Password=#{SqlPassword}' }], { remember: true });
    expect(store.secretNames(tenantId)).not.toContain('StagingConnection');
  });

  it('moves a value that became sensitive from settings to the keychain (and back)', async () => {
    const store = openTenantStore(dataDir);
    const token = secret('token');
    await store.saveValues(tenantId, [{ name: 'Token', value: token }], { remember: true, templates: [template('Token')] });
    expect(filesContaining(dataDir, [token])).toHaveLength(1); // plain on purpose: the template said not sensitive
    await store.saveValues(tenantId, [{ name: 'Token', value: token }], { remember: true, templates: [template('Token', { type: 'sensitive', sensitive: true })] });
    expect(filesContaining(dataDir, [token])).toEqual([]);
    expect(store.get(tenantId)!.values.Token).toBeUndefined();
    expect(secretToolSearch(serviceOf(tenantId))).toContain('attribute.username = Token');
    await store.saveValues(tenantId, [{ name: 'Token', value: 'now-public' }], { remember: true, templates: [template('Token')] });
    expect(store.get(tenantId)!.secrets.Token).toBeUndefined();
    expect(secretToolSearch(serviceOf(tenantId))).not.toContain('attribute.username = Token');
  });

  it('an indexed secret that the keychain no longer returns is SECRETS_UNAVAILABLE, not "missing"', async () => {
    const store = openTenantStore(dataDir);
    await store.saveValues(tenantId, [{ name: 'Vanishing', value: secret('gone'), sensitive: true }], { remember: true });
    const cleared = spawnSync('secret-tool', ['clear', 'service', serviceOf(tenantId), 'username', 'Vanishing']);
    expect(cleared.status).toBe(0);
    // A fresh store (a restart): this process's own session no longer holds the typed value.
    const restarted = openTenantStore(dataDir);
    await expect(restarted.revealSecret(tenantId, 'Vanishing')).rejects.toMatchObject({ code: 'SECRETS_UNAVAILABLE', details: { reason: 'indexed-secret-unreadable' } });
    const drop = makeDrop('1.0.0', [template('Vanishing', { type: 'sensitive', sensitive: true })], tenantId);
    await expect(restarted.resolveValues(tenantId, drop)).rejects.toMatchObject({ code: 'SECRETS_UNAVAILABLE' });
    await restarted.forgetVariable(tenantId, 'Vanishing');
    expect(restarted.secretNames(tenantId)).not.toContain('Vanishing');
  });

  it('refuses a secret over the Windows item cap with SECRET_TOO_LARGE and stores nothing', async () => {
    const store = openTenantStore(dataDir);
    const huge = 'k'.repeat(2561);
    await expect(store.saveValues(tenantId, [{ name: 'Cert', value: huge, sensitive: true }], { remember: true })).rejects.toMatchObject({ code: 'SECRET_TOO_LARGE' });
    expect(store.secretNames(tenantId)).not.toContain('Cert');
  });

  it('forget removes every keychain item of the tenant and the profile', async () => {
    const store = openTenantStore(dataDir);
    const other = `${tenantId}-forget`;
    await store.saveValues(other, [{ name: 'A', value: secret('a'), sensitive: true }, { name: 'B', value: secret('b'), sensitive: true }, { name: 'C', value: 'plain' }], { remember: true });
    expect(secretToolSearch(serviceOf(other))).toContain('attribute.username = A');
    await store.forget(other);
    expect(store.get(other)).toBeUndefined();
    expect(secretToolSearch(serviceOf(other))).not.toContain('attribute.username');
    // The keychain still works for the first tenant: forget touched only its own service.
    expect(await store.revealSecret(tenantId, 'ApiKey')).toBeTruthy();
  });

  it('in the same process, values saved with remember show as remembered; values typed for this run only as entered', async () => {
    const { r1 } = twoReleases();
    const store = openTenantStore(dataDir);
    const id = `${tenantId}-source`;
    await store.saveValues(id, [{ name: 'DbServer', value: 'sql03' }, { name: 'DbPassword', value: secret('src') }], { remember: true, templates: r1.variables });
    await store.saveValues(id, [{ name: 'Timeout', value: '45' }], { remember: false, templates: r1.variables });
    const sources = Object.fromEntries((await store.diffForDrop(id, r1)).items.map((i) => [i.name, i.source]));
    expect(sources).toMatchObject({ DbServer: 'remembered', DbPassword: 'remembered', Timeout: 'entered' });
    // Typed for this run, then remembered: it is remembered from then on.
    await store.saveValues(id, [{ name: 'Timeout', value: '45' }], { remember: true, templates: r1.variables });
    expect((await store.diffForDrop(id, r1)).items.find((i) => i.name === 'Timeout')?.source).toBe('remembered');
    expect((await store.resolveValues(id, r1)).find((v) => v.name === 'DbPassword')?.value).toBe(used.at(-1));
  });

  it('a drop deployed once then diffed against the next release, with secrets probed for real', async () => {
    const { r1, r2 } = twoReleases();
    const store = openTenantStore(dataDir);
    const id = `${tenantId}-diff`;
    await store.saveValues(id, [{ name: 'DbServer', value: 'sql02' }, { name: 'DbPassword', value: secret('dbp') }, { name: 'BatchSize', value: 'large' }], { remember: true, templates: r1.variables });
    store.recordDeployment(id, { deploymentId: 'dep-1', release: { version: r1.release.version, projectId: r1.project.id }, dropId: r1.id, outcome: 'succeeded', at: new Date().toISOString(), templates: r1.variables });
    const view = await store.diffForDrop(id, r2);
    expect(view.secretsAvailable).toBe(true);
    const status = Object.fromEntries(view.items.map((i) => [i.name, i.status]));
    expect(status).toEqual({ DbServer: 'remembered', DbPassword: 'remembered', BatchSize: 'type-changed', Timeout: 'default-changed', ReportTitle: 'unchanged', AuditDb: 'new', SmtpHost: 'missing-required' });
    expect(JSON.stringify(view)).not.toContain(used.at(-1)!);
  });
});

if (!keyringAvailable) {
  console.warn(keyringSkipMessage);
  describe('tenant store with the real keychain', () => {
    it.skip(keyringSkipMessage, () => undefined);
  });
}

describe('probe store sanity', () => {
  it('createKeychainSecretStore loads lazily: constructing it touches nothing', () => {
    expect(() => createKeychainSecretStore({ moduleId: 'not-a-module' })).not.toThrow();
  });
});
