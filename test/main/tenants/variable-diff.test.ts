import { describe, expect, it } from 'vitest';
import type { VariableItem } from '../../../common/contract';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { createTenantStore } from '../../../main/tenants/tenant-store';
import { diffVariables } from '../../../main/tenants/variable-diff';
import type { TenantRecord } from '../../../main/tenants/tenant-model';
import { makeDrop, scratchDir, template, twoReleases } from './tenant-test-support';

const byName = (items: VariableItem[]) => new Map(items.map((i) => [i.name, i]));

// A keychain store pointed at a module that does not exist: any keychain access here would fail loudly,
// which proves these diffs never read a secret.
const noKeychain = () => createKeychainSecretStore({ moduleId: 'keytar-not-used-by-diff-tests' });

function tenantAfterRelease1() {
  const { r1, r2 } = twoReleases();
  const store = createTenantStore({
    settings: createConfSettingsStore(scratchDir('diff'), 'tenants'),
    secrets: noKeychain(),
  });
  // What the tenant had after deploying release 1 (secrets are only indexed here; the store never reads them in a diff).
  const record = store.ensure('st-marys', "St Mary's");
  record.values = {
    DbServer: { value: 'sql01.stmarys.local', updatedAt: '2026-01-01T00:00:00Z' },
    BatchSize: { value: 'large', updatedAt: '2026-01-01T00:00:00Z' },
    LegacyShare: { value: '\\\\fs02\\legacy', updatedAt: '2026-01-01T00:00:00Z' },
  };
  record.secrets = { DbPassword: { updatedAt: '2026-01-01T00:00:00Z' } };
  store.putRecord(record);
  store.recordDeployment('st-marys', { deploymentId: 'd1', release: { version: '1.0.0' }, dropId: r1.id, outcome: 'succeeded', at: '2026-01-02T00:00:00Z', templates: r1.variables });
  return { store, r1, r2 };
}

