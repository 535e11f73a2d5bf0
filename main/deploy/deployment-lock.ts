/**
 * One deployment at a time per machine: `<data>/deployments/.lock` holds the pid and deployment id
 * of the running one. Two engineers (or a CLI and the app) on one VM must not run scripts against
 * the same databases at once. A lock whose process is gone (killed, power cut) is stale and taken
 * over; that is also how an interrupted deployment is told apart from a running one.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../common/errors';
import { ensureDirSync } from '../platform/ensure-dir';
import { processStartTime, sameProcess } from './lock-owner';
import { writingTo } from '../platform/disk-full';

export interface LockInfo {
  pid: number;
  deploymentId: string;
  startedAt: string;
  host: string;
  /** When the holding process started (main/deploy/lock-owner.ts): tells a reused pid from the holder. Absent in older locks and on Windows. */
  processStartedAt?: string;
}

// Deployments running in this process, across manager instances: a lock naming our own pid is live
// only if one of them holds it (a manager that crashed in-process would otherwise block us forever).
const runningHere = new Set<string>();

/** The lock file of a data folder. */
export function lockPath(dataDir: string): string {
  return join(dataDir, 'deployments', '.lock');
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The current lock, or undefined when there is none or it is unreadable. */
export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockPath(dataDir), 'utf8')) as LockInfo;
    return typeof info.pid === 'number' && typeof info.deploymentId === 'string' ? info : undefined;
  } catch {
    return undefined;
  }
}

/** True when the lock is held by a living deployment: its pid is alive and, when the lock says when that process started, it is the same process. */
export function lockIsLive(info: LockInfo): boolean {
  if (info.pid === process.pid) return runningHere.has(info.deploymentId);
  return pidAlive(info.pid) && sameProcess(info.pid, info.processStartedAt) !== 'other';
}

/** The deployment id holding a live lock, if any. */
export function liveLockHolder(dataDir: string): LockInfo | undefined {
  const info = readLock(dataDir);
  return info && lockIsLive(info) ? info : undefined;
}

/** A held lock; release() is safe to call twice. */
export interface DeploymentLock {
  readonly info: LockInfo;
  release(): void;
}

/** Takes the machine's deployment lock for a deployment; DEPLOY_LOCKED naming the running one when it is held. */
export function acquireDeploymentLock(dataDir: string, deploymentId: string): DeploymentLock {
  const file = lockPath(dataDir);
  ensureDirSync(join(dataDir, 'deployments'));
  const ownStart = processStartTime(process.pid);
  const info: LockInfo = { pid: process.pid, deploymentId, startedAt: new Date().toISOString(), host: hostname(), ...(ownStart ? { processStartedAt: ownStart } : {}) };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(dataDir);
      if (holder && lockIsLive(holder)) {
        throw new AppError(
          'DEPLOY_LOCKED',
          `Another deployment is running on this machine: ${holder.deploymentId} (process ${holder.pid}, started ${holder.startedAt}).`,
          `Wait for it to finish (see \`drop-runner history\`), or cancel it from the window or terminal that runs it. Only one deployment runs at a time per machine. If process ${holder.pid} is not Drop Runner (the machine restarted), clear the lock with \`drop-runner unlock ${holder.deploymentId}\`.`,
          { deploymentId: holder.deploymentId, pid: holder.pid },
        );
      }
      // Stale: its process is gone. Remove and try again (another starter may win the race; then we report it).
      try {
        unlinkSync(file);
      } catch {
        // Someone else removed it first.
      }
      continue;
    }
    try {
      writingTo(file, () => {
        writeSync(fd, JSON.stringify(info));
        fsyncSync(fd);
      });
    } catch (error) {
      // A lock file without its content would block nobody and confuse everybody.
      closeSync(fd);
      try {
        unlinkSync(file);
      } catch {
        // Already gone.
      }
      throw error;
    }
    closeSync(fd);
    runningHere.add(deploymentId);
    let released = false;
    return {
      info,
      release() {
        if (released) return;
        released = true;
        runningHere.delete(deploymentId);
        if (readLock(dataDir)?.deploymentId === deploymentId) {
          try {
            unlinkSync(file);
          } catch {
            // Already gone.
          }
        }
      },
    };
  }
  throw new AppError('DEPLOY_LOCK_FAILED', `Could not take the deployment lock ${file}.`, 'Check that the data folder is writable, then try again.', { path: file });
}

/** 'running' when the deployment lock names this deployment and its owner is alive; as any process sees it. */
export function runningByLock(dataDir: string, deploymentId: string): 'running' | undefined {
  const lock = readLock(dataDir);
  return lock && lock.deploymentId === deploymentId && lockIsLive(lock) ? 'running' : undefined;
}
