/**
 * A full disk (or an exhausted quota) is the operator's problem to fix, not a bug: every write that
 * keeps a deployment's record (journal, lock, run record) turns ENOSPC/EDQUOT into DISK_FULL naming
 * the file, with a hint, instead of surfacing as an unexplained INTERNAL error.
 */
import { AppError } from '../../common/errors';

/** True for the errors a full disk or quota gives. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** DISK_FULL for this path. */
export function diskFullError(path: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code ?? 'ENOSPC';
  return new AppError(
    'DISK_FULL',
    `The disk that holds ${path} is full (${code}); Drop Runner could not write to it.`,
    'Free space on that disk (for example `drop-runner drops remove --unused`, or old files), then resume the deployment with `drop-runner resume <id>`; nothing written before this point is lost.',
    { path, errno: code },
  );
}

/** Runs a write; a full disk becomes DISK_FULL naming the path, anything else is rethrown as it is. */
export function writingTo<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isDiskFull(error)) throw diskFullError(path, error);
    throw error;
  }
}
