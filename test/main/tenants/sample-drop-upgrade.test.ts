/**
 * The upgrade story on the real sample drop: open 2.4.0 (the drop engine's own reader), remember the
 * tenant's values, record the deployment, open 2.5.0, and check the diff says exactly what changed.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Drop } from '../../../common/drop-model';
import { openDrop } from '../../../main/drop/open-drop';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import { RELEASE_2_5_0_CHANGES, buildSampleDrop } from '../../support/fixtures/sample-drop';
import { filesContaining, keyringAvailable, keyringSkipMessage, scratchDir, uniqueSecret } from './tenant-test-support';

describe('upgrade diff on the sample drop 2.4.0 → 2.5.0', () => {
  const work = scratchDir('sample-upgrade');
  let r240: Drop;
  let r250: Drop;

  beforeAll(async () => {
    r240 = await openDrop(await buildSampleDrop({ outDir: work, release: '2.4.0', sign: false }), { dataDir: path.join(work, 'data') });
    r250 = await openDrop(await buildSampleDrop({ outDir: work, release: '2.5.0', sign: false }), { dataDir: path.join(work, 'data') });
  });

  const tenantValues = [
    { name: 'SqlServer', value: 'sql01.stbrigids.local' },
    { name: 'InterfaceEngineHost', value: 'ie01.stbrigids.local' },
    { name: 'FeedBatchSize', value: '750' },
  ];

  it('new variable, changed default, remembered values; secrets never read', async () => {
    const store = openTenantStore(path.join(work, 'data'), { secrets: createKeychainSecretStore({ moduleId: 'keytar-not-needed-here' }) });
    const tenantId = r240.target.tenantId;
    await store.saveValues(tenantId, tenantValues, { remember: true, templates: r240.variables });
    store.recordDeployment(tenantId, { deploymentId: 'dep-240', release: { version: r240.release.version, projectId: r240.project.id }, dropId: r240.id, outcome: 'succeeded', at: '2027-01-01T00:00:00.000Z', templates: r240.variables });

    const fresh = openTenantStore(path.join(work, 'data'), { secrets: createKeychainSecretStore({ moduleId: 'keytar-not-needed-here' }) });
    const view = await fresh.diffForDrop(tenantId, r250, { probeSecrets: false });
    const item = (name: string) => view.items.find((i) => i.name === name)!;
    expect(item(RELEASE_2_5_0_CHANGES.newVariable)).toMatchObject({ status: 'new', source: 'drop-default', value: '365' });
    const changed = RELEASE_2_5_0_CHANGES.changedDefault;
    expect(item(changed.name)).toMatchObject({ status: 'default-changed', previousDefault: changed.from, defaultValue: changed.to, source: 'remembered', value: '750' });
    expect(item('SqlServer')).toMatchObject({ status: 'remembered', value: 'sql01.stbrigids.local' });
    expect(item('StagingDatabase')).toMatchObject({ status: 'unchanged', source: 'drop-default', value: 'CDH_Staging' });
    expect(item('SqlPassword')).toMatchObject({ status: 'missing-required', sensitive: true, hasValue: false });
    expect(view.removed).toEqual([]);
    expect(view.items).toHaveLength(r250.variables.length);
  });
});

describe.skipIf(!keyringAvailable)('sample drop secrets through the keychain', () => {
  const work = scratchDir('sample-secrets');
  const secrets = { SqlPassword: uniqueSecret('sql'), SftpPassword: uniqueSecret('sftp'), ApiKey: uniqueSecret('api') };
  const tenantId = `st-brigids-${process.pid}`;
  afterAll(async () => {
    const store = openTenantStore(path.join(work, 'data'));
    if (store.get(tenantId)) await store.forget(tenantId);
    expect(filesContaining(work, Object.values(secrets))).toEqual([]);
  });

  it('remembers the three secrets in the keychain and resolves them for a deployment', async () => {
    const drop = await openDrop(await buildSampleDrop({ outDir: work, release: '2.5.0', sign: false }), { dataDir: path.join(work, 'data') });
    const store = openTenantStore(path.join(work, 'data'));
    await store.saveValues(tenantId, Object.entries(secrets).map(([name, value]) => ({ name, value })), { remember: true, templates: drop.variables });
    expect(store.secretNames(tenantId)).toEqual(['ApiKey', 'SftpPassword', 'SqlPassword']);
    const resolved = await openTenantStore(path.join(work, 'data')).resolveValues(tenantId, drop);
    expect(resolved.filter((v) => v.sensitive && v.source === 'remembered').map((v) => [v.name, v.value])).toEqual(
      drop.variables.filter((t) => t.name in secrets).map((t) => [t.name, secrets[t.name as keyof typeof secrets]]),
    );
  });
});

if (!keyringAvailable) {
  console.warn(keyringSkipMessage);
  describe('sample drop secrets through the keychain', () => {
    it.skip(keyringSkipMessage, () => undefined);
  });
}
