/**
 * Runtime checks for journal events before the report trusts them. The journal comes from disk and may
 * have been written by an older or crashed run, so every event is checked against the shape of its
 * type; a malformed event is named by its position and seq rather than surfacing as a TypeError deep
 * in the renderer.
 */
import { z } from 'zod';
import { AppError } from '../../common/errors';
import type { JournalEvent } from '../../common/journal-events';

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not an ISO-8601 date' });
const base = { seq: z.number().int().positive(), at: isoDate };
const stepId = z.string().min(1);

const checkSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['pass', 'warn', 'fail']),
  detail: z.string(),
  hint: z.string().optional(),
  stepId: z.string().optional(),
});

const artifactSchema = z.object({
  kind: z.string().min(1),
  name: z.string(),
  action: z.string(),
  sha256: z.string().optional(),
  detail: z.string().optional(),
  operationId: z.union([z.string(), z.number()]).transform(String).optional(),
  // Rollback data (backup file, SSIS version, previous variable values): kept loose, read by the rollback command.
  restore: z.record(z.string(), z.unknown()).optional(),
});

const schemas: Record<JournalEvent['type'], z.ZodType> = {
  'deployment-started': z.object({
    ...base,
    deploymentId: z.string().min(1),
    drop: z.object({
      id: z.string(),
      format: z.enum(['native', 'octopus']),
      project: z.object({ id: z.string(), name: z.string() }),
      release: z.object({ version: z.string(), notes: z.string().optional(), channel: z.string().optional() }),
      sha256: z.string().nullable(),
      signature: z.object({ state: z.string(), publisher: z.string().optional() }),
      sourcePath: z.string(),
    }),
    tenant: z.object({ id: z.string(), name: z.string(), environment: z.string() }),
    machine: z.string(),
    osUser: z.string(),
    clock: z.object({ timeZone: z.string(), utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60) }).optional(),
    operator: z.string(),
    steps: z.array(z.object({ id: stepId, name: z.string(), type: z.string(), transactional: z.string().optional(), runCondition: z.enum(['success', 'failure', 'always']).optional() })),
    variables: z.array(z.object({ name: z.string(), source: z.string(), sensitive: z.boolean(), value: z.string(), decision: z.enum(['keep-previous', 'use-new']).optional() })),
    simulatedServer: z.string().max(2000).optional(),
    resumedFrom: z.string().optional(),
  }),
  preflight: z.object({ ...base, checks: z.array(checkSchema) }),
  'step-started': z.object({ ...base, stepId, attempt: z.number().int().positive() }),
  progress: z.object({ ...base, stepId, percent: z.number(), item: z.string().optional() }),
  log: z.object({
    ...base,
    stepId: z.string().optional(),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
    source: z.string().optional(),
  }),
  warning: z.object({ ...base, stepId: z.string().optional(), message: z.string() }),
  artifact: z.object({ ...base, stepId, artifact: artifactSchema }),
  'step-finished': z.object({
    ...base,
    stepId,
    attempt: z.number().int().positive(),
    outcome: z.enum(['succeeded', 'failed', 'skipped', 'cancelled']),
    durationMs: z.number().nonnegative(),
    error: z.object({ code: z.string(), message: z.string(), hint: z.string() }).optional(),
    skip: z.object({ cause: z.enum(['after-failure', 'operator', 'unsupported', 'run-condition']), reason: z.string() }).optional(),
  }),
  decision: z.object({ ...base, stepId, decision: z.enum(['retry', 'skip', 'abort']), reason: z.string().optional(), by: z.string() }),
  'cancel-requested': z.object({ ...base, mode: z.enum(['graceful', 'immediate']), by: z.string() }),
  'run-stopped': z.object({ ...base, outcome: z.enum(['failed', 'aborted', 'cancelled']), stepId: z.string().optional() }),
  interrupted: z.object({ ...base, detectedAt: isoDate, lastSeq: z.number().int().nonnegative(), stepId: z.string().optional(), note: z.string() }),
  'script-started': z.object({ ...base, stepId, script: z.string(), batches: z.number().int().nonnegative(), sha256: z.string() }),
  'batch-committed': z.object({ ...base, stepId, script: z.string(), batch: z.number().int().positive(), of: z.number().int().nonnegative(), file: z.string(), line: z.number().int().nonnegative() }),
  'interrupted-script': z.object({
    ...base,
    stepId,
    script: z.string(),
    appliedBatches: z.number().int().nonnegative(),
    inFlightBatch: z.number().int().positive().optional(),
    of: z.number().int().nonnegative(),
    choice: z.enum(['continue', 'rerun', 'skip', 'abort']),
    reason: z.string().optional(),
    by: z.string(),
  }),
  'deployment-finished': z.object({
    ...base,
    outcome: z.enum(['succeeded', 'completed-with-skips', 'failed', 'aborted', 'cancelled']),
    durationMs: z.number().nonnegative(),
  }),
};

/** The result of checking a journal: the events the report may use, and what was set aside. */
export interface ValidatedJournal {
  events: JournalEvent[];
  /** Human notes about events that were ignored (unknown types from a newer version) or out of order. */
  notes: string[];
}

function invalid(message: string, details: Record<string, unknown>): AppError {
  return new AppError(
    'REPORT_JOURNAL_INVALID',
    message,
    'The journal file is damaged or is not a Drop Runner deployment journal. Check that you picked <data>/deployments/<id>/journal.jsonl; send the file to the vendor if it was written by Drop Runner.',
    details,
  );
}

/** Checks every event's shape and the journal's opening; throws REPORT_JOURNAL_INVALID naming the bad event. */
export function validateJournal(input: readonly unknown[]): ValidatedJournal {
  if (!Array.isArray(input) || input.length === 0) {
    throw invalid('The deployment journal is empty: there is nothing to report.', { events: 0 });
  }
  const notes: string[] = [];
  const events: JournalEvent[] = [];
  let lastSeq = 0;
  input.forEach((raw, index) => {
    const position = index + 1;
    if (!raw || typeof raw !== 'object' || typeof (raw as { type?: unknown }).type !== 'string') {
      throw invalid(`Journal event #${position} is not an event object with a "type".`, { position });
    }
    const type = (raw as { type: string }).type;
    if (index === 0 && type !== 'deployment-started') {
      throw invalid(`The journal starts with a "${type}" event; a deployment journal must start with "deployment-started".`, {
        position,
        type,
      });
    }
    const schema = (schemas as Record<string, z.ZodType | undefined>)[type];
    if (!schema) {
      notes.push(`Journal event #${position} has an unknown type "${type}" (written by a newer version?) and was not used.`);
      return;
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path.join('.');
      const seq = (raw as { seq?: unknown }).seq;
      throw invalid(
        `Journal event #${position} (${type}${typeof seq === 'number' ? `, seq ${seq}` : ''}) is malformed at "${path || '(event)'}": ${issue.message}.`,
        { position, type, path, ...(typeof seq === 'number' ? { seq } : {}) },
      );
    }
    // zod drops keys a schema does not name (the discriminant included), so the type is put back.
    const event = { ...(parsed.data as object), type } as JournalEvent;
    if (event.seq <= lastSeq) {
      notes.push(`Journal event #${position} has seq ${event.seq}, not after ${lastSeq}; the journal may have been edited or merged.`);
    }
    lastSeq = Math.max(lastSeq, event.seq);
    events.push(event);
  });
  return { events, notes };
}
