/**
 * variables.save / variables.forDrop through the real service (real drop, real settings files, real
 * gnome-keyring): a connection string that carries a literal password is kept in the keychain and shown
 * as a secret, even though the drop's template is not marked sensitive.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VariableItem, VariablesView } from '../../../common/contract';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { createService, type Service } from '../../../main/service';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import { buildSampleDrop } from '../../support/fixtures/sample-drop';
import { keyringAvailable, keyringSkipMessage, scratchDir, uniqueSecret } from '../tenants/tenant-test-support';

const WINDOWS_PASSWORD = uniqueSecret('win');
const SSIS = `Server=sql01,1433;Database=SSISDB;User Id=SBRH\\svc_deploy;Password=${WINDOWS_PASSWORD};Encrypt=False`;

function service(dataDir: string): Service {
  return createService({ dataDir, host: 'web', secrets: createKeychainSecretStore(), findChromium: () => null });
}

async function call<T>(svc: Service, name: string, params: unknown): Promise<T> {
  const handler = (svc.handlers as unknown as Record<string, (p: unknown) => Promise<T>>)[name]!;
  return handler(params);
}

function item(view: VariablesView, name: string): VariableItem {
  return view.items.find((i) => i.name === name)!;
}

/** Every file under dir whose bytes contain the value. */
function filesWith(dir: string, value: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).toString('latin1').includes(value)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

describe.skipIf(!keyringAvailable)('variables.save: a connection string with a password', () => {
  const work = scratchDir('dr-handlers-conn');
  const dataDir = path.join(work, 'data');
  const tenantId = `st-brigids-h${process.pid}`;
  let dropId: string;
  let svc: Service;

  beforeAll(async () => {
    const zip = await buildSampleDrop({ outDir: work, release: '2.4.0', sign: false });
    svc = service(dataDir);
    dropId = (await call<{ id: string }>(svc, 'drop.open', { path: zip })).id;
  });
  afterAll(async () => {
    await svc.close();
    // Leaves no item behind in the session keyring.
    const store = openTenantStore(dataDir);
    if (store.get(tenantId)) await store.forget(tenantId);
    rmSync(work, { recursive: true, force: true });
  });

  it('goes to the keychain, not the settings file, and reads back as a stored secret after a restart', async () => {
    const saved = await call<VariablesView>(svc, 'variables.save', { dropId, tenantId, values: [{ name: 'SsisConnection', value: SSIS }], remember: true });
    expect(item(saved, 'SsisConnection')).toMatchObject({ sensitive: true, hasValue: true });
    expect(item(saved, 'SsisConnection').value).toBeUndefined();
    expect(item(saved, 'SsisConnection').defaultValue).toBeUndefined();
    expect(filesWith(dataDir, WINDOWS_PASSWORD)).toEqual([]);
    expect(svc.redact(`login with ${WINDOWS_PASSWORD} failed`)).not.toContain(WINDOWS_PASSWORD);

    const restarted = service(dataDir);
    try {
      const view = await call<VariablesView>(restarted, 'variables.forDrop', { dropId, tenantId });
      const ssis = item(view, 'SsisConnection');
      expect(ssis).toMatchObject({ sensitive: true, hasValue: true, source: 'remembered', status: 'remembered' });
      expect(ssis.value).toBeUndefined();
      // Not "needs a reveal": as a secret it is complete.
      expect(ssis.problem).toBeUndefined();
      expect(JSON.stringify(view)).not.toContain(WINDOWS_PASSWORD);
      expect(await call<{ value: string }>(restarted, 'variables.reveal', { tenantId, name: 'SsisConnection' })).toEqual({ value: SSIS });
    } finally {
      await restarted.close();
    }
  });

  it('stays a plain value when the password is a #{reference} or absent, and a plain value replaces the kept secret', async () => {
    const byReference = 'Server=sql01;Database=SSISDB;User Id=cdh_deploy;Password=#{SqlPassword}';
    const view = await call<VariablesView>(svc, 'variables.save', { dropId, tenantId, values: [{ name: 'SsisConnection', value: byReference }], remember: true });
    expect(item(view, 'SsisConnection')).toMatchObject({ sensitive: false, value: byReference });
    const restarted = service(dataDir);
    try {
      const again = await call<VariablesView>(restarted, 'variables.forDrop', { dropId, tenantId });
      expect(item(again, 'SsisConnection')).toMatchObject({ sensitive: false, source: 'remembered', value: byReference });
      await expect(call(restarted, 'variables.reveal', { tenantId, name: 'SsisConnection' })).rejects.toMatchObject({ code: 'VARIABLE_NOT_FOUND' });
    } finally {
      await restarted.close();
    }
  });

  it('is only held for this process when not remembered', async () => {
    const other = `Server=sql02;Database=SSISDB;User Id=SBRH\\svc_deploy;Password=${WINDOWS_PASSWORD}x`;
    await call<VariablesView>(svc, 'variables.save', { dropId, tenantId, values: [{ name: 'SsisConnection', value: other }], remember: false });
    expect(filesWith(dataDir, `${WINDOWS_PASSWORD}x`)).toEqual([]);
  });
});

