import { existsSync } from 'node:fs';
import { AppError } from '../../../common/errors';
import { journalPathOf } from '../../deploy/deployment-index';
import { readJournalEnds } from '../../journal/journal-file';
import { clearLock, lockStatus, type LockStatus } from '../../deploy/stale-lock';
import { EXIT, type CliCommand } from '../cli-types';
import { printFailure } from '../failure';
import { promptYesNo } from '../prompt';

const USAGE = 'drop-runner unlock <deployment-id|drop-id> [--yes] [--data-dir <dir>]';

/** True when the lock's deployment deployed this drop (the operator may only know the drop). */
function lockIsForDrop(dataDir: string, status: LockStatus, dropId: string): boolean {
  const path = journalPathOf(dataDir, status.deploymentId);
  if (!existsSync(path)) return false;
  try {
    const { first } = readJournalEnds(path);
    return first?.type === 'deployment-started' && first.drop.id === dropId;
  } catch {
    return false;
  }
}

/** `drop-runner unlock <deployment|drop>`: clears a stale or unverified deployment lock after a confirmation; never a live one. */
export const unlockCommand: CliCommand = {
  name: 'unlock',
  summary: 'Clear a stale deployment lock (its process is gone, or its pid is another program after a restart), after a confirmation',
  usage: USAGE,
  run: async (ctx) => {
    const target = ctx.args[0];
    if (!target || ctx.args.length > 1) throw new AppError('INVALID_ARGUMENTS', 'Give exactly one deployment id or drop id.', `Usage: ${USAGE}`);
    const status = lockStatus(ctx.dataDir);
    if (!status) {
      ctx.stdout('No deployment lock is held on this machine; nothing to clear.\n');
      return EXIT.ok;
    }
    if (status.deploymentId !== target && !lockIsForDrop(ctx.dataDir, status, target)) {
      throw new AppError('DEPLOY_LOCK_OTHER', `The deployment lock is held for ${status.deploymentId}, which is not "${target}".`, `Check with \`drop-runner history\`, then: drop-runner unlock ${status.deploymentId}.`, { deploymentId: status.deploymentId });
    }
    ctx.stdout(`Deployment lock: ${status.deploymentId} — process ${status.pid} on ${status.host}, taken ${status.startedAt}${status.processStartedAt ? ` (process started ${status.processStartedAt})` : ''}.\n${status.why}\n`);
    if (status.state === 'live') {
      return printFailure(ctx, {
        code: 'DEPLOY_LOCK_LIVE',
        message: `Deployment ${status.deploymentId} is running; its lock cannot be cleared.`,
        hint: 'Cancel it from the window or terminal that runs it, or wait for it to finish.',
      });
    }
    if (status.state === 'unverified') ctx.stdout(`Check that process ${status.pid} is not Drop Runner before you clear the lock: two deployments at once could change the same databases.\n`);
    if (!ctx.flags.has('yes') && !(await promptYesNo(ctx.stdin, ctx.stderr, `Clear the lock of ${status.deploymentId}?`))) {
      ctx.stderr('The lock was not cleared; nothing was changed.\n');
      return EXIT.cancelled;
    }
    clearLock(ctx.dataDir, status.deploymentId);
    ctx.stdout(`Lock cleared. ${status.deploymentId} can now be resumed: drop-runner resume ${status.deploymentId}\n`);
    return EXIT.ok;
  },
};
