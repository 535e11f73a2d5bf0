/**
 * The keychain is missing, empty or locked: every case runs in a child process with its own D-Bus
 * session (or none). Where a case is about the Secret Service itself, the child is pinned to it
 * (DROP_RUNNER_KEYCHAIN=secret-service) so it cannot fall back to the kernel keyring; a locked
 * Secret Service is tested unpinned, because that must never fall back. Each must end in a coded
 * SECRETS_UNAVAILABLE with a hint, a normal exit (3 for the CLI) and a process that kept running;
 * commands that need no secret must still work. These tests build their own sessions, so they need
 * dbus-run-session and gnome-keyring-daemon but not the outer with-keyring.sh session.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChildren, filesContaining, lockedKeyringWrap, removeChildren, runNode, scratchDir, sessionToolsAvailable, uniqueSecret, writeNoProviderBusConfig, type Children } from './tenant-test-support';

interface DriverLine {
  ok?: boolean;
  info?: { backend: string; lasting: boolean };
  alive?: boolean;
  tenants?: number;
  error?: { code: string; message: string; hint: string; details?: Record<string, unknown> };
}
/** The driver prints exactly two JSON lines: the result, then proof of life. */
/** What the step runner reports for each command it ran inside the session. */
interface StepResult {
  status: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** A tiny program that runs `node <argv…>` for each step, in order, and prints all results as JSON. */
function writeStepRunner(dir: string): string {
  const file = path.join(dir, 'run-steps.cjs');
  writeFileSync(
    file,
    `const { spawnSync } = require('node:child_process');
const steps = JSON.parse(process.argv[2]);
const results = steps.map((argv) => {
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', input: '', timeout: 60000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
});
process.stdout.write(JSON.stringify(results));
`,
  );
  return file;
}

const lines = (stdout: string): [DriverLine, DriverLine] => {
  const parsed = stdout.trim().split('\n').map((l) => JSON.parse(l) as DriverLine);
  expect(parsed).toHaveLength(2);
  return [parsed[0]!, parsed[1]!];
};

describe.skipIf(!sessionToolsAvailable)('keychain unavailable or locked', () => {
  let children: Children;
  const used: string[] = [];
  const dataDirs: string[] = [];
  const dataDir = (label: string) => {
    const d = scratchDir(`kc-${label}`);
    dataDirs.push(d);
    return d;
  };
  const cli = (dir: string, args: string[], options: Parameters<typeof runNode>[2] = {}) => runNode(children.cli, [...args, '--data-dir', dir], options);

  beforeAll(async () => {
    children = await buildChildren();
  });
  afterAll(() => {
    for (const d of dataDirs) expect(filesContaining(d, used)).toEqual([]);
    removeChildren(children);
  });

  const expectUnavailable = (r: Pick<StepResult, 'status' | 'signal' | 'stderr'>, reasonText: RegExp) => {
    expect(r.signal).toBeNull(); // not killed (findCredentials would segfault here: exit 139)
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^error SECRETS_UNAVAILABLE: /m);
    expect(r.stderr).toMatch(reasonText);
    expect(r.stderr).toMatch(/^hint: .*gnome-keyring.*unlock the login keyring.*D-Bus session/m);
  };

  describe.each([
    ['no session bus at all', { DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined, DROP_RUNNER_KEYCHAIN: 'secret-service' }, 'no-dbus', /no D-Bus session bus.*autolaunch/],
    ['a bus address pointing to a dead socket', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/drop-runner-dead-bus', DROP_RUNNER_KEYCHAIN: 'secret-service' }, 'no-dbus', /no D-Bus session bus.*Failed to connect/],
  ] as const)('%s', (_title, env, reason, text) => {
    it('probe reports SECRETS_UNAVAILABLE with the reason; the process carries on', () => {
      const dir = dataDir('nobus');
      const r = runNode(children.driver, [dir, 'probe'], { env: { ...env } });
      expect(r.signal).toBeNull();
      const [result, alive] = lines(r.stdout);
      expect(result).toMatchObject({ ok: false, error: { code: 'SECRETS_UNAVAILABLE', details: { reason } } });
      expect(alive).toEqual({ alive: true, tenants: 0 });
    });

    it('the CLI exits 3 for a secret, and still works for everything else', () => {
      const dir = dataDir('nobus-cli');
      const s = uniqueSecret('nobus');
      used.push(s);
      expectUnavailable(cli(dir, ['tenant', 'set', 'st-marys', `DbPassword=${s}`, '--secret'], { env: { ...env } }), text);
      const plain = cli(dir, ['tenant', 'set', 'st-marys', 'DbServer=sql01'], { env: { ...env } });
      expect(plain.status, plain.stderr).toBe(0);
      const list = cli(dir, ['tenant', 'list'], { env: { ...env } });
      expect(list.status).toBe(0);
      expect(list.stdout).toContain('st-marys');
      const show = cli(dir, ['tenant', 'show', 'st-marys', '--json'], { env: { ...env } });
      expect(show.status).toBe(0);
      expect(JSON.parse(show.stdout).variables).toEqual([expect.objectContaining({ name: 'DbServer', value: 'sql01', source: 'remembered' })]);
    });
  });

  it('a session bus with no Secret Service provider: SECRETS_UNAVAILABLE (no-provider), exit 3', () => {
    const dir = dataDir('noprov');
    const wrap = ['dbus-run-session', `--config-file=${writeNoProviderBusConfig(dir)}`, '--'];
    const pinned = { DROP_RUNNER_KEYCHAIN: 'secret-service' };
    const r = runNode(children.driver, [dir, 'probe'], { wrap, env: pinned });
    expect(r.signal).toBeNull();
    const [result, alive] = lines(r.stdout);
    expect(result).toMatchObject({ ok: false, error: { code: 'SECRETS_UNAVAILABLE', details: { reason: 'no-provider' } } });
    expect(alive.alive).toBe(true);
    const s = uniqueSecret('noprov');
    used.push(s);
    expectUnavailable(runNode(children.cli, ['tenant', 'set', 'st-marys', `Pw=${s}`, '--secret', '--data-dir', dir], { wrap, env: pinned }), /no Secret Service provider/);
    // Unpinned, the same machine falls back to the kernel keyring (where the kernel allows it), which says it does not last.
    const auto = runNode(children.driver, [dir, 'probe'], { wrap, env: { DROP_RUNNER_KEYCHAIN: undefined } });
    const [autoResult] = lines(auto.stdout);
    if (autoResult.ok) expect(autoResult).toMatchObject({ info: { backend: 'kernel-keyring', lasting: false } });
    else expect(autoResult.error?.details).toMatchObject({ reason: 'kernel-keyring-denied' });
  });

  describe('a keyring locked after the secrets were stored', () => {
    const dir = scratchDir('kc-locked');
    dataDirs.push(dir);
    const stored = uniqueSecret('locked');
    used.push(stored);
    const passFile = path.join(dir, 'pass.txt');
    writeFileSync(passFile, 'correct horse battery staple');
    let results: StepResult[] = [];

    // One D-Bus session for the whole scenario (starting sessions and processes is the slow part):
    // store while unlocked, lock, then run every step in that locked session.
    beforeAll(() => {
      const driver = (...args: string[]) => [children.driver, dir, ...args];
      const cliArgs = (...args: string[]) => [children.cli, ...args, '--data-dir', dir];
      // Each store's answer is kept, so a store that failed says why here instead of as a missing variable
      // later. A store is tried up to three times: once, in a loaded CI run, the second store did not land
      // (its answer was not kept then, so the cause is unknown; it never recurred in 14 runs here, loaded or
      // not). Setting up is not what this scenario tests — that is what happens once the keyring is locked.
      const setupOut = (i: number) => path.join(dir, `setup-${i}.jsonl`);
      const setup = [driver('set', 'st-marys', 'DbPassword', stored, '1'), driver('set', 'st-marys', 'DbUser', 'svc_pas', '1'), driver('set', 'st-marys', 'DbServer', 'sql01', '0')]
        .map((argv, i) => `for try in 1 2 3; do "${process.execPath}" ${argv.map((a) => `'${a}'`).join(' ')} >'${setupOut(i)}'; grep -q '"ok":true' '${setupOut(i)}' && break; sleep 1; done`)
        .join('\n');
      const steps = [
        driver('probe'),
        driver('reveal', 'st-marys', 'DbPassword'),
        cliArgs('tenant', 'set', 'st-marys', 'Other=x', '--secret'),
        cliArgs('tenant', 'forget', 'st-marys', '--var', 'DbPassword'),
        cliArgs('tenant', 'export', 'st-marys', '--out', path.join(dir, 'out.drt'), '--include-secrets', '--passphrase-file', passFile),
        cliArgs('tenant', 'show', 'st-marys', '--json'),
        cliArgs('tenant', 'list', '--json'),
        cliArgs('tenant', 'export', 'st-marys', '--out', path.join(dir, 'plain.drt'), '--passphrase-file', passFile),
      ];
      const r = runNode(writeStepRunner(dir), [JSON.stringify(steps)], { wrap: lockedKeyringWrap(path.join(dir, 'session'), setup) });
      for (let i = 0; i < 3; i++) expect(lines(readFileSync(setupOut(i), 'utf8'))[0], `setup store ${i}`).toMatchObject({ ok: true });
      expect(r.status, r.stderr).toBe(0);
      results = JSON.parse(r.stdout) as StepResult[];
      expect(results).toHaveLength(steps.length);
    }, 240_000);

    it('probe says locked (the binding reports the dismissed unlock prompt), with no fallback to the kernel keyring', () => {
      const [result, alive] = lines(results[0]!.stdout);
      expect(results[0]!.signal).toBeNull();
      expect(result).toMatchObject({ ok: false, error: { code: 'SECRETS_UNAVAILABLE', details: { reason: 'locked' } } });
      expect(result.error?.message).toMatch(/unlock prompt/);
      expect(result.error?.message).toContain('Secret Service keyring');
      expect(alive).toEqual({ alive: true, tenants: 1 });
    });

    it('reading an indexed secret is SECRETS_UNAVAILABLE, not an empty value', () => {
      const [result, alive] = lines(results[1]!.stdout);
      // The binding rejects a read of a locked collection (keytar answered null, caught by the index as indexed-secret-unreadable).
      expect(result).toMatchObject({ ok: false, error: { code: 'SECRETS_UNAVAILABLE', details: { reason: 'locked' } } });
      expect(alive.alive).toBe(true);
    });

    it('CLI: set/forget/export of secrets exit 3 and change nothing; list, show and a plain export still work', () => {
      const [set, forget, exportSecrets, show, list, exportPlain] = results.slice(2) as [StepResult, StepResult, StepResult, StepResult, StepResult, StepResult];
      expectUnavailable(set, /keychain is locked/);
      expectUnavailable(forget, /keychain is locked/);
      expectUnavailable(exportSecrets, /locked/);
      expect(existsSync(path.join(dir, 'out.drt'))).toBe(false);
      expect(show.status, show.stderr).toBe(0);
      const vars = JSON.parse(show.stdout).variables as Array<{ name: string; value: string }>;
      expect(vars.map((v) => [v.name, v.value])).toEqual([
        ['DbPassword', '********'],
        ['DbServer', 'sql01'],
        ['DbUser', '********'],
      ]);
      expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: 'st-marys', secretCount: 2, valueCount: 1 })]);
      expect(exportPlain.status, exportPlain.stderr).toBe(0);
    });

    it('no step printed the stored secret', () => {
      for (const r of results) expect(r.stdout + r.stderr).not.toContain(stored);
    });
  });
});

if (!sessionToolsAvailable) {
  describe('keychain unavailable or locked', () => {
    it.skip('SKIPPED: dbus-run-session, gnome-keyring-daemon or dbus-send is not installed', () => undefined);
  });
}
