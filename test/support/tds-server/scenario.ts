import { z } from 'zod';
import type { BackupEmulationOptions, BackupScenario } from './backup-emulation';
import type { TdsServerOptions } from './server';
import type { ResponderSpec, ResponseSpec, TextMatcher } from './responder-types';
import type { TableColumnInput } from './table-emulator';
import type { SqlValue } from './value-codec';

// JSON cannot carry Buffers or RegExps, so a scenario spells them as {"base64": "..."} and
// {"regex": "...", "flags": "i"}.
const jsonValue: z.ZodType<unknown> = z.union([z.null(), z.number(), z.string(), z.boolean(), z.object({ base64: z.string() })]);
const matcher = z.union([z.string(), z.object({ regex: z.string(), flags: z.string().optional() })]);
const column = z.object({ name: z.string(), type: z.string(), nullable: z.boolean().optional() });
const rows = z.array(z.union([z.array(jsonValue), z.record(z.string(), jsonValue)]));
const error = z.object({
  number: z.number().int(),
  message: z.string(),
  class: z.number().int().optional(),
  state: z.number().int().optional(),
  lineNumber: z.number().int().optional(),
  procedure: z.string().optional(),
  rollback: z.boolean().optional(),
});
const response = z.object({
  info: z.array(z.object({ message: z.string(), number: z.number().int().optional(), class: z.number().int().optional(), state: z.number().int().optional(), lineNumber: z.number().int().optional(), procedure: z.string().optional() })).optional(),
  resultSets: z.array(z.object({ columns: z.array(column).optional(), rows })).optional(),
  columns: z.array(column).optional(),
  rows: rows.optional(),
  rowCount: z.number().int().optional(),
  error: z.union([error, z.array(error)]).optional(),
  returnStatus: z.number().int().optional(),
  output: z.record(z.string(), jsonValue).optional(),
  delayMs: z.number().int().nonnegative().optional(),
  drop: z.boolean().optional(),
});
const scenarioSchema = z.object({
  logins: z.array(z.object({ user: z.string(), password: z.string() })).optional(),
  windowsUsers: z.array(z.object({ domain: z.string(), user: z.string(), password: z.string() })).optional(),
  database: z.string().optional(),
  databases: z.array(z.string()).optional(),
  serverName: z.string().optional(),
  // BACKUP / RESTORE emulation (backup-emulation.ts); failBackup makes the first BACKUP fail (3201 or 3013).
  backup: z
    .strictObject({
      defaultBackupPath: z.string().nullable().optional(),
      edition: z.string().optional(),
      pages: z.record(z.string(), z.number().int().positive()).optional(),
      deniedBackup: z.array(z.string()).optional(),
      failBackup: z.strictObject({ error: z.union([z.literal(3201), z.literal(3013)]), osError: z.number().int().optional() }).optional(),
      failVerify: z.boolean().optional(),
    })
    .optional(),
  responders: z
    .array(
      z.object({
        name: z.string().optional(),
        sql: matcher.optional(),
        batch: matcher.optional(),
        procedure: matcher.optional(),
        times: z.number().int().positive().optional(),
        respond: response,
      }),
    )
    .optional(),
  tables: z
    .array(
      z.object({
        name: z.string(),
        columns: z.array(z.object({ name: z.string(), type: z.string(), nullable: z.boolean().optional(), identity: z.boolean().optional(), default: z.union([z.literal('now'), jsonValue]).optional() })),
        rows: z.array(z.record(z.string(), jsonValue)).optional(),
      }),
    )
    .optional(),
});

/** The JSON shape of a scenario file (see README). */
export type ScenarioJson = z.infer<typeof scenarioSchema>;

/** A scenario turned into server options plus tables to seed. */
export interface Scenario {
  options: Pick<TdsServerOptions, 'logins' | 'windowsUsers' | 'database' | 'databases' | 'serverName' | 'responders' | 'backup'>;
  /** Failures to arm on the backup emulation once the server runs (`server.backups.scenario`). */
  backupScenario: BackupScenario;
  tables: Array<{ name: string; columns: TableColumnInput[]; rows: Array<Record<string, SqlValue>> }>;
}

function backupOptions(b: NonNullable<ScenarioJson['backup']>): BackupEmulationOptions {
  return {
    ...(b.defaultBackupPath !== undefined ? { defaultBackupPath: b.defaultBackupPath } : {}),
    ...(b.edition ? { edition: b.edition } : {}),
    ...(b.pages ? { pages: b.pages } : {}),
    ...(b.deniedBackup ? { deniedBackup: b.deniedBackup } : {}),
  };
}

function value(v: unknown): SqlValue {
  if (v !== null && typeof v === 'object' && 'base64' in v) return Buffer.from(String((v as { base64: string }).base64), 'base64');
  return v as SqlValue;
}

function toMatcher(m: z.infer<typeof matcher>): TextMatcher {
  return typeof m === 'string' ? m : new RegExp(m.regex, m.flags);
}

function toRows(r: z.infer<typeof rows>): Array<Record<string, SqlValue> | SqlValue[]> {
  return r.map((row) => (Array.isArray(row) ? row.map(value) : Object.fromEntries(Object.entries(row).map(([k, v]) => [k, value(v)]))));
}

function toResponse(r: z.infer<typeof response>): ResponseSpec {
  const { rows: plainRows, resultSets, output, ...rest } = r;
  const out: ResponseSpec = { ...rest };
  if (plainRows) out.rows = toRows(plainRows);
  if (resultSets) out.resultSets = resultSets.map((rs) => ({ ...(rs.columns ? { columns: rs.columns } : {}), rows: toRows(rs.rows) }));
  if (output) out.output = Object.fromEntries(Object.entries(output).map(([k, v]) => [k, value(v)]));
  return out;
}

/** Validates scenario JSON; throws an Error naming the first invalid field. */
export function parseScenario(json: unknown): Scenario {
  const result = scenarioSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`scenario field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const s = result.data;
  const responders: ResponderSpec[] = (s.responders ?? []).map((r) => ({
    ...(r.name ? { name: r.name } : {}),
    ...(r.sql !== undefined ? { sql: toMatcher(r.sql) } : {}),
    ...(r.batch !== undefined ? { batch: toMatcher(r.batch) } : {}),
    ...(r.procedure !== undefined ? { procedure: typeof r.procedure === 'string' ? r.procedure : new RegExp(r.procedure.regex, r.procedure.flags) } : {}),
    ...(r.times !== undefined ? { times: r.times } : {}),
    respond: toResponse(r.respond),
  }));
  return {
    options: {
      ...(s.logins ? { logins: s.logins } : {}),
      ...(s.windowsUsers ? { windowsUsers: s.windowsUsers } : {}),
      ...(s.database ? { database: s.database } : {}),
      ...(s.databases ? { databases: s.databases } : {}),
      ...(s.serverName ? { serverName: s.serverName } : {}),
      ...(s.backup ? { backup: backupOptions(s.backup) } : {}),
      responders,
    },
    backupScenario: { ...(s.backup?.failBackup ? { failBackup: { error: s.backup.failBackup.error, ...(s.backup.failBackup.osError !== undefined ? { osError: s.backup.failBackup.osError } : {}) } } : {}), ...(s.backup?.failVerify ? { failVerify: true } : {}) },
    tables: (s.tables ?? []).map((t) => ({
      name: t.name,
      columns: t.columns.map((c) => ({ ...c, ...(c.default !== undefined ? { default: c.default === 'now' ? 'now' : value(c.default) } : {}) }) as TableColumnInput),
      rows: (t.rows ?? []).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, value(v)]))),
    })),
  };
}
