import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasKeyringSession, runDropRunner } from '../../support/run-cli';

const dataDir = mkdtempSync(join(tmpdir(), 'dr-doctor-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('drop-runner --version and help', () => {
  it('prints the package version', async () => {
    const run = await runDropRunner(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('rejects an unknown command with exit 2 and a hint', async () => {
    const run = await runDropRunner(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error UNKNOWN_COMMAND');
    expect(run.stderr).toContain('hint:');
  });
});

describe.skipIf(!hasKeyringSession)('drop-runner doctor inside a keyring session', () => {
  it('exits 0 and reports the keychain reachable', async () => {
    const run = await runDropRunner(['doctor', '--json', '--data-dir', dataDir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.ready).toBe(true);
    expect(report.items.find((i: { id: string }) => i.id === 'keychain')).toMatchObject({ status: 'ok', value: expect.stringMatching(/Secret Service keyring \(kept until removed\)/) });
    expect(report.items.find((i: { id: string }) => i.id === 'data-dir').value).toContain(dataDir);
    expect(report.items.find((i: { id: string }) => i.id === 'sql-client').value).toMatch(/mssql 12\.\d+\.\d+, tedious 19\.2\.\d+/);
  });
});
if (!hasKeyringSession) console.warn('SKIPPED doctor keyring test: no D-Bus session (run under scripts/with-keyring.sh)');

describe('drop-runner doctor without a Secret Service', () => {
  // Pinned to the Secret Service: with the default choice a Linux machine falls back to the kernel keyring (kernel-keyring.test.ts).
  it('exits 3 with SECRETS_UNAVAILABLE and a one-line hint when the Secret Service is required', async () => {
    const run = await runDropRunner(['doctor', '--data-dir', dataDir], {
      env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/drop-runner-no-bus', DISPLAY: '', DROP_RUNNER_KEYCHAIN: 'secret-service' },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error SECRETS_UNAVAILABLE: /m);
    expect(run.stderr).toMatch(/^hint: .+/m);
    expect(run.stdout).toContain('NOT ready');
  });

  it('exits 3 when the data folder cannot be written', async () => {
    // A path below a regular file can never be created, even by root (chmod does not stop root).
    const blocker = join(dataDir, 'plain-file');
    writeFileSync(blocker, 'not a folder');
    const run = await runDropRunner(['doctor', '--data-dir', join(blocker, 'data')], { env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/drop-runner-no-bus', DISPLAY: '' } });
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/FAIL\s+Data folder/);
  });

  // Node's recursive mkdir never returns under /proc; the folder is made one level at a time instead.
  it.runIf(process.platform === 'linux')('exits 3 instead of hanging for a data folder under /proc, and other commands fail with a code', async () => {
    const doctor = await runDropRunner(['doctor', '--data-dir', '/proc/drop-runner-test/data'], { timeoutMs: 30_000, env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/drop-runner-no-bus', DISPLAY: '' } });
    expect(doctor.code).toBe(3);
    expect(doctor.stdout).toMatch(/FAIL\s+Data folder\s+\/proc\/drop-runner-test\/data \(not writable: ENOENT\)/);
    const history = await runDropRunner(['history', '--data-dir', '/proc/drop-runner-test/data'], { timeoutMs: 30_000 });
    // One exit-code table for the whole CLI (main/cli/failure.ts): a data folder that cannot be written is the
    // machine's problem, exit 3, from `history` as from `doctor` and `inspect` (it was 2 here before).
    expect(history.code).toBe(3);
    expect(history.stderr).toMatch(/^error SETTINGS_WRITE_FAILED: .+\nhint: .+/m);
  });
});
