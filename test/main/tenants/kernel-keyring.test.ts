/**
 * A headless Linux machine with no Secret Service (no D-Bus session): secrets go to the kernel
 * keyring, so `tenant set --secret` and a later deployment in another process work, doctor says how
 * long they last, and nothing is written to a file. Each step is its own child process, as a user's
 * commands would be. Skipped visibly off Linux, or where the kernel refuses keyctl (some containers).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildChildren, filesContaining, removeChildren, runNode, scratchDir, uniqueSecret, type Children } from './tenant-test-support';

// The binding, pinned to the kernel keyring, after the one warm-up call that gives the thread a session keyring.
const warm = "const {Entry}=require('@napi-rs/keyring');const o={linux:{store:'keyutils'}};try{new Entry('drop-runner/probe','warm',o)}catch{}";
const noBus = { DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined, DROP_RUNNER_KEYCHAIN: undefined };

// Whether this kernel lets us use its keyring at all: asked of the binding itself, in a fresh process.
const kernelProbe = spawnSync(
  process.execPath,
  ['-e', `${warm};const e=new Entry('drop-runner/probe','kernel-check-'+process.pid,o);e.setPassword('x');e.deletePassword();console.log('ok')`],
  { encoding: 'utf8', env: { ...process.env, ...noBus }, timeout: 30_000 },
);
const kernelUsable = process.platform === 'linux' && kernelProbe.stdout.trim() === 'ok';
const skipMessage = `SKIPPED: the Linux kernel keyring cannot be used here (${process.platform === 'linux' ? (kernelProbe.stderr.trim().split('\n').pop() ?? 'no answer') : 'not Linux'})`;

describe.skipIf(!kernelUsable)('no Secret Service: the kernel keyring', () => {
  let children: Children;
  const dir = scratchDir('kernel-keyring');
  const value = uniqueSecret('kernel');
  const env = { ...noBus };
  const cli = (...args: string[]) => runNode(children.cli, [...args, '--data-dir', dir], { env });

  beforeAll(async () => {
    children = await buildChildren();
  });
  afterAll(() => {
    cli('tenant', 'forget', 'st-kernel', '--yes');
    expect(filesContaining(dir, [value])).toEqual([]);
    removeChildren(children);
  });

  it('probe picks the kernel keyring and says it does not last', () => {
    const r = runNode(children.driver, [dir, 'probe'], { env });
    const result = JSON.parse(r.stdout.split('\n')[0]!);
    expect(result).toMatchObject({ ok: true, info: { backend: 'kernel-keyring', lasting: false } });
    expect(result.info.description).toMatch(/until this machine restarts/);
  });

  it('a secret set by one command is read by the next process; none of it reaches a file', () => {
    const set = cli('tenant', 'set', 'st-kernel', `DbPassword=${value}`, '--secret');
    expect(set.status, set.stderr).toBe(0);
    expect(set.stdout + set.stderr).not.toContain(value);
    const reveal = runNode(children.driver, [dir, 'reveal', 'st-kernel', 'DbPassword'], { env });
    expect(JSON.parse(reveal.stdout.split('\n')[0]!)).toEqual({ ok: true, value });
    expect(filesContaining(dir, [value])).toEqual([]);
  });

  it('doctor is ready, with a warning that says how long secrets last and how to keep them', () => {
    const r = cli('doctor');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^warn\s+OS keychain\s+the Linux kernel keyring.*until this machine restarts/m);
    expect(r.stdout).toMatch(/hint: To keep secrets across restarts/);
  });

  it('tenant forget removes the kernel key', () => {
    const scope = (JSON.parse(readFileSync(path.join(dir, 'tenants.json'), 'utf8')) as Record<string, string>)['keychain:scope'];
    const rawRead = () => spawnSync(process.execPath, ['-e', `${warm};console.log(JSON.stringify(new Entry('drop-runner/st-kernel@${scope}','DbPassword',o).getPassword()))`], { encoding: 'utf8', env: { ...process.env, ...noBus } });
    // Control: the raw read sees the key before forget, so "null" afterwards means it is gone.
    expect(rawRead().stdout.trim()).toBe(JSON.stringify(value));
    expect(cli('tenant', 'forget', 'st-kernel', '--yes').status).toBe(0);
    expect(rawRead().stdout.trim()).toBe('null');
    const reveal = runNode(children.driver, [dir, 'reveal', 'st-kernel', 'DbPassword'], { env });
    expect(JSON.parse(reveal.stdout.split('\n')[0]!)).toMatchObject({ ok: false, error: { code: 'TENANT_NOT_FOUND' } });
  });
});

if (!kernelUsable) {
  console.warn(skipMessage);
  describe('no Secret Service: the kernel keyring', () => {
    it.skip(skipMessage, () => undefined);
  });
}
