/**
 * connection.test / connection.resolve and trust.* through the real service: the sample drop, the
 * real keychain for the tenant's secrets, and the TDS double with TLS. Every result and error is
 * searched for the passwords.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionTestView, DropView, TrustedPublisherView } from '../../../common/contract';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { createService, type Service } from '../../../main/service';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import { buildSampleDrop, exampleKeyPaths } from '../../support/fixtures/sample-drop';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';
import { keyringAvailable, scratchDir, uniqueSecret } from '../tenants/tenant-test-support';

const WIN = { domain: 'SBRH', user: 'svc_ssis', password: uniqueSecret('win') };
const SQL = { user: 'cdh_deploy', password: uniqueSecret('sql') };

async function call<T>(svc: Service, name: string, params: unknown): Promise<T> {
  const handler = (svc.handlers as unknown as Record<string, (p: unknown) => Promise<T>>)[name]!;
  return handler(params);
}

async function failure(svc: Service, name: string, params: unknown): Promise<{ code: string; message: string; hint: string }> {
  try {
    await call(svc, name, params);
  } catch (error) {
    return error as { code: string; message: string; hint: string };
  }
  throw new Error(`${name} did not fail`);
}

function noSecrets(value: unknown): void {
  const text = JSON.stringify(value);
  for (const secret of [WIN.password, SQL.password]) expect(text).not.toContain(secret);
}

describe.skipIf(!keyringAvailable)('connection.test and connection.resolve (service, keychain, TDS double with TLS)', () => {
  const work = scratchDir('dr-handlers-connection');
  const dataDir = path.join(work, 'data');
  const tenantId = `st-brigids-c${process.pid}`;
  let dropId: string;
  let svc: Service;
  let server: TdsServer;

  beforeAll(async () => {
    server = await startTdsServer({ logins: [SQL], windowsUsers: [WIN], ntlmDomain: WIN.domain, databases: ['master', 'SSISDB', 'CDH_Staging'], tls: true });
    const zip = await buildSampleDrop({ outDir: work, release: '2.4.0', sign: false });
    svc = createService({ dataDir, host: 'web', secrets: createKeychainSecretStore(), findChromium: () => null });
    dropId = (await call<{ id: string }>(svc, 'drop.open', { path: zip })).id;
    const where = `127.0.0.1,${server.port}`;
    await call(svc, 'variables.save', {
      dropId,
      tenantId,
      remember: true,
      values: [
        { name: 'SqlServer', value: where },
        { name: 'SsisServer', value: where },
        { name: 'SqlUser', value: SQL.user },
        { name: 'SqlPassword', value: SQL.password },
        { name: 'SsisConnection', value: `Server=#{SsisServer};Database=SSISDB;Integrated Security=SSPI;User Id=${WIN.domain}\\${WIN.user};Password="${WIN.password}";TrustServerCertificate=True` },
      ],
    });
  });
  afterAll(async () => {
    await svc.close();
    await server.close();
    const store = openTenantStore(dataDir);
    if (store.get(tenantId)) await store.forget(tenantId);
    rmSync(work, { recursive: true, force: true });
  });

  it('tests a remembered Windows-account connection (secret from the keychain): NTLM, encrypted, the domain login', async () => {
    const result = await call<ConnectionTestView>(svc, 'connection.test', { dropId, tenantId, variable: 'SsisConnection' });
    expect(result).toMatchObject({ login: 'SBRH\\svc_ssis', authScheme: 'NTLM', database: 'SSISDB', encrypted: true, tlsProtocol: 'TLSv1.2', serverName: 'TDSDOUBLE' });
    noSecrets(result);
  });

  it('tests an edited value not saved yet, with #{…} evaluated from the tenant values', async () => {
    const result = await call<ConnectionTestView>(svc, 'connection.test', {
      dropId,
      tenantId,
      value: 'Server=#{SqlServer};Database=CDH_Staging;User Id=#{SqlUser};Password=#{SqlPassword};Encrypt=True;TrustServerCertificate=True',
    });
    expect(result).toMatchObject({ login: SQL.user, authScheme: 'SQL', database: 'CDH_Staging', encrypted: true });
  });

  it('explains integrated security, an untrusted certificate and a wrong password with their own codes, without the password', async () => {
    const integrated = await failure(svc, 'connection.test', { dropId, tenantId, value: 'Server=#{SsisServer};Database=SSISDB;Integrated Security=SSPI' });
    expect(integrated.code).toBe('SQL_INTEGRATED_AUTH_UNAVAILABLE');
    const untrusted = await failure(svc, 'connection.test', { dropId, tenantId, value: 'Server=#{SqlServer};User Id=#{SqlUser};Password=#{SqlPassword};Encrypt=True' });
    expect(untrusted.code).toBe('SQL_CERTIFICATE_UNTRUSTED');
    const wrong = await failure(svc, 'connection.test', { dropId, tenantId, value: `Server=#{SqlServer};User Id=#{SqlUser};Password=${SQL.password}x;TrustServerCertificate=True` });
    expect(wrong.code).toBe('SQL_LOGIN_FAILED');
    noSecrets([integrated, untrusted, wrong]);
    const missing = await failure(svc, 'connection.test', { dropId, tenantId, value: 'Server=#{NoSuchVariable};User Id=a;Password=b' });
    expect(missing.code).toBe('VARIABLE_REFERENCE_MISSING');
  });

  it('connection.resolve shows a drop default resolved, the password masked', async () => {
    const shown = await call<{ text: string; missing: string[] }>(svc, 'connection.resolve', {
      dropId,
      tenantId,
      value: 'Server=#{SqlServer};Database=#{StagingDatabase};User Id=#{SqlUser};Password=#{SqlPassword};Encrypt=True',
    });
    expect(shown.text).toBe(`Server=127.0.0.1,${server.port};Database=CDH_Staging;User Id=${SQL.user};Password=********;Encrypt=True`);
    expect(shown.missing).toEqual([]);
  });

  it('connection.resolve of a string mid-edit (a keyword without "=") still masks a password typed just now', async () => {
    const typed = 'Typed-Now!9931;x';
    const shown = await call<{ text: string; missing: string[] }>(svc, 'connection.resolve', {
      dropId,
      tenantId,
      value: `Server=#{SqlServer};User Id=SBRH\\svc;Password=${typed};TrustServerCertificate=True;Applica`,
    });
    expect(shown.text).toBe(`Server=127.0.0.1,${server.port};User Id=SBRH\\svc;Password=********`);
    expect(shown.text).not.toContain('Typed-Now');
  });
});

describe('trust.add / trust.list / trust.remove (service, a drop signed by a publisher not trusted yet)', () => {
  const work = scratchDir('dr-handlers-trust');
  const dataDir = path.join(work, 'data');
  let svc: Service;
  let dropId: string;
  const publicKeyPem = readFileSync(exampleKeyPaths().publicKeyPath, 'utf8');

  beforeAll(async () => {
    const zip = await buildSampleDrop({ outDir: work, release: '2.4.0' });
    svc = createService({ dataDir, host: 'web', secrets: createKeychainSecretStore(), findChromium: () => null });
    dropId = (await call<DropView>(svc, 'drop.open', { path: zip })).id;
  });
  afterAll(async () => {
    await svc.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a mistyped fingerprint, trusts with the right one, re-verifies the drop, lists and removes', async () => {
    const drop = await call<DropView>(svc, 'drop.get', { dropId });
    expect(drop.provenance.signature.state).toBe('unknown-publisher');
    const keyId = (drop.provenance.signature as { keyId: string }).keyId;

    const typo = await failure(svc, 'trust.add', { dropId, name: 'Contoso Health', publicKeyPem, confirmedFingerprint: keyId.replace(/.$/, (c) => (c === '0' ? '1' : '0')) });
    expect(typo.code).toBe('TRUST_FINGERPRINT_MISMATCH');
    expect(await call<TrustedPublisherView[]>(svc, 'trust.list', {})).toEqual([]);

    // Spaced and upper-case, the way a vendor's email may show it.
    const typed = keyId.toUpperCase().replace(/(....)(?!$)/g, '$1 ');
    const added = await call<{ publisher: TrustedPublisherView; drop: DropView }>(svc, 'trust.add', { dropId, name: 'Contoso Health', publicKeyPem, confirmedFingerprint: typed });
    expect(added.publisher).toMatchObject({ name: 'Contoso Health', keyId });
    expect(added.drop.provenance.signature).toEqual({ state: 'verified', publisher: 'Contoso Health', keyId });
    expect((await call<DropView>(svc, 'drop.get', { dropId })).provenance.signature.state).toBe('verified');
    expect(await call<TrustedPublisherView[]>(svc, 'trust.list', {})).toEqual([{ name: 'Contoso Health', keyId, added: expect.any(String) }]);

    const again = await failure(svc, 'trust.add', { dropId, name: 'Contoso Health', publicKeyPem, confirmedFingerprint: keyId });
    expect(again.code).toBe('TRUST_NOT_NEEDED');
    await call(svc, 'trust.remove', { keyId });
    expect(await call<TrustedPublisherView[]>(svc, 'trust.list', {})).toEqual([]);
  });
});
