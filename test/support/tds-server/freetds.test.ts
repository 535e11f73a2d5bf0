import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTdsServer, type TdsServer } from './index';

const TSQL = '/usr/bin/tsql';
const haveTsql = existsSync(TSQL);

/** Runs FreeTDS tsql with the script on stdin (async: the double runs in this process). */
function runTsql(port: number, user: string, password: string, script: string, tdsVersion?: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSQL, ['-H', '127.0.0.1', '-p', String(port), '-U', user, '-P', password], {
      env: { ...process.env, ...(tdsVersion ? { TDSVER: tdsVersion } : {}), FREETDSCONF: '/dev/null' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.stdin.end(script);
  });
}

describe.skipIf(!haveTsql)(`FreeTDS tsql against the TDS double${haveTsql ? '' : ' (skipped: /usr/bin/tsql not installed; apt-get install freetds-bin)'}`, () => {
  let server: TdsServer;

  beforeEach(async () => {
    server = await startTdsServer({ logins: [{ user: 'sa', password: 'Tsql!pw1' }] });
    server.addResponder({ sql: 'dbo.Wards', respond: { columns: [{ name: 'Id', type: 'int' }, { name: 'Ward', type: 'nvarchar(50)' }], rows: [[1, 'Cardiology'], [2, 'Radiology']] } });
  });

  afterEach(async () => {
    await server.close();
  });

  for (const version of ['7.4', undefined]) {
    it(`logs in and runs a query (TDSVER=${version ?? 'auto'})`, async () => {
      const { out } = await runTsql(server.port, 'sa', 'Tsql!pw1', 'SELECT Id, Ward FROM dbo.Wards\ngo\nexit\n', version);
      expect(out).toContain('Cardiology');
      expect(out).toContain('Radiology');
      expect(out).toContain('(2 rows affected)');
      expect(server.recordsOf('login')[0]).toMatchObject({ success: true, authKind: 'sql', user: 'sa' });
      expect(server.recordsOf('batch').map((b) => b.text.trim())).toContain('SELECT Id, Ward FROM dbo.Wards');
    });
  }

  it('is refused with a wrong password', async () => {
    const { out } = await runTsql(server.port, 'sa', 'nope', 'SELECT 1\ngo\nexit\n', '7.4');
    expect(out).toMatch(/Login failed for user 'sa'/);
    expect(server.recordsOf('login')[0]).toMatchObject({ success: false, errorNumber: 18456 });
  });
});