describe('diff between two releases of a drop', () => {
  it('gives each template its status, source and value; secrets only hasValue', async () => {
    const { store, r2 } = tenantAfterRelease1();
    const view = await store.diffForDrop('st-marys', r2, { probeSecrets: false });
    const items = byName(view.items);
    expect(view.tenantName).toBe("St Mary's");

    expect(items.get('DbServer')).toMatchObject({ status: 'remembered', source: 'remembered', value: 'sql01.stmarys.local', hasValue: true, group: 'Database' });
    expect(items.get('DbPassword')).toMatchObject({ status: 'remembered', source: 'remembered', sensitive: true, hasValue: true });
    expect(items.get('DbPassword')).not.toHaveProperty('value');

    const batch = items.get('BatchSize')!;
    expect(batch).toMatchObject({ status: 'type-changed', type: 'number', source: 'remembered', value: 'large' });
    expect(batch.problem).toBe('BatchSize: the value ("large") is not a number'); // re-validated under the new type

    expect(items.get('Timeout')).toMatchObject({ status: 'default-changed', source: 'drop-default', value: '60', defaultValue: '60', previousDefault: '30' });
    expect(items.get('ReportTitle')).toMatchObject({ status: 'unchanged', source: 'drop-default', value: 'Admissions' });
    expect(items.get('AuditDb')).toMatchObject({ status: 'new', source: 'drop-default', value: 'Audit' });
    expect(items.get('SmtpHost')).toMatchObject({ status: 'missing-required', source: 'none', hasValue: false });
    expect(items.get('SmtpHost')!.problem).toMatch(/required/);

    expect(view.removed).toEqual([{ name: 'LegacyShare', sensitive: false }]);
    expect(view.items.map((i) => i.status).sort()).toEqual(['default-changed', 'missing-required', 'new', 'remembered', 'remembered', 'type-changed', 'unchanged']);
  });

  it('keeps a removed variable until it is forgotten', async () => {
    const { store, r2 } = tenantAfterRelease1();
    await store.forgetVariable('st-marys', 'LegacyShare');
    const view = await store.diffForDrop('st-marys', r2, { probeSecrets: false });
    expect(view.removed).toEqual([]);
    expect(store.get('st-marys')!.values.DbServer).toBeDefined();
  });

  it('marks values typed this session as "entered" without persisting them when remember is off', async () => {
    const { store, r2 } = tenantAfterRelease1();
    await store.saveValues('st-marys', [{ name: 'SmtpHost', value: 'smtp.stmarys.local' }], { remember: false, templates: r2.variables });
    const items = byName((await store.diffForDrop('st-marys', r2, { probeSecrets: false })).items);
    expect(items.get('SmtpHost')).toMatchObject({ source: 'entered', value: 'smtp.stmarys.local', status: 'new', hasValue: true });
    expect(store.get('st-marys')!.values.SmtpHost).toBeUndefined();
    // A fresh store on the same file (a restart) no longer knows the unremembered value.
    const again = createTenantStore({ settings: createConfSettingsStore(store.settingsPath.replace(/\/tenants\.json$/, ''), 'tenants'), secrets: noKeychain() });
    expect(byName((await again.diffForDrop('st-marys', r2, { probeSecrets: false })).items).get('SmtpHost')!.source).toBe('none');
  });

  it('remembers non-secret values in settings with remember on', async () => {
    const { store, r2 } = tenantAfterRelease1();
    await store.saveValues('st-marys', [{ name: 'SmtpHost', value: 'smtp.stmarys.local' }, { name: 'BatchSize', value: '250' }], { remember: true, templates: r2.variables });
    const again = createTenantStore({ settings: createConfSettingsStore(store.settingsPath.replace(/\/tenants\.json$/, ''), 'tenants'), secrets: noKeychain() });
    const items = byName((await again.diffForDrop('st-marys', r2, { probeSecrets: false })).items);
    expect(items.get('SmtpHost')).toMatchObject({ source: 'remembered', value: 'smtp.stmarys.local', status: 'remembered' });
    expect(items.get('BatchSize')!.problem).toBeUndefined();
  });

  it('treats every template as new for a tenant never deployed, baked values before defaults', () => {
    const drop = makeDrop('1.0.0', [template('A', { default: 'a' }), template('B', { required: true }), template('C', { default: 'c' })]);
    drop.baked = [
      { name: 'C', value: 'step-scoped', sensitive: false, step: 'Deploy DB' },
      { name: 'C', value: 'from-octopus', sensitive: false },
    ];
    const { items, removed } = diffVariables({ record: undefined, templates: drop.variables, baked: drop.baked });
    const m = byName(items);
    expect(m.get('A')).toMatchObject({ status: 'new', source: 'drop-default' });
    expect(m.get('B')).toMatchObject({ status: 'missing-required', source: 'none' });
    expect(m.get('C')).toMatchObject({ status: 'new', source: 'drop-baked', value: 'from-octopus' });
    expect(removed).toEqual([]);
  });

  it('masks a secret typed this session in a validator message', () => {
    const t = template('Pin', { type: 'sensitive', sensitive: true });
    const record: TenantRecord = { id: 't', name: 't', createdAt: '', updatedAt: '', values: {}, secrets: {}, history: [] };
    const { items } = diffVariables({ record, templates: [t], entered: new Map([['Pin', 'abc123']]), validate: (_t, v) => `"${v}" is too short` });
    expect(items[0]).toMatchObject({ source: 'entered', hasValue: true, problem: '"********" is too short' });
    expect(JSON.stringify(items)).not.toContain('abc123');
  });

  it('does not treat a failed deployment as the baseline', async () => {
    const { store, r2 } = tenantAfterRelease1();
    store.recordDeployment('st-marys', { deploymentId: 'd2', release: { version: '2.0.0' }, dropId: r2.id, outcome: 'failed', at: '2026-02-01T00:00:00Z', templates: r2.variables });
    expect(store.get('st-marys')!.lastRelease!.release.version).toBe('1.0.0');
    expect(store.history('st-marys').map((h) => [h.deploymentId, h.outcome])).toEqual([
      ['d1', 'succeeded'],
      ['d2', 'failed'],
    ]);
    store.recordDeployment('st-marys', { deploymentId: 'd3', release: { version: '2.0.0' }, dropId: r2.id, outcome: 'succeeded', at: '2026-02-02T00:00:00Z', templates: r2.variables });
    const view = await store.diffForDrop('st-marys', r2, { probeSecrets: false });
    expect(byName(view.items).get('Timeout')!.status).toBe('unchanged');
    expect(store.list()).toEqual([{ id: 'st-marys', name: "St Mary's", lastRelease: '2.0.0', lastDeployedAt: '2026-02-02T00:00:00Z', valueCount: 3, secretCount: 1 }]);
  });

  it('rejects bad tenant ids and unknown tenants with codes', () => {
    const { store } = tenantAfterRelease1();
    expect(() => store.get('../etc')).toThrowError(expect.objectContaining({ code: 'TENANT_ID_INVALID' }));
    expect(() => store.require('nobody')).toThrowError(expect.objectContaining({ code: 'TENANT_NOT_FOUND' }));
  });

  it('reports the keychain problem in the view instead of failing when a drop has secrets', async () => {
    const { store, r2 } = tenantAfterRelease1();
    const view = await store.diffForDrop('st-marys', r2);
    expect(view.secretsAvailable).toBe(false);
    expect(view.secretsProblem).toMatchObject({ code: 'SECRETS_UNAVAILABLE' });
    expect(view.items).toHaveLength(7);
  });
});
