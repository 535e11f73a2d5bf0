/**
 * Which databases this process has already backed up in which deployment, so a second step on the
 * same database (or a retry of the step) does not take a second backup. In memory on purpose: a
 * resumed deployment in a new process backs up again, which is safe (a newer COPY_ONLY file).
 */
import type { RestorePoint } from '../../../common/journal-events';

export interface BackupLedger {
  get(key: string): RestorePoint | undefined;
  set(key: string, record: RestorePoint): void;
}

const entries = new Map<string, RestorePoint>();

/** The process-wide ledger; keys start with the deployment id. */
export const backupLedger: BackupLedger = {
  get: (key) => entries.get(key),
  set: (key, record) => {
    entries.set(key, record);
  },
};
