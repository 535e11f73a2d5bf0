/**
 * Follows one catalog operation (deploy, validation) until it ends: polls catalog.operations for
 * its status and streams new catalog.operation_messages into the log with their message types.
 * catalog.deploy_project itself waits for the deployment on a real server, so the first poll usually
 * finds the end state; validations run asynchronously and are really polled.
 */
import { AppError } from '../../common/errors';
import type { CatalogClient } from './catalog-client';
import { readOperation, readOperationMessages, type OperationMessageRow } from './catalog-queries';
import type { SsisEventSink } from './ssis-events';

/** catalog.operations.status names (documented codes). */
export const OPERATION_STATUS: Record<number, string> = {
  1: 'created',
  2: 'running',
  3: 'canceled',
  4: 'failed',
  5: 'pending',
  6: 'ended unexpectedly',
  7: 'succeeded',
  8: 'stopping',
  9: 'completed',
};

/** catalog.operation_messages.message_type names (documented codes). */
export const MESSAGE_TYPE: Record<number, string> = {
  [-1]: 'Unknown',
  10: 'Pre-validate',
  20: 'Post-validate',
  30: 'Pre-execute',
  40: 'Post-execute',
  50: 'Status change',
  60: 'Progress',
  70: 'Information',
  80: 'Variable value changed',
  90: 'Diagnostic',
  100: 'Query cancel',
  110: 'Warning',
  120: 'Error',
  130: 'Task failed',
  140: 'DiagnosticEx',
  200: 'Custom',
  400: 'Non-diagnostic',
};

const TERMINAL = new Set([3, 4, 6, 7, 9]);
const ERROR_TYPES = new Set([120, 130]);

/** How an operation ended, with its error messages (already in the log). */
export interface OperationOutcome {
  operationId: string;
  status: number;
  statusName: string;
  succeeded: boolean;
  errors: string[];
}

export interface WatchOptions {
  /** Give up after this long; the operation keeps running on the server. */
  timeoutMs: number;
  pollIntervalMs: number;
  signal?: AbortSignal;
  /** e.g. "deployment" or "validation", for messages. */
  label: string;
}

function level(type: number): 'info' | 'warn' | 'error' | 'debug' {
  if (ERROR_TYPES.has(type)) return 'error';
  if (type === 110) return 'warn';
  if (type === 90 || type === 140 || type === 60) return 'debug';
  return 'info';
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Polls the operation until it ends, streaming its messages; SSIS_TIMEOUT or SSIS_CANCELLED otherwise. */
export async function watchOperation(client: CatalogClient, operationId: string, sink: SsisEventSink, options: WatchOptions): Promise<OperationOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const errors: string[] = [];
  let lastId = '0';
  const drain = async () => {
    const rows: OperationMessageRow[] = await readOperationMessages(client, operationId, lastId);
    for (const m of rows) {
      lastId = m.operation_message_id;
      const text = m.message ?? '';
      sink.log(level(m.message_type), `[operation ${operationId} · ${MESSAGE_TYPE[m.message_type] ?? `type ${m.message_type}`}] ${text}`);
      if (ERROR_TYPES.has(m.message_type)) errors.push(text);
    }
  };
  for (;;) {
    await drain();
    const op = await readOperation(client, operationId);
    if (!op) {
      throw new AppError('SSIS_OPERATION_MISSING', `The ${options.label} operation ${operationId} is not in catalog.operations.`, 'The account may lack permission to read the operation log: ask the DBA for ssis_logreader (or ssis_admin) in SSISDB.', { operationId });
    }
    if (TERMINAL.has(op.status)) {
      await drain();
      return { operationId, status: op.status, statusName: OPERATION_STATUS[op.status] ?? String(op.status), succeeded: op.status === 7, errors };
    }
    if (options.signal?.aborted) {
      throw new AppError('SSIS_CANCELLED', `The SSIS step was cancelled while the ${options.label} operation ${operationId} was ${OPERATION_STATUS[op.status] ?? op.status}.`, 'The operation may still finish on the server; check catalog.operations, then run the step again.', { operationId });
    }
    if (Date.now() >= deadline) {
      throw new AppError(
        'SSIS_TIMEOUT',
        `The ${options.label} operation ${operationId} is still ${OPERATION_STATUS[op.status] ?? op.status} after ${Math.round(options.timeoutMs / 1000)} s.`,
        `It keeps running on the server: watch it in catalog.operations (operation_id ${operationId}) and raise the step's timeoutSeconds for next time.`,
        { operationId },
      );
    }
    await sleep(options.pollIntervalMs, options.signal);
  }
}
