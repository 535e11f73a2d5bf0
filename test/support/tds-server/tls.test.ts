import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import sql from 'mssql';
import { afterEach, describe, expect, it } from 'vitest';
import { startTdsServer, type TdsServer } from './index';

const SA = { user: 'sa', password: 'Tls!pw-1' };
const WIN = { domain: 'HOSPITAL', user: 'deployer', password: 'W1n!pw' };

function config(server: TdsServer, options: sql.config['options'], extra: Partial<sql.config> = {}): sql.config {
  return {
    server: '127.0.0.1',
    port: server.port,
    user: SA.user,
    password: SA.password,
    database: 'AppDb',
    connectionTimeout: 10_000,
    pool: { max: 1, min: 0 },
    options,
    ...extra,
  };
}

/** What the session reports about itself, through the double's statement engine. */
async function whoAmI(pool: sql.ConnectionPool): Promise<Record<string, unknown>> {
  const r = await pool.request().query(
    "SELECT @@SERVERNAME AS server_name, CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version, SUSER_SNAME() AS login_name, DB_NAME() AS database_name, CAST(CONNECTIONPROPERTY('auth_scheme') AS nvarchar(40)) AS auth_scheme",
  );
  return r.recordset[0] as Record<string, unknown>;
}

describe('TLS in the TDS double with the real mssql driver', () => {
  let server: TdsServer;
  let pool: sql.ConnectionPool | undefined;

  afterEach(async () => {
    await pool?.close().catch(() => undefined);
    pool = undefined;
    await server?.close();
  });

  it('Encrypt=True with TrustServerCertificate=True: the login and every request travel inside TLS', async () => {
    server = await startTdsServer({ logins: [SA], tls: true });
    pool = await new sql.ConnectionPool(config(server, { encrypt: true, trustServerCertificate: true })).connect();
    expect(await whoAmI(pool)).toEqual({ server_name: 'TDSDOUBLE', product_version: '16.0.1000.6', login_name: 'sa', database_name: 'AppDb', auth_scheme: 'SQL' });
    const logins = server.recordsOf('login');
    expect(logins.length).toBeGreaterThan(0);
    for (const l of logins) expect(l).toMatchObject({ success: true, encryption: 'tls' });
    expect(server.connections.filter((c) => c.loggedIn).every((c) => c.encryption === 'tls')).toBe(true);
  });

  it('Encrypt=True with TrustServerCertificate=False: refused with a certificate error and no login', async () => {
    server = await startTdsServer({ logins: [SA], tls: true });
    const error = await new sql.ConnectionPool(config(server, { encrypt: true, trustServerCertificate: false })).connect().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/self[- ]signed certificate/i);
    expect(server.recordsOf('login')).toEqual([]);
  });

  it('Encrypt=True with the certificate given as a trusted CA: verified, host name checked against 127.0.0.1', async () => {
    server = await startTdsServer({ logins: [SA], tls: true });
    pool = await new sql.ConnectionPool(
      config(server, { encrypt: true, trustServerCertificate: false, cryptoCredentialsDetails: { ca: server.certificatePem } } as sql.config['options']),
    ).connect();
    expect((await whoAmI(pool)).login_name).toBe('sa');
    expect(server.certificateFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('Encrypt=strict (TDS 8): TLS before PRELOGIN, ALPN tds/8.0; the certificate is always verified', async () => {
    server = await startTdsServer({ logins: [SA], tls: true });
    // tedious ignores TrustServerCertificate under strict, as the TDS 8 rules say: without the CA it is refused.
    const refused = await new sql.ConnectionPool(config(server, { encrypt: 'strict' as unknown as boolean, trustServerCertificate: true })).connect().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(refused?.message).toMatch(/self[- ]signed certificate/i);
    pool = await new sql.ConnectionPool(
      config(server, { encrypt: 'strict' as unknown as boolean, cryptoCredentialsDetails: { ca: server.certificatePem } } as sql.config['options']),
    ).connect();
    expect((await whoAmI(pool)).database_name).toBe('AppDb');
    expect(server.recordsOf('login')[0]).toMatchObject({ success: true, encryption: 'strict', tdsVersion: expect.any(String) });
  });

  it('Encrypt=False against a TLS-capable server: clear text, recorded as such', async () => {
    server = await startTdsServer({ logins: [SA], tls: true });
    pool = await new sql.ConnectionPool(config(server, { encrypt: false })).connect();
    expect((await whoAmI(pool)).login_name).toBe('sa');
    expect(server.recordsOf('login')[0]).toMatchObject({ success: true, encryption: 'none' });
  });

  it('Encrypt=False against a server that requires encryption: the driver says so (EENCRYPT)', async () => {
    server = await startTdsServer({ logins: [SA], tls: 'required' });
    const error = await new sql.ConnectionPool(config(server, { encrypt: false })).connect().then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error?.code).toBe('EENCRYPT');
  });

  it('NTLM (DOMAIN\\user + password) inside TLS, and a wrong password still fails as a login error', async () => {
    server = await startTdsServer({ windowsUsers: [WIN], tls: true });
    pool = await new sql.ConnectionPool(
      config(server, { encrypt: true, trustServerCertificate: true }, { user: WIN.user, password: WIN.password, domain: WIN.domain }),
    ).connect();
    expect(await whoAmI(pool)).toMatchObject({ login_name: 'HOSPITAL\\deployer', auth_scheme: 'NTLM' });
    await pool.close();
    pool = undefined;
    const error = await new sql.ConnectionPool(config(server, { encrypt: true, trustServerCertificate: true }, { user: WIN.user, password: 'wrong', domain: WIN.domain }))
      .connect()
      .then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
    expect(error?.code).toBe('ELOGIN');
    expect(server.recordsOf('login').at(-1)).toMatchObject({ success: false, errorNumber: 18452, encryption: 'tls' });
  });

  it('a large result comes back intact through TLS records split across TDS packets', async () => {
    server = await startTdsServer({ logins: [SA], tls: true });
    const rows = Array.from({ length: 2000 }, (_, i) => [i, `ward ${i} ${'x'.repeat(200)}`]);
    server.addResponder({ sql: 'dbo.Wards', respond: { columns: [{ name: 'Id', type: 'int' }, { name: 'Name', type: 'nvarchar(max)' }], rows } });
    pool = await new sql.ConnectionPool(config(server, { encrypt: true, trustServerCertificate: true })).connect();
    const r = await pool.request().query('SELECT Id, Name FROM dbo.Wards');
    expect(r.recordset).toHaveLength(2000);
    expect(r.recordset[1999]).toEqual({ Id: 1999, Name: `ward 1999 ${'x'.repeat(200)}` });
  });
});

const TSQL = '/usr/bin/tsql';
const haveTsql = existsSync(TSQL);

describe.skipIf(!haveTsql)(`FreeTDS tsql with TLS${haveTsql ? '' : ' (skipped: /usr/bin/tsql not installed; apt-get install freetds-bin)'}`, () => {
  let server: TdsServer;
  afterEach(async () => server?.close());

  /** FreeTDS's `encryption` setting through a freetds.conf of our own: require = ENCRYPT_ON (whole session); request = ENCRYPT_OFF, which a TLS-capable server answers with login-only TLS. */
  function runTsql(encryption: 'require' | 'request', dir: string): Promise<string> {
    return new Promise((resolve) => {
      const conf = `${dir}/freetds.conf`;
      writeFileSync(conf, `[double]\n  host = 127.0.0.1\n  port = ${server.port}\n  tds version = 7.4\n  encryption = ${encryption}\n`);
      const child = spawn(TSQL, ['-S', 'double', '-U', SA.user, '-P', SA.password], { env: { ...process.env, FREETDSCONF: conf } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(out);
      });
      child.stdin.end('SELECT SUSER_SNAME() AS who\ngo\nexit\n');
    });
  }

  for (const [encryption, expected] of [
    ['require', 'tls'],
    ['request', 'login-only'],
  ] as const) {
    it(`encryption = ${encryption} → ${expected}`, async () => {
      server = await startTdsServer({ logins: [SA], tls: true });
      const dir = mkdtempSync(`${tmpdir()}/tsql-tls-`);
      const out = await runTsql(encryption, dir);
      expect(server.recordsOf('login')[0]).toMatchObject({ success: true, encryption: expected });
      expect(out).toContain('sa');
      expect(out).toContain('(1 row affected)');
    });
  }
});
