/**
 * `drop-runner tenant …` through the real CLI entry (runCli), in process. The keychain-down and
 * locked cases run in child processes in test/main/tenants/keychain-failures.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import { filesContaining, keyringAvailable, keyringSkipMessage, scratchDir, uniqueSecret } from '../tenants/tenant-test-support';
import { runCliInProcess, type InProcessRun } from '../../support/cli-in-process';

const cli = (dataDir: string, args: string[], input = ''): Promise<InProcessRun> => runCliInProcess(args, { dataDir, input });

const passFile = (dir: string, pass = 'correct horse battery staple\n') => {
  const f = path.join(dir, 'passphrase.txt');
  writeFileSync(f, pass);
  return f;
};

describe('tenant command (no secrets involved)', () => {
  it('set, list, show --json with status and source', async () => {
    const dir = scratchDir('cli-plain');
    expect((await cli(dir, ['tenant', 'list'])).stdout).toContain('No tenants are remembered');
    const set = await cli(dir, ['tenant', 'set', 'st-marys', 'DbServer=sql01', 'Empty=', 'Url=https://x/?a=b', '--name', "St Mary's"]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('Remembered DbServer for tenant st-marys (in settings)');
    const list = await cli(dir, ['tenant', 'list']);
    expect(list.stdout).toMatch(/st-marys\s+St Mary's\s+-\s+-\s+3\s+0/);
    const show = await cli(dir, ['tenant', 'show', 'st-marys', '--json']);
    expect(show.code).toBe(0);
    const parsed = JSON.parse(show.stdout);
    expect(parsed).toMatchObject({ id: 'st-marys', name: "St Mary's", lastRelease: null, history: [] });
    expect(parsed.variables).toEqual([
      expect.objectContaining({ name: 'DbServer', status: 'remembered', source: 'remembered', value: 'sql01', sensitive: false }),
      expect.objectContaining({ name: 'Empty', value: '' }),
      expect.objectContaining({ name: 'Url', value: 'https://x/?a=b' }),
    ]);
    const text = await cli(dir, ['tenant', 'show', 'st-marys']);
    expect(text.stdout).toMatch(/DbServer\s+remembered\s+remembered\s+sql01/);
  });

  it('show after a deployment: statuses against the last release, values not in it listed as removed', async () => {
    const dir = scratchDir('cli-deployed');
    const store = openTenantStore(dir);
    await store.saveValues('st-marys', [{ name: 'DbServer', value: 'sql01' }, { name: 'Old', value: 'x' }], { remember: true });
    store.recordDeployment('st-marys', {
      deploymentId: 'd1',
      release: { version: '2.4.0' },
      dropId: 'drop-1',
      outcome: 'succeeded',
      at: '2026-05-01T00:00:00.000Z',
      templates: [
        { name: 'DbServer', label: 'Database server', type: 'text', required: true, sensitive: false },
        { name: 'Port', label: 'Port', type: 'number', required: false, sensitive: false, default: '1433' },
        { name: 'SmtpHost', label: 'SMTP host', type: 'text', required: true, sensitive: false },
      ],
    });
    const parsed = JSON.parse((await cli(dir, ['tenant', 'show', 'st-marys', '--json'])).stdout);
    expect(parsed.lastRelease).toEqual({ version: '2.4.0', at: '2026-05-01T00:00:00.000Z', deploymentId: 'd1' });
    expect(parsed.variables.map((v: Record<string, unknown>) => [v.name, v.status, v.source, v.value])).toEqual([
      ['DbServer', 'remembered', 'remembered', 'sql01'],
      ['Port', 'unchanged', 'drop-default', '1433'],
      ['SmtpHost', 'missing-required', 'none', null],
      ['Old', 'removed', 'remembered', 'x'],
    ]);
    expect(parsed.history).toEqual([{ deploymentId: 'd1', release: '2.4.0', outcome: 'succeeded', at: '2026-05-01T00:00:00.000Z', dropId: 'drop-1' }]);
    const forget = await cli(dir, ['tenant', 'forget', 'st-marys', '--var', 'Old']);
    expect(forget.code).toBe(0);
    expect(JSON.parse((await cli(dir, ['tenant', 'show', 'st-marys', '--json'])).stdout).variables).toHaveLength(3);
  });

  it('usage and lookup errors exit 2 with a code and a hint', async () => {
    const dir = scratchDir('cli-errors');
    const cases: Array<[string[], string]> = [
      [['tenant'], 'INVALID_ARGUMENTS'],
      [['tenant', 'frobnicate'], 'INVALID_ARGUMENTS'],
      [['tenant', 'show'], 'INVALID_ARGUMENTS'],
      [['tenant', 'set', 'st-marys'], 'INVALID_ARGUMENTS'],
      [['tenant', 'set', 'st-marys', '=x'], 'INVALID_ARGUMENTS'],
      [['tenant', 'set', '../evil', 'A=1'], 'TENANT_ID_INVALID'],
      [['tenant', 'show', 'nobody'], 'TENANT_NOT_FOUND'],
      [['tenant', 'forget', 'nobody'], 'TENANT_NOT_FOUND'],
      [['tenant', 'export', 'nobody'], 'INVALID_ARGUMENTS'],
      [['tenant', 'import', path.join(dir, 'missing.drt')], 'TENANT_IMPORT_UNREADABLE'],
    ];
    for (const [args, code] of cases) {
      const r = await cli(dir, args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^error ${code}: .+\\nhint: .+`, 'm'));
    }
    await cli(dir, ['tenant', 'set', 'st-marys', 'A=1']);
    const r = await cli(dir, ['tenant', 'forget', 'st-marys', '--var', 'Nope']);
    expect(r.stderr).toMatch(/^error VARIABLE_NOT_FOUND: /);
  });

  it('export then import with --passphrase-file or a piped passphrase; the diff is shown before applying', async () => {
    const a = scratchDir('cli-a');
    const b = scratchDir('cli-b');
    await cli(a, ['tenant', 'set', 'st-marys', 'DbServer=sql01', 'Port=1433', '--name', "St Mary's"]);
    const out = path.join(a, 'st-marys.drt');
    const exp = await cli(a, ['tenant', 'export', 'st-marys', '--out', out, '--passphrase-file', passFile(a)]);
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stdout).toContain('secrets NOT included');
    // A second export to the same file is refused unless --overwrite says so; the first file stays.
    const before = readFileSync(out);
    const again = await cli(a, ['tenant', 'export', 'st-marys', '--out', out, '--passphrase-file', passFile(a)]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/^error TENANT_EXPORT_EXISTS: .+\nhint: .*--overwrite/m);
    expect(readFileSync(out).equals(before)).toBe(true);
    const replaced = await cli(a, ['tenant', 'export', 'st-marys', '--out', out, '--overwrite', '--passphrase-file', passFile(a)]);
    expect(replaced.code, replaced.stderr).toBe(0);

    // Declined at the prompt: exit 130, nothing imported.
    const declined = await cli(b, ['tenant', 'import', out], 'correct horse battery staple\nn\n');
    expect(declined.code).toBe(130);
    expect(declined.stdout).toMatch(/DbServer\s+added\s+value/);
    expect(declined.stderr).toContain('Apply this import? [y/N]');
    expect((await cli(b, ['tenant', 'list'])).stdout).toContain('No tenants');

    // Wrong passphrase: exit 2, nothing imported.
    const wrong = await cli(b, ['tenant', 'import', out, '--yes'], 'Correct horse battery staple\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^error TENANT_IMPORT_BAD_PASSPHRASE: /m);

    // Truncated: exit 2, nothing imported.
    const cut = path.join(b, 'cut.drt');
    writeFileSync(cut, readFileSync(out).subarray(0, 100));
    const damaged = await cli(b, ['tenant', 'import', cut, '--yes', '--passphrase-file', passFile(b)]);
    expect(damaged.stderr).toMatch(/^error TENANT_IMPORT_DAMAGED: /m);
    expect((await cli(b, ['tenant', 'list'])).stdout).toContain('No tenants');

    const ok = await cli(b, ['tenant', 'import', out], 'correct horse battery staple\ny\n');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Imported tenant st-marys: 2 value(s) applied.');
    expect(JSON.parse((await cli(b, ['tenant', 'show', 'st-marys', '--json'])).stdout).variables.map((v: { value: string }) => v.value)).toEqual(['sql01', '1433']);
  });

  it('export refuses a short passphrase and an empty passphrase file', async () => {
    const a = scratchDir('cli-weak');
    await cli(a, ['tenant', 'set', 't1', 'A=1']);
    const weak = await cli(a, ['tenant', 'export', 't1', '--out', path.join(a, 'x.drt'), '--passphrase-file', passFile(a, 'short\n')]);
    expect(weak.stderr).toMatch(/^error TENANT_EXPORT_PASSPHRASE_WEAK: /m);
    const empty = await cli(a, ['tenant', 'export', 't1', '--out', path.join(a, 'x.drt'), '--passphrase-file', passFile(a, '\n')]);
    expect(empty.stderr).toMatch(/^error PASSPHRASE_EMPTY: /m);
    const eof = await cli(a, ['tenant', 'export', 't1', '--out', path.join(a, 'x.drt')]);
    expect(eof.code).toBe(130);
    expect(existsSync(path.join(a, 'x.drt'))).toBe(false);
  });
});

describe.skipIf(!keyringAvailable)('tenant command with secrets (real keychain)', () => {
  const dirs = [scratchDir('cli-kr-a'), scratchDir('cli-kr-b')];
  const used: string[] = [];
  const outputs: string[] = [];
  const run = async (dir: string, args: string[], input = '') => {
    const r = await cli(dir, args, input);
    outputs.push(r.stdout + r.stderr);
    return r;
  };
  afterAll(async () => {
    for (const d of dirs) {
      const s = openTenantStore(d);
      for (const t of s.list()) await s.forget(t.id);
      expect(filesContaining(d, used)).toEqual([]);
    }
    for (const o of outputs) for (const s of used) expect(o).not.toContain(s);
  });

  it('set --secret (typed or prompted), show masks, export with secrets, forget, import --yes restores', async () => {
    const [a, b] = dirs as [string, string];
    const id = `cli-${process.pid}`;
    const pw = uniqueSecret('cli');
    const prompted = uniqueSecret('prompted');
    used.push(pw, prompted);
    expect((await run(a, ['tenant', 'set', id, `DbPassword=${pw}`, '--secret'])).code).toBe(0);
    const ask = await run(a, ['tenant', 'set', id, 'ApiKey', '--secret'], `${prompted}\n`);
    expect(ask.code, ask.stderr).toBe(0);
    expect(ask.stderr).toContain('Value of ApiKey (not echoed): ');
    await run(a, ['tenant', 'set', id, 'DbServer=sql01']);

    const shown = JSON.parse((await run(a, ['tenant', 'show', id, '--json'])).stdout);
    expect(shown.variables.map((v: Record<string, unknown>) => [v.name, v.value, v.sensitive])).toEqual([
      ['ApiKey', '********', true],
      ['DbPassword', '********', true],
      ['DbServer', 'sql01', false],
    ]);

    const file = path.join(a, 'with-secrets.drt');
    const exp = await run(a, ['tenant', 'export', id, '--out', file, '--include-secrets', '--passphrase-file', passFile(a)]);
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stdout).toContain('2 secret(s) included');
    expect(readFileSync(file).includes(Buffer.from(pw))).toBe(false);

    const forgot = await run(a, ['tenant', 'forget', id]);
    expect(forgot.stdout).toContain('2 keychain secret(s) removed');

    const imp = await run(b, ['tenant', 'import', file, '--yes'], 'correct horse battery staple\n');
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/ApiKey\s+added\s+secret/);
    const store = openTenantStore(b);
    expect(await store.revealSecret(id, 'DbPassword')).toBe(pw);
    expect(await store.revealSecret(id, 'ApiKey')).toBe(prompted);
  });
});

if (!keyringAvailable) {
  console.warn(keyringSkipMessage);
  describe('tenant command with secrets (real keychain)', () => {
    it.skip(keyringSkipMessage, () => undefined);
  });
}
