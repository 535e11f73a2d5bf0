import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/main';
import { runDropRunner } from '../../support/run-cli';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';

const SQL_PASSWORD = 'Sq1-Test;pw="x"';
const WIN_PASSWORD = 'W1n-Test-pw!';
const SA = { user: 'deploy', password: SQL_PASSWORD };
const WIN = { domain: 'HOSPITAL', user: 'svc_ssis', password: WIN_PASSWORD };
const quoted = (v: string) => `"${v.replace(/"/g, '""')}"`;

let server: TdsServer;
const dir = mkdtempSync(path.join(tmpdir(), 'dr-sql-test-'));

beforeAll(async () => {
  server = await startTdsServer({ logins: [SA], windowsUsers: [WIN], ntlmDomain: WIN.domain, databases: ['master', 'CDH_Staging', 'SSISDB'], tls: true, serverName: 'SQL-DOUBLE-01' });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sqlTest(connection: string, extraArgs: string[] = ['--connection-stdin']) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['sql', 'test', ...extraArgs], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdin: Readable.from([Buffer.from(connection)]) });
  // No run may show a password, whatever happened.
  for (const secret of [SQL_PASSWORD, WIN_PASSWORD, 'Sq1-Test']) {
    expect(stdout).not.toContain(secret);
    expect(stderr).not.toContain(secret);
  }
  return { code, stdout, stderr };
}

const sqlConn = (extra: string, password = SQL_PASSWORD) => `Server=127.0.0.1,${server.port};Database=CDH_Staging;User Id=${SA.user};Password=${quoted(password)};${extra}`;

describe('drop-runner sql test --connection-stdin (TDS double with --tls)', () => {
  it('logs in and reports server, version, login, database, authentication and TLS', async () => {
    const run = await sqlTest(sqlConn('Encrypt=True;TrustServerCertificate=True'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^server +SQL-DOUBLE-01 \(SQL Server 16\.0\.1000\.6\)$/m);
    expect(run.stdout).toMatch(/^login +deploy$/m);
    expect(run.stdout).toMatch(/^database +CDH_Staging$/m);
    expect(run.stdout).toMatch(/^auth +SQL$/m);
    expect(run.stdout).toMatch(/^encrypted +yes \(TLSv1\.2\)$/m);
    expect(server.recordsOf('login').at(-1)).toMatchObject({ success: true, encryption: 'tls', user: 'deploy' });
  });

  it('--json gives the same facts; Encrypt=False reports encrypted false', async () => {
    const encrypted = JSON.parse((await sqlTest(sqlConn('Encrypt=True;TrustServerCertificate=True'), ['--connection-stdin', '--json'])).stdout);
    expect(encrypted).toEqual({
      ok: true,
      result: { target: expect.stringContaining('127.0.0.1'), serverName: 'SQL-DOUBLE-01', productVersion: '16.0.1000.6', login: 'deploy', database: 'CDH_Staging', authScheme: 'SQL', encrypted: true, tlsProtocol: 'TLSv1.2' },
    });
    const clear = JSON.parse((await sqlTest(sqlConn('Encrypt=False'), ['--connection-stdin', '--json'])).stdout);
    expect(clear.result).toMatchObject({ encrypted: false, login: 'deploy' });
    expect(clear.result.tlsProtocol).toBeUndefined();
  });

  it('a Windows account (DOMAIN\\user + password, NTLM) reports auth NTLM and the domain login', async () => {
    const run = await sqlTest(`Server=127.0.0.1,${server.port};Database=SSISDB;Integrated Security=SSPI;User Id=${WIN.domain}\\${WIN.user};Password=${WIN_PASSWORD};TrustServerCertificate=True`, ['--connection-stdin', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).result).toMatchObject({ login: 'HOSPITAL\\svc_ssis', authScheme: 'NTLM', database: 'SSISDB', encrypted: true });
  });

  it('a wrong password: error SQL_LOGIN_FAILED with a hint, exit 3', async () => {
    const run = await sqlTest(sqlConn('TrustServerCertificate=True', 'Sq1-Test-wrong'));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error SQL_LOGIN_FAILED: Login to 127\.0\.0\.1,\d+ \/ CDH_Staging \(SQL login deploy, encrypt mandatory\) failed: Login failed for user 'deploy'\.\nhint: Check the SQL login name and password/);
  });

  it('a database that does not exist: error SQL_DATABASE_UNAVAILABLE, exit 3', async () => {
    const run = await sqlTest(sqlConn('TrustServerCertificate=True').replace('CDH_Staging', 'CDH_Nope'));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error SQL_DATABASE_UNAVAILABLE: .*\nhint: The database does not exist or the login may not open it/);
  });

  it('an untrusted certificate (Encrypt=True, TrustServerCertificate=False): error SQL_CERTIFICATE_UNTRUSTED, exit 3, no login sent', async () => {
    const before = server.recordsOf('login').length;
    const run = await sqlTest(sqlConn('Encrypt=True;TrustServerCertificate=False'), ['--connection-stdin', '--json']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error SQL_CERTIFICATE_UNTRUSTED: .*self[- ]signed certificate.*\nhint: The server's TLS certificate is not trusted/);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: { code: 'SQL_CERTIFICATE_UNTRUSTED', details: { reason: 'certificate-untrusted' } } });
    expect(server.recordsOf('login').length).toBe(before);
  });

  it('an unreachable server: error SQL_UNREACHABLE, exit 3', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const run = await sqlTest(`Server=127.0.0.1,${port};User Id=deploy;Password=${quoted(SQL_PASSWORD)}`);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error SQL_UNREACHABLE: Cannot connect to .*\nhint: Nothing listens on that port/);
  });

  it('refuses the string on the command line, a missing --connection-stdin, empty input and templates (exit 2)', async () => {
    const onArgs = await sqlTest('', ['Server=x;User Id=a;Password=b']);
    expect(onArgs.code).toBe(2);
    expect(onArgs.stderr).toMatch(/^error INVALID_ARGUMENTS: The connection string is not taken from the command line\./);
    expect((await sqlTest('Server=x;User Id=a;Password=b', [])).stderr).toMatch(/--connection-stdin/);
    expect((await sqlTest('\n')).code).toBe(2);
    const template = await sqlTest('Server=#{SqlServer};User Id=a;Password=b');
    expect(template.code).toBe(2);
    expect(template.stderr).toMatch(/^error SQL_SETTINGS_INVALID: .*#\{…\}/);
    const noUser = await sqlTest('Server=127.0.0.1;Integrated Security=SSPI');
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toMatch(/^error SQL_INTEGRATED_AUTH_UNAVAILABLE: .*\nhint: Choose "Windows account"/);
  });

  it('the built CLI verifies the certificate when this machine trusts it (NODE_EXTRA_CA_CERTS), TrustServerCertificate=False', async () => {
    const ca = path.join(dir, 'double-ca.pem');
    writeFileSync(ca, server.certificatePem!);
    const run = await runDropRunner(['sql', 'test', '--connection-stdin', '--json'], { input: sqlConn('Encrypt=True;TrustServerCertificate=False'), env: { NODE_EXTRA_CA_CERTS: ca } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).result).toMatchObject({ encrypted: true, login: 'deploy' });
    expect(run.stdout + run.stderr).not.toContain(SQL_PASSWORD);
  });
});
