/**
 * The deployment lock's owner check (pid plus process start time) with real processes: this one, a child
 * that is alive, and a child that has exited; and `drop-runner unlock` through the real CLI entry
 * (runCli in this process), with and without --yes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDeploymentLock, lockIsLive, lockPath, readLock, type LockInfo } from '../../../main/deploy/deployment-lock';
import { processStartTime, sameProcess } from '../../../main/deploy/lock-owner';
import { clearLock, lockStatus } from '../../../main/deploy/stale-lock';
import { runCli } from '../../../main/cli/main';
import { cleanup, scratch } from './deploy-fixture';

let dataDir: string;
let root: string;
let sleeper: ChildProcess | undefined;

beforeEach(() => {
  root = scratch('dr-stale-lock');
  dataDir = path.join(root, 'data');
  mkdirSync(path.join(dataDir, 'deployments'), { recursive: true });
});
afterEach(() => {
  if (sleeper?.pid && sleeper.exitCode === null) sleeper.kill('SIGKILL');
  sleeper = undefined;
  cleanup(root);
});

/** A live process that is not Drop Runner: stands for "the pid now belongs to another program". */
async function liveStranger(): Promise<number> {
  sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await new Promise((resolve) => sleeper!.once('spawn', resolve));
  return sleeper.pid!;
}

function writeLock(info: Partial<LockInfo> & { pid: number; deploymentId: string }): void {
  writeFileSync(lockPath(dataDir), JSON.stringify({ startedAt: '2026-12-01T08:00:00.000Z', host: hostname(), ...info }));
}

const supported = process.platform !== 'win32';

describe('lock owner: pid plus process start time', () => {
  it.skipIf(!supported)('reads a process start time that is stable for one process and differs for another', async () => {
    const own = processStartTime(process.pid)!;
    expect(Date.parse(own)).toBeLessThanOrEqual(Date.now());
    expect(processStartTime(process.pid)).toBe(own);
    const other = await liveStranger();
    expect(sameProcess(other, processStartTime(other))).toBe('same');
    expect(sameProcess(other, '2001-01-01T00:00:00.000Z')).toBe('other');
    expect(sameProcess(other, undefined)).toBe('unknown');
  });

  it.skipIf(!supported)('a new lock records its process start time; released, it is gone', () => {
    const lock = acquireDeploymentLock(dataDir, 'dep-a');
    const info = readLock(dataDir)!;
    expect(info.processStartedAt).toBe(processStartTime(process.pid));
    expect(lockStatus(dataDir)).toMatchObject({ deploymentId: 'dep-a', state: 'live' });
    expect(() => clearLock(dataDir, 'dep-a')).toThrow(expect.objectContaining({ code: 'DEPLOY_LOCK_LIVE' }));
    lock.release();
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it.skipIf(!supported)('a lock whose pid is now another process (start time differs) is stale and taken over by the next deployment', async () => {
    const pid = await liveStranger();
    writeLock({ pid, deploymentId: 'before-reboot', processStartedAt: '2001-01-01T00:00:00.000Z' });
    expect(lockIsLive(readLock(dataDir)!)).toBe(false);
    const status = lockStatus(dataDir)!;
    expect(status.state).toBe('stale');
    expect(status.why).toContain(`Process ${pid} is now another program`);
    const lock = acquireDeploymentLock(dataDir, 'after-reboot');
    expect(readLock(dataDir)?.deploymentId).toBe('after-reboot');
    lock.release();
  });

  it('a lock of a process that has exited is stale', async () => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    const pid = child.pid!;
    await new Promise((resolve) => child.once('exit', resolve));
    writeLock({ pid, deploymentId: 'gone' });
    expect(lockStatus(dataDir)).toMatchObject({ state: 'stale', why: `Process ${pid} that took the lock no longer exists.` });
  });

  it('an older lock (no start time) with a live pid is unverified: it still blocks, with a hint naming drop-runner unlock', async () => {
    const pid = await liveStranger();
    writeLock({ pid, deploymentId: 'old-format' });
    expect(lockStatus(dataDir)).toMatchObject({ state: 'unverified' });
    expect(() => acquireDeploymentLock(dataDir, 'next')).toThrow(expect.objectContaining({ code: 'DEPLOY_LOCKED', hint: expect.stringContaining('drop-runner unlock old-format') }));
    expect(() => clearLock(dataDir, 'another')).toThrow(expect.objectContaining({ code: 'DEPLOY_LOCK_OTHER' }));
    expect(clearLock(dataDir, 'old-format')).toMatchObject({ state: 'unverified' });
    expect(existsSync(lockPath(dataDir))).toBe(false);
    expect(clearLock(dataDir, 'old-format')).toBeNull();
  });
});

describe('drop-runner unlock', () => {
  const run = async (args: string[], input = '') => {
    let stdout = '';
    let stderr = '';
    const stdin = new PassThrough();
    stdin.end(input);
    const code = await runCli([...args, '--data-dir', dataDir], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stdin });
    return { code, stdout, stderr };
  };

  it('asks before clearing; "no" or no answer keeps the lock (exit 130); --yes clears it; a live lock is refused (exit 3)', async () => {
    const pid = await liveStranger();
    writeLock({ pid, deploymentId: 'old-format' });
    const declined = await run(['unlock', 'old-format'], 'n\n');
    expect(declined.code).toBe(130);
    expect(declined.stdout).toContain(`Deployment lock: old-format — process ${pid}`);
    expect(declined.stdout).toContain(`Check that process ${pid} is not Drop Runner`);
    expect(declined.stderr).toContain('Clear the lock of old-format? [y/N]');
    expect(existsSync(lockPath(dataDir))).toBe(true);

    const other = await run(['unlock', 'someone-else', '--yes']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('error DEPLOY_LOCK_OTHER');

    const cleared = await run(['unlock', 'old-format', '--yes']);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toContain('Lock cleared. old-format can now be resumed');
    expect(existsSync(lockPath(dataDir))).toBe(false);

    const none = await run(['unlock', 'old-format']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('No deployment lock is held');

    const lock = acquireDeploymentLock(dataDir, 'running-here');
    try {
      const live = await run(['unlock', 'running-here', '--yes']);
      expect(live.code).toBe(3);
      expect(live.stderr).toContain('error DEPLOY_LOCK_LIVE');
      expect(readFileSync(lockPath(dataDir), 'utf8')).toContain('running-here');
    } finally {
      lock.release();
    }
  });

  it('accepts the drop id of the locked deployment; "y" at the prompt clears it', async () => {
    const id = '20261201T080000Z-st-brigids-abcdef';
    mkdirSync(path.join(dataDir, 'deployments', id), { recursive: true });
    writeFileSync(path.join(dataDir, 'deployments', id, 'journal.jsonl'), `${JSON.stringify({ seq: 1, at: '2026-12-01T08:00:00.000Z', type: 'deployment-started', deploymentId: id, drop: { id: 'drop-1234' } })}\n`);
    writeLock({ pid: await liveStranger(), deploymentId: id });
    const cleared = await run(['unlock', 'drop-1234'], 'y\n');
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(existsSync(lockPath(dataDir))).toBe(false);
  });

  it('without an id: exit 2 with the usage', async () => {
    const bad = await run(['unlock']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error INVALID_ARGUMENTS');
  });
});
