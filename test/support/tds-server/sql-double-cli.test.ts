import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import sql from 'mssql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from './scenario';

const repo = resolve(__dirname, '../../..');
let dir: string;
let bundle: string;

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  return { child, output: () => out, exited };
}

async function waitFor(check: () => RegExpMatchArray | null, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  const start = Date.now();
  for (;;) {
    const m = check();
    if (m) return m;
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for the sql-double output');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('scripts/sql-double.ts (standalone double)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sql-double-'));
    // Bundled inside the checkout so the external packages (zod) resolve from node_modules.
    bundle = join(repo, '.tmp', `sql-double-test-${process.pid}.mjs`);
    await build({ entryPoints: [join(repo, 'scripts/sql-double.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundle, logLevel: 'silent' });
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(bundle, { force: true });
  });

  it('listens on 127.0.0.1, serves a scenario, records to a file and stops on SIGTERM', async () => {
    const scenario = join(dir, 'scenario.json');
    const record = join(dir, 'records.jsonl');
    writeFileSync(
      scenario,
      JSON.stringify({
        responders: [{ procedure: 'catalog.create_folder', respond: { output: { folder_id: 12 }, returnStatus: 0 } }],
        tables: [{ name: 'dbo.SchemaVersions', columns: [{ name: 'Id', type: 'int', identity: true }, { name: 'ScriptName', type: 'nvarchar(255)' }], rows: [{ ScriptName: 'seed.sql' }] }],
      }),
    );
    const p = run(['--port', '0', '--record', record, '--scenario', scenario, '--login', 'sa:pw:with:colons', '--windows-user', 'HOSP\\dep:pw2']);
    const m = await waitFor(() => /TDS double listening on 127\.0\.0\.1:(\d+)/.exec(p.output()));
    const pool = await new sql.ConnectionPool({ server: '127.0.0.1', port: Number(m[1]), user: 'sa', password: 'pw:with:colons', options: { encrypt: false } }).connect();
    try {
      const folder = await pool.request().input('folder_name', sql.NVarChar(128), 'F').output('folder_id', sql.BigInt).execute('catalog.create_folder');
      expect(folder.output.folder_id).toBe('12');
      expect((await pool.request().query('SELECT ScriptName FROM dbo.SchemaVersions')).recordset).toEqual([{ ScriptName: 'seed.sql' }]);
    } finally {
      await pool.close();
    }
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const kinds = readFileSync(record, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds).toContain('login');
    expect(kinds).toContain('rpc');
  });

  it('--tls makes a certificate at start, writes it to a file, and serves Encrypt=True clients that trust it', async () => {
    const p = run(['--port', '0', '--tls', '--login', 'sa:Tls!pw']);
    const m = await waitFor(() => /TDS double listening on 127\.0\.0\.1:(\d+)[\s\S]*TLS on: self-signed certificate (\S+) written to (\S+)/.exec(p.output()));
    const pem = readFileSync(m[3]!, 'utf8');
    expect(new X509Certificate(pem).fingerprint256).toBe(m[2]);
    const pool = await new sql.ConnectionPool({
      server: '127.0.0.1',
      port: Number(m[1]),
      user: 'sa',
      password: 'Tls!pw',
      options: { encrypt: true, trustServerCertificate: false, cryptoCredentialsDetails: { ca: pem } } as sql.config['options'],
    }).connect();
    try {
      expect((await pool.request().query('SELECT SUSER_SNAME() AS who')).recordset).toEqual([{ who: 'sa' }]);
    } finally {
      await pool.close();
    }
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('exits 2 with a coded error for bad flags and bad scenarios', async () => {
    const badPort = run(['--port', 'abc']);
    expect(await badPort.exited).toBe(2);
    expect(badPort.output()).toMatch(/^error SQL_DOUBLE_USAGE: --port abc is not a TCP port\nhint: /);
    const badLogin = run(['--login', 'secretless']);
    expect(await badLogin.exited).toBe(2);
    const scenario = join(dir, 'bad.json');
    writeFileSync(scenario, JSON.stringify({ responders: [{ sql: 'x', respond: { rowCount: 'many' } }] }));
    const badScenario = run(['--scenario', scenario]);
    expect(await badScenario.exited).toBe(2);
    expect(badScenario.output()).toContain('scenario field responders.0.respond.rowCount');
  });
});

describe('scenario parsing', () => {
  it('turns base64 and regex spellings into Buffers and RegExps', () => {
    const s = parseScenario({ responders: [{ sql: { regex: '^select', flags: 'i' }, respond: { rows: [{ b: { base64: 'AQI=' } }] } }] });
    const r = s.options.responders![0]!;
    expect(r.sql).toEqual(/^select/i);
    expect((r.respond as { rows: Array<Record<string, unknown>> }).rows[0]!.b).toEqual(Buffer.from([1, 2]));
  });
});