if (!keyringAvailable) {
  console.warn(keyringSkipMessage);
  describe('variables.save: a connection string with a password', () => {
    it.skip(keyringSkipMessage, () => undefined);
  });
}

describe('tenant.export through the service', () => {
  it('a second export on the same day gets its own file, and a chosen file that exists is refused untouched', async () => {
    const work = scratchDir('dr-handlers-export');
    const dataDir = path.join(work, 'data');
    openTenantStore(dataDir).ensure('st-olaf', 'St Olaf Hospital');
    const svc = service(dataDir);
    try {
      const params = { tenantId: 'st-olaf', includeSecrets: false, passphrase: 'correct horse battery' };
      const first = await call<{ path: string }>(svc, 'tenant.export', params);
      const second = await call<{ path: string }>(svc, 'tenant.export', params);
      expect(second.path).not.toBe(first.path);
      expect(readdirSync(path.dirname(first.path)).sort()).toEqual([path.basename(first.path), path.basename(second.path)].sort());
      const firstBytes = readFileSync(first.path);
      const refused = await call(svc, 'tenant.export', { ...params, outPath: first.path }).then(
        () => 'no error',
        (e: { code?: string }) => e.code,
      );
      expect(refused).toBe('TENANT_EXPORT_EXISTS');
      expect(readFileSync(first.path).equals(firstBytes)).toBe(true);
    } finally {
      await svc.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('variables.forDrop / variables.decide through the service', () => {
  it('sends each state, counts only what needs a value, resolves defaults built from other variables, and refuses a decision with nothing to decide', async () => {
    const work = scratchDir('dr-handlers-state');
    const dataDir = path.join(work, 'data');
    const zip = await buildSampleDrop({ outDir: work, release: '2.4.0', sign: false });
    const svc = service(dataDir);
    try {
      const dropId = (await call<{ id: string }>(svc, 'drop.open', { path: zip })).id;
      const tenantId = 'st-state';
      const view = await call<VariablesView>(svc, 'variables.forDrop', { dropId, tenantId });
      // 20 variables, 14 with a default: only the 6 without one need attention on a first release.
      expect(view.items).toHaveLength(20);
      expect(view.items.filter((i) => i.attention).map((i) => `${i.name}:${i.state}`).sort()).toEqual(
        ['ApiKey:missing-required', 'CutoverNotes:new-without-default', 'InterfaceEngineHost:missing-required', 'SftpPassword:missing-required', 'SqlPassword:missing-required', 'SqlServer:missing-required'].sort(),
      );
      expect(item(view, 'StagingConnection')).toMatchObject({ sensitive: true, source: 'drop-default', origin: "The drop's default" });
      expect(item(view, 'ApiBaseUrl').resolvedDefault).toBeUndefined();

      const typed = await call<VariablesView>(svc, 'variables.save', { dropId, tenantId, values: [{ name: 'InterfaceEngineHost', value: 'ie01.example' }], remember: false });
      expect(item(typed, 'InterfaceEngineHost')).toMatchObject({ state: 'entered-unsaved', attention: false });
      expect(item(typed, 'ApiBaseUrl')).toMatchObject({ defaultValue: 'https://#{InterfaceEngineHost}:8443/api', resolvedDefault: 'https://ie01.example:8443/api' });
      expect(item(typed, 'SftpHost').resolvedDefault).toBe('ie01.example');

      await expect(call(svc, 'variables.decide', { dropId, tenantId, name: 'FeedBatchSize', decision: 'keep-previous' })).rejects.toMatchObject({ code: 'VARIABLE_NO_DEFAULT_CHANGE' });
    } finally {
      await svc.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
