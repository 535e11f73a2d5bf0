/**
 * Looking at, and clearing, the machine's deployment lock by hand. A lock whose process is gone or
 * whose pid now belongs to another process is stale (and the next deployment takes it over anyway);
 * one whose pid is alive but whose start time cannot be checked is "unverified" and keeps blocking
 * until the operator, having checked that process, clears it — from `drop-runner unlock` or the UI,
 * both after a confirmation. A lock proven live is never cleared: that deployment must be cancelled.
 */
import { unlinkSync } from 'node:fs';
import { AppError } from '../../common/errors';
import { lockIsLive, lockPath, pidAlive, readLock, type LockInfo } from './deployment-lock';
import { processStartTime, sameProcess } from './lock-owner';

/** The lock as the contract's `deploy.lockStatus` shows it. */
export interface LockStatus {
  deploymentId: string;
  pid: number;
  host: string;
  startedAt: string;
  processStartedAt?: string;
  /** live: held by a running deployment; stale: its process is gone or the pid is another process now; unverified: the pid is alive but cannot be checked. */
  state: 'live' | 'stale' | 'unverified';
  /** One sentence for the operator. */
  why: string;
}

function statusOf(info: LockInfo): LockStatus {
  const base = { deploymentId: info.deploymentId, pid: info.pid, host: info.host, startedAt: info.startedAt, ...(info.processStartedAt ? { processStartedAt: info.processStartedAt } : {}) };
  if (info.pid !== process.pid && !pidAlive(info.pid)) return { ...base, state: 'stale', why: `Process ${info.pid} that took the lock no longer exists.` };
  if (info.pid !== process.pid) {
    const same = sameProcess(info.pid, info.processStartedAt);
    if (same === 'other') {
      const now = processStartTime(info.pid);
      return { ...base, state: 'stale', why: `Process ${info.pid} is now another program (it started ${now ?? 'at another time'}, the lock's holder started ${info.processStartedAt}); the machine has probably restarted.` };
    }
    if (same === 'unknown') {
      return { ...base, state: 'unverified', why: `Process ${info.pid} is running, but the lock does not say when its holder started, so Drop Runner cannot tell whether it is still that deployment.` };
    }
  }
  return lockIsLive(info)
    ? { ...base, state: 'live', why: `Deployment ${info.deploymentId} is running in process ${info.pid}.` }
    : { ...base, state: 'stale', why: `No deployment runs ${info.deploymentId} in this process any more.` };
}

/** The current lock with its state, or null when no lock file is held. */
export function lockStatus(dataDir: string): LockStatus | null {
  const info = readLock(dataDir);
  return info ? statusOf(info) : null;
}

/**
 * Removes the lock if it still names `deploymentId` and is not live. DEPLOY_LOCK_LIVE for a live one,
 * DEPLOY_LOCK_OTHER when it names another deployment; returns what was removed (null when there was no lock).
 */
export function clearLock(dataDir: string, deploymentId: string): LockStatus | null {
  const status = lockStatus(dataDir);
  if (!status) return null;
  if (status.deploymentId !== deploymentId) {
    throw new AppError('DEPLOY_LOCK_OTHER', `The deployment lock is held for ${status.deploymentId}, not ${deploymentId}.`, `Name the deployment the lock is for: drop-runner unlock ${status.deploymentId}.`, { deploymentId: status.deploymentId });
  }
  if (status.state === 'live') {
    throw new AppError('DEPLOY_LOCK_LIVE', `${status.why} Its lock cannot be cleared.`, 'Cancel that deployment from the window or terminal that runs it (Ctrl+C), or wait for it to finish.', { deploymentId, pid: status.pid });
  }
  // A deployment that took the stale lock over meanwhile holds a new lock: leave that one alone.
  const again = readLock(dataDir);
  if (!again || again.pid !== status.pid || again.startedAt !== status.startedAt) return again ? clearLock(dataDir, deploymentId) : status;
  try {
    unlinkSync(lockPath(dataDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new AppError('DEPLOY_LOCK_FAILED', `The lock ${lockPath(dataDir)} cannot be removed (${(error as NodeJS.ErrnoException).code}).`, 'Check that the data folder is writable.', { path: lockPath(dataDir) });
    }
  }
  return status;
}
