/**
 * Which databases this process has already backed up in which deployment, so a second step on the
 * same database (or a retry of the step) does not take a second backup. A resumed deployment in a new
 * process starts with an empty ledger and reads the journal's backups instead (StepContext.earlierBackups).
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
