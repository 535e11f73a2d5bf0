/**
 * "The default changed": keep the previous value or use the new default, recorded in the tenant record.
 * Non-secret variables only, over a keychain that fails if touched (the decision must not need it).
 */
import { describe, expect, it } from 'vitest';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { createTenantStore } from '../../../main/tenants/tenant-store';
import { scratchDir, twoReleases } from './tenant-test-support';

function tenantAfterRelease1(own?: string) {
  const { r1, r2 } = twoReleases();
  const store = createTenantStore({ settings: createConfSettingsStore(scratchDir('decide'), 'tenants'), secrets: createKeychainSecretStore({ moduleId: 'keyring-not-used-by-decision-tests' }) });
  const record = store.ensure('st-marys', "St Mary's");
  if (own !== undefined) record.values = { Timeout: { value: own, updatedAt: '2026-01-01T00:00:00Z' } };
  store.putRecord(record);
  store.recordDeployment('st-marys', { deploymentId: 'd1', release: { version: '1.0.0' }, dropId: r1.id, outcome: 'succeeded', at: '2026-01-02T00:00:00Z', templates: r1.variables });
  return { store, r2 };
}
const timeout = async (store: ReturnType<typeof tenantAfterRelease1>['store'], r2: ReturnType<typeof twoReleases>['r2']) =>
  (await store.diffForDrop('st-marys', r2, { probeSecrets: false })).items.find((i) => i.name === 'Timeout')!;

describe('deciding a changed default', () => {
  it('offers the previous value and the new default, and needs attention until decided', async () => {
    const { store, r2 } = tenantAfterRelease1();
    expect(await timeout(store, r2)).toMatchObject({ status: 'default-changed', state: 'default-changed', attention: true, previousValue: '30', defaultValue: '60', value: '60' });
  });

  it('keep-previous remembers the old default and clears the item', async () => {
    const { store, r2 } = tenantAfterRelease1();
    await store.decideDefault('st-marys', r2, 'Timeout', 'keep-previous');
    expect(await timeout(store, r2)).toMatchObject({ status: 'default-changed', state: 'decided', attention: false, decision: 'keep-previous', source: 'remembered', value: '30' });
    expect(store.get('st-marys')!.decisions!.Timeout).toMatchObject({ decision: 'keep-previous' });
    // The plan uses the kept value and carries the decision for the report.
    const resolved = await store.resolveValues('st-marys', r2);
    expect(resolved.find((v) => v.name === 'Timeout')).toMatchObject({ value: '30', decision: 'keep-previous' });
  });

  it("use-new drops the tenant's own value so the new default applies", async () => {
    const { store, r2 } = tenantAfterRelease1('45');
    expect(await timeout(store, r2)).toMatchObject({ previousValue: '45', source: 'remembered' });
    await store.decideDefault('st-marys', r2, 'Timeout', 'use-new');
    expect(await timeout(store, r2)).toMatchObject({ state: 'decided', attention: false, decision: 'use-new', source: 'drop-default', value: '60' });
    expect(store.get('st-marys')!.values.Timeout).toBeUndefined();
  });

  it('keep-previous with an own value keeps it', async () => {
    const { store, r2 } = tenantAfterRelease1('45');
    await store.decideDefault('st-marys', r2, 'Timeout', 'keep-previous');
    expect(await timeout(store, r2)).toMatchObject({ state: 'decided', value: '45', source: 'remembered' });
  });

  it('asks again when the default changes once more', async () => {
    const { store, r2 } = tenantAfterRelease1();
    await store.decideDefault('st-marys', r2, 'Timeout', 'use-new');
    const r3 = { ...r2, variables: r2.variables.map((t) => (t.name === 'Timeout' ? { ...t, default: '90' } : t)) };
    expect(await timeout(store, r3)).toMatchObject({ state: 'default-changed', attention: true });
  });

  it('refuses a variable whose default did not change, with a stable code and no change', async () => {
    const { store, r2 } = tenantAfterRelease1();
    await expect(store.decideDefault('st-marys', r2, 'ReportTitle', 'use-new')).rejects.toMatchObject({ code: 'VARIABLE_NO_DEFAULT_CHANGE' });
    await expect(store.decideDefault('st-marys', r2, 'Nope', 'use-new')).rejects.toMatchObject({ code: 'VARIABLE_NO_DEFAULT_CHANGE' });
    expect(store.get('st-marys')!.decisions).toBeUndefined();
  });
});
