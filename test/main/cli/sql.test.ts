import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess, type InProcessRun } from '../../support/cli-in-process';

const dir = mkdtempSync(path.join(tmpdir(), 'dr-sql-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]): Promise<InProcessRun> => runCliInProcess(args);

describe('drop-runner sql batches', () => {
  const script = path.join(dir, 'deploy.sql');
  writeFileSync(script, 'CREATE TABLE #t (id int)\r\nGO\r\n\r\nINSERT #t VALUES ($(n))\r\nGO 3 -- thrice\r\nSELECT * FROM $(Db).dbo.t\r\n');

  it('prints every batch with its first and last line and repeat count', async () => {
    const run = await cli(['sql', 'batches', script, '--var', 'n=7', '--var', 'Db=Hosp']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^batch +1 +lines deploy\.sql:1-1 +repeat 1 +CREATE TABLE #t/);
    expect(lines[1]).toMatch(/^batch +2 +lines deploy\.sql:4-4 +repeat 3 +INSERT #t VALUES \(7\)/);
    expect(lines[2]).toMatch(/^batch +3 +lines deploy\.sql:6-6 +repeat 1 +SELECT \* FROM Hosp\.dbo\.t/);
    expect(lines.at(-1)).toBe('3 batches (utf-8)');
  });

  it('--json gives the batches with text', async () => {
    const run = await cli(['sql', 'batches', script, '--var', 'n=1', '--var', 'db=X', '--json']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.batchCount).toBe(3);
    expect(json.batches[1]).toMatchObject({ index: 2, firstLine: 4, lastLine: 4, repeat: 3, text: 'INSERT #t VALUES (1)' });
  });

  it('an undefined variable exits 2 naming it', async () => {
    const run = await cli(['sql', 'batches', script, '--var', 'n=1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error SQL_UNDEFINED_VARIABLE: .*\$\(Db\).*line 6/);
    expect(run.stderr).toContain('hint: ');
  });

  it('bad usage, a malformed --var and a missing file exit 2', async () => {
    expect((await cli(['sql', 'frob', script])).code).toBe(2);
    expect((await cli(['sql', 'batches'])).code).toBe(2);
    const badVar = await cli(['sql', 'batches', script, '--var', 'novalue']);
    expect(badVar.code).toBe(2);
    expect(badVar.stderr).toContain('error INVALID_ARGUMENTS');
    const missing = await cli(['sql', 'batches', path.join(dir, 'nope.sql')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error SQL_SCRIPT_UNREADABLE');
  });
});
