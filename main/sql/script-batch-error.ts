/**
 * What a refused batch becomes: SQL_BATCH_FAILED naming the script's own file and line (not the batch's),
 * with the server's number/class/state and a hint for the common causes. Its own file so the batch loop
 * and the runner share one wording.
 */
import { AppError } from '../../common/errors';
import { locateBatchLine, type SqlBatch } from './batch-splitter';
import type { SqlRequestFailure, SqlServerMessage } from './connect';

/** SQL_BATCH_FAILED naming the file, batch, file line, and the server's number/class/state/message. */
export function batchError(error: SqlRequestFailure, scriptName: string, batch: SqlBatch, redact: (s: string) => string): AppError {
  const first: SqlServerMessage | undefined = error.errors[0];
  if (!first) {
    return new AppError(
      'SQL_BATCH_FAILED',
      redact(`${scriptName} batch ${batch.index} (lines ${batch.firstLine}-${batch.lastLine}) failed: ${error.message}`),
      error.driverCode === 'ETIMEOUT' ? 'The batch ran longer than the step\'s command timeout; raise or remove the timeout.' : 'The connection failed while the batch ran; check the server and retry the step.',
      { file: scriptName, batch: batch.index, line: batch.firstLine, driverCode: error.driverCode },
    );
  }
  // Inside a called procedure the server's line is the procedure's, not the batch's.
  const inProcedure = Boolean(first.procName);
  const where = inProcedure ? { file: batch.file, line: batch.firstLine } : locateBatchLine(batch, Math.max(1, first.lineNumber));
  const message = redact(
    `${where.file} line ${where.line} (batch ${batch.index}): Msg ${first.number}, Level ${first.class}, State ${first.state}${inProcedure ? `, Procedure ${first.procName}, Line ${first.lineNumber}` : ''}: ${first.message}`,
  );
  return new AppError('SQL_BATCH_FAILED', message, hintFor(first), {
    file: where.file,
    script: scriptName,
    batch: batch.index,
    line: where.line,
    number: first.number,
    class: first.class,
    state: first.state,
    ...(first.procName ? { procedure: first.procName } : {}),
    ...(error.errors.length > 1 ? { more: error.errors.slice(1).map((e) => ({ number: e.number, class: e.class, state: e.state, line: e.lineNumber, message: redact(e.message) })) } : {}),
  });
}

function hintFor(e: SqlServerMessage): string {
  if (e.number === 208) return 'An object the script uses does not exist: check that earlier scripts ran and that the step targets the right database.';
  if (e.number === 229 || e.number === 262 || e.number === 297 || e.number === 300) return 'The login lacks a permission the script needs; ask hospital IT for the rights listed in the release notes.';
  if (e.number === 1205) return 'The batch was chosen as a deadlock victim; retry the step.';
  if (e.number === 574 || e.number === 226) return 'This statement cannot run inside a transaction; set the step\'s transaction mode to "none".';
  return 'Fix the script or the database state, then retry the step; the script\'s changes were rolled back unless the transaction mode is "none".';
}
