/**
 * The three transaction strategies of a sql-scripts step (per-script, step, none), in one place, as DbUp
 * keeps its transaction strategies apart from the script loop: when to BEGIN and COMMIT, when a script
 * that ended the transaction itself is refused (SQL_TRANSACTION_LOST), and when an applied script may be
 * reported (in step mode only after the step's COMMIT, so the report never claims a change early).
 */
import { AppError } from '../../common/errors';
import type { StepArtifact } from '../../common/journal-events';
import type { SqlSession } from './connect';
import type { TransactionMode } from './script-runner';

export interface TransactionStrategy {
  /** Before the first script; `scripts` is how many will run (step mode opens nothing for none). */
  beginStep(scripts: number): Promise<void>;
  beginScript(): Promise<void>;
  /** After a script's last batch, before the journal-table record: its transaction must still be open. */
  checkScriptKept(scriptName: string): Promise<void>;
  commitScript(): Promise<void>;
  /** Reports an applied script now, or (step mode) holds it until the step commits. */
  applied(artifact: StepArtifact, report: (artifact: StepArtifact) => void): void;
  commitStep(scripts: number, report: (artifact: StepArtifact) => void): Promise<void>;
}

export function transactionStrategy(mode: TransactionMode, s: SqlSession): TransactionStrategy {
  const pending: StepArtifact[] = [];
  return {
    async beginStep(scripts) {
      if (mode === 'step' && scripts > 0) await s.beginTransaction();
    },
    async beginScript() {
      if (mode === 'per-script') await s.beginTransaction();
    },
    async checkScriptKept(scriptName) {
      if (mode !== 'none' && !(await s.transactionOpen())) {
        throw new AppError(
          'SQL_TRANSACTION_LOST',
          `${scriptName} ended the ${mode === 'step' ? "step's" : "script's"} transaction itself (a COMMIT or ROLLBACK inside the script), so its changes cannot be applied atomically.`,
          'Remove the transaction control from the script, or set the step\'s transaction mode to "none".',
          { script: scriptName },
        );
      }
    },
    async commitScript() {
      if (mode === 'per-script') await s.commit();
    },
    applied(artifact, report) {
      if (mode === 'step') pending.push(artifact);
      else report(artifact);
    },
    async commitStep(scripts, report) {
      if (mode !== 'step' || scripts === 0) return;
      if (!(await s.transactionOpen())) {
        throw new AppError('SQL_TRANSACTION_LOST', "A script ended the step's transaction itself (a COMMIT or ROLLBACK inside a script).", 'Remove the transaction control from the scripts, or set the transaction mode to "none".');
      }
      await s.commit();
      for (const a of pending) report(a);
    },
  };
}
