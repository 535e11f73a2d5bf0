/**
 * Who really holds the deployment lock. A pid alone is not an identity: after a reboot (or on a busy
 * VM after days) the pid in a lock file can belong to an unrelated process, and the lock would then
 * block deployments forever while looking live. The lock therefore also records its process's start
 * time, and a pid whose process started at another time is a different process: the lock is stale.
 *
 * The start time comes from /proc on Linux and from `ps -o lstart=` on macOS and other Unixes. On
 * Windows (and wherever neither works) it is unknown: a lock whose pid is alive is then "unverified" —
 * still respected, but the operator may clear it after confirming (`drop-runner unlock`, or the UI).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Two readings of one process's start time differ by clock-tick rounding at most; a reused pid differs by far more. */
const SAME_PROCESS_TOLERANCE_MS = 1000;

let bootTimeMs: number | undefined;

function linuxBootTimeMs(): number | undefined {
  if (bootTimeMs !== undefined) return bootTimeMs;
  const line = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('btime '));
  if (!line) return undefined;
  bootTimeMs = Number(line.slice(6).trim()) * 1000;
  return bootTimeMs;
}

/** Linux: field 22 of /proc/<pid>/stat is the start time in clock ticks after boot (USER_HZ, 100 on every Linux we ship to). */
function linuxStartTime(pid: number): number | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may contain spaces or ')': fields resume after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[19]);
  const boot = linuxBootTimeMs();
  if (!Number.isFinite(ticks) || boot === undefined) return undefined;
  return boot + ticks * 10;
}

function psStartTime(pid: number): number | undefined {
  const text = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** When the process with this pid started (ISO), or undefined when it is gone or this platform cannot tell. */
export function processStartTime(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0 || process.platform === 'win32') return undefined;
  try {
    const ms = process.platform === 'linux' ? linuxStartTime(pid) : psStartTime(pid);
    return ms === undefined ? undefined : new Date(ms).toISOString();
  } catch {
    return undefined;
  }
}

/**
 * 'same': the pid's process started when the lock says; 'other': it started at another time (a reused pid);
 * 'unknown': the lock has no start time (written by an older version) or this platform cannot read it.
 */
export function sameProcess(pid: number, recordedStart: string | undefined): 'same' | 'other' | 'unknown' {
  if (!recordedStart) return 'unknown';
  const now = processStartTime(pid);
  if (!now) return 'unknown';
  return Math.abs(Date.parse(now) - Date.parse(recordedStart)) <= SAME_PROCESS_TOLERANCE_MS ? 'same' : 'other';
}
