/**
 * Sends one script's batches on the step's session, in order, honouring GO repeat counts, graceful
 * cancels between batches, `:on error ignore` / ContinueOnError, and (transaction none) the journal's
 * batch-committed record that lets a resume know where a crash stopped. Split out of script-runner.ts:
 * the runner decides what runs and under which transaction; this is the loop that sends it.
 */
import type { JournalEventInput } from '../../common/journal-events';
import { SqlRequestFailure, type SqlSession } from './connect';
import type { SqlScriptsSettings, TransactionMode } from './script-runner';
import type { PreparedScript } from './script-plan';
import { batchError } from './script-batch-error';

export interface BatchLoopContext {
  session: SqlSession;
  mode: TransactionMode;
  stepId: string;
  settings: SqlScriptsSettings;
  emit: (event: JournalEventInput) => void;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  redact: (text: string) => string;
  cancelRequested: () => boolean;
  /** Batches sent so far across the step, for the progress percentage. */
  progress: { done: number; total: number };
}

/** 'cancelled' when a cancel stopped it between batches or interrupted one; a refused batch throws SQL_BATCH_FAILED. */
export async function sendScriptBatches(ctx: BatchLoopContext, p: PreparedScript, skipFirst: number): Promise<'sent' | 'cancelled'> {
  const { session: s, mode, stepId, emit, progress } = ctx;
  let sent = 0;
  for (const batch of p.batches) {
    for (let r = 0; r < batch.repeat; r++) {
      if (ctx.cancelRequested()) return 'cancelled';
      sent++;
      if (sent <= skipFirst) {
        emit({ type: 'batch-committed', stepId, script: p.name, batch: sent, of: p.batchCount, file: batch.file, line: batch.firstLine });
        progress.done++;
        continue;
      }
      emit({ type: 'progress', stepId, percent: Math.floor((progress.done * 100) / progress.total), item: `${p.name} — batch ${sent}/${p.batchCount}` });
      try {
        await s.batch(batch.text);
      } catch (error) {
        if (!(error instanceof SqlRequestFailure)) throw error;
        if (error.cancelled) return 'cancelled';
        const failure = batchError(error, p.name, batch, ctx.redact);
        if ((batch.onError === 'ignore' || ctx.settings.continueOnError) && error.driverCode === 'EREQUEST') {
          const why = batch.onError === 'ignore' ? 'the script says :on error ignore' : 'the step continues on errors (ContinueOnError)';
          emit({ type: 'warning', stepId, message: `${failure.message} (ignored: ${why})` });
        } else {
          if (mode !== 'none' && s.isOpen && (await s.transactionOpen())) {
            await s.rollback().catch(() => undefined);
            ctx.log('warn', `Rolled back ${mode === 'step' ? 'the step\'s transaction' : `${p.name}`}.`);
          }
          throw failure;
        }
      }
      if (mode === 'none') emit({ type: 'batch-committed', stepId, script: p.name, batch: sent, of: p.batchCount, file: batch.file, line: batch.firstLine });
      progress.done++;
    }
  }
  return 'sent';
}
