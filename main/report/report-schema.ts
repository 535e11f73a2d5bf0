/**
 * The JSON report's schema. Hospital IT tooling reads the JSON, so its shape is a published contract:
 * docs/report.schema.json is generated from this file (`npm run schema:report`) and a test keeps the
 * committed copy in step. The type assertions at the bottom tie the schema to the TypeScript model.
 */
import { z } from 'zod';
import { REPORT_KIND, REPORT_SCHEMA_VERSION, type DeploymentReport } from './report-model';

const iso = z.string().describe('ISO-8601 date and time, UTC.');
const ms = z.number().nonnegative();
const stepOutcome = z
  .enum(['succeeded', 'failed', 'skipped', 'cancelled', 'incomplete', 'not-run'])
  .describe("'incomplete': started but never finished (interrupted); 'not-run': never started.");

const preflightCheck = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['pass', 'warn', 'fail']),
  detail: z.string(),
  hint: z.string().optional(),
  stepId: z.string().optional().describe('The step this check is about, when it is step-specific.'),
});

const attempt = z.object({
  attempt: z.number().int().positive(),
  startedAt: iso,
  finishedAt: iso.nullable(),
  outcome: stepOutcome,
  durationMs: ms.nullable().describe('As measured by the step executor; null when the attempt never finished.'),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string() }).nullable(),
});

const artifact = z.object({
  kind: z.string().describe("script, ssis-folder, ssis-project, ssis-environment, ssis-variable, ssis-reference, ssis-parameter, dacpac, output-variable or other."),
  name: z.string(),
  action: z.string().describe("e.g. 'applied', 'skipped (already applied)', 'created', 'updated', 'unchanged', 'drift'."),
  sha256: z.string().nullable(),
  detail: z.string().nullable(),
  operationId: z.string().nullable().describe('SSISDB catalog operation id, when the action produced one.'),
  at: iso,
});

const step = z.object({
  index: z.number().int().positive().describe('1-based position in the plan.'),
  id: z.string(),
  name: z.string(),
  type: z.string(),
  transactional: z.string().nullable().describe('What the step rolls back on failure, as declared by the plan.'),
  outcome: stepOutcome,
  attempts: z.array(attempt),
  durationMs: ms.nullable().describe('Sum of the attempts that finished.'),
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
  artifacts: z.array(artifact).describe('Everything the step recorded as applied, in journal order.'),
  applied: z
    .object({
      scripts: z.array(z.object({ name: z.string(), sha256: z.string().nullable(), action: z.string() })),
      ssisFolders: z.array(z.string()),
      ssisProjects: z.array(z.string()),
      ssisOperationIds: z.array(z.string()),
      environmentVariables: z.array(z.string()).describe('SSIS environment variables created or changed, by name only.'),
    })
    .describe('The artifacts a change board asks about, grouped.'),
  warnings: z.array(z.object({ at: iso, message: z.string() })),
  errors: z.array(z.object({ at: iso, attempt: z.number().int().positive(), code: z.string(), message: z.string(), hint: z.string() })),
  skipReason: z.string().nullable(),
  skippedBy: z.string().nullable().describe('Who decided to skip the step; null when it was skipped without an operator decision.'),
  skipCause: z
    .enum(['after-failure', 'operator', 'unsupported', 'run-condition'])
    .nullable()
    .describe("Why a skipped step was skipped: 'after-failure' and 'operator' leave the release not fully applied; 'unsupported' (chosen before the run) and 'run-condition' are as planned. Null when not skipped."),
  runCondition: z.enum(['success', 'failure', 'always']).describe("When the step runs: 'success' (default), 'failure' (only after an earlier failure), 'always' (also after a failure, abort or cancel)."),
  cleanup: z.boolean().describe('True when the step ran after the deployment had stopped (a clean-up step).'),
});

/** The zod schema of the JSON deployment report (schemaVersion 1). */
export const deploymentReportSchema = z
  .object({
    kind: z.literal(REPORT_KIND),
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    generatedAt: iso,
    generator: z.object({ name: z.string(), version: z.string().nullable() }),
    deploymentId: z.string(),
    title: z.string(),
    drop: z
      .object({
        id: z.string(),
        format: z.enum(['native', 'octopus']),
        project: z.object({ id: z.string(), name: z.string() }),
        release: z.object({ version: z.string(), channel: z.string().nullable(), notes: z.string().nullable() }),
        sourcePath: z.string().describe('Where the engineer opened the drop from.'),
        sha256: z.string().nullable().describe('sha256 of the drop zip as received; null when opened from a folder.'),
        signature: z.object({
          state: z.string().describe('verified, unsigned, unknown-publisher or invalid.'),
          publisher: z.string().nullable(),
        }),
      })
      .describe('What was deployed.'),
    target: z.object({ tenantId: z.string(), tenantName: z.string(), environment: z.string() }).describe('Where it was deployed.'),
    execution: z
      .object({
        machine: z.string(),
        osUser: z.string(),
        machineClock: z
          .object({ timeZone: z.string(), utcOffset: z.string().regex(/^[+-]\d{2}:\d{2}$/) })
          .nullable()
          .describe("The deployment machine's time zone and UTC offset when it started; every time in the report is UTC. Null for journals written before this was recorded."),
        operator: z.string(),
        startedAt: iso,
        finishedAt: iso.nullable(),
        durationMs: ms.nullable(),
        outcome: z
          .enum(['succeeded', 'completed-with-skips', 'failed', 'aborted', 'cancelled', 'incomplete'])
          .describe(
            "Only 'succeeded' is a success. 'completed-with-skips': the run reached its end but a step was skipped after failing or by the operator, so the release is not fully applied (also read so from older journals that recorded 'succeeded'). 'incomplete': the journal has no deployment-finished event (interrupted or still running).",
          ),
        complete: z.boolean(),
        lastEventAt: iso,
        resumedFrom: z.string().nullable(),
      })
      .describe('Who ran it, where, when, and how it ended.'),
    summary: z.object({
      steps: z.object({
        total: z.number().int(),
        succeeded: z.number().int(),
        failed: z.number().int(),
        skipped: z.number().int(),
        cancelled: z.number().int(),
        incomplete: z.number().int(),
        notRun: z.number().int(),
      }),
      warnings: z.number().int(),
      errors: z.number().int(),
      retries: z.number().int(),
      skips: z.number().int(),
      cancelRequests: z.number().int(),
      interruptions: z.number().int(),
      preflight: z.object({ pass: z.number().int(), warn: z.number().int(), fail: z.number().int() }).nullable(),
    }),
    preflight: z.object({ at: iso, runs: z.number().int().positive(), checks: z.array(preflightCheck) }).nullable(),
    steps: z.array(step),
    notApplied: z
      .array(
        z.object({
          stepId: z.string(),
          name: z.string(),
          status: z.enum(['failed', 'skipped', 'not-run', 'cancelled', 'interrupted', 'running']),
          why: z.string().describe('In words, for the change record.'),
          reason: z.string().nullable().describe("The operator's reason for a skip."),
          by: z.string().nullable(),
        }),
      )
      .describe('Steps that failed, were skipped after failing or by the operator, or never ran. Empty when everything was applied.'),
    cleanup: z.array(z.object({ stepId: z.string(), name: z.string(), outcome: stepOutcome })).describe('Clean-up steps (run condition always/failure) that ran after the deployment stopped.'),
    timeline: z.object({
      totalMs: ms,
      bars: z.array(
        z.object({
          stepId: z.string(),
          attempt: z.number().int().positive(),
          startMs: ms.describe('Offset from the deployment start.'),
          endMs: ms,
          finished: z.boolean(),
          outcome: stepOutcome,
        }),
      ),
    }),
    variables: z
      .array(
        z.object({
          name: z.string(),
          source: z.string(),
          sensitive: z.boolean(),
          value: z.string().describe("Always '********' when sensitive."),
          decision: z.enum(['keep-previous', 'use-new']).optional().describe("The engineer's answer when the drop changed this variable's default: keep the previous value, or use the new default."),
        }),
      )
      .describe('The values used, with where each came from.'),
    simulatedServer: z.string().optional().describe('Present when the deployment ran against the simulated SQL Server of `npm run demo`: nothing real was changed.'),
    decisions: z
      .array(
        z.object({
          kind: z.enum(['retry', 'skip', 'abort', 'cancel-requested', 'interrupted', 'resumed', 'interrupted-script']),
          at: iso,
          offsetMs: ms,
          stepId: z.string().nullable(),
          stepName: z.string().nullable(),
          by: z.string().nullable(),
          reason: z.string().nullable(),
          detail: z.string().nullable(),
        }),
      )
      .describe('Interruptions and operator decisions, in journal order.'),
    warnings: z.array(z.object({ at: iso, message: z.string() })).describe('Warnings not tied to a step.'),
    log: z
      .array(
        z.object({
          seq: z.number().int().positive(),
          at: iso,
          offsetMs: ms,
          level: z.enum(['debug', 'info', 'warn', 'error']),
          stepId: z.string().nullable(),
          source: z.string().nullable(),
          message: z.string(),
        }),
      )
      .describe('The deployment log (redacted), the appendix of the report.'),
    notes: z.array(z.string()).describe('Facts about the journal itself the reader should know.'),
    journal: z.object({ events: z.number().int(), firstSeq: z.number().int(), lastSeq: z.number().int(), firstAt: iso, lastAt: iso }),
    backOut: z
      .object({
        backups: z.array(
          z.object({
            stepId: z.string(),
            database: z.string(),
            file: z.string().describe('The backup file on the SQL Server machine.'),
            bytes: z.number().nullable().describe('Pages written × 8 KB, as the server reported; null when unknown.'),
            verified: z.boolean().describe('RESTORE VERIFYONLY … WITH CHECKSUM passed.'),
            detail: z.string(),
            restore: z.array(z.string()).describe('The T-SQL that restores it, in order.'),
          }),
        ),
        skippedBackups: z.array(z.object({ stepId: z.string(), detail: z.string().describe('Who skipped it and why.') })),
        ssisVersions: z.array(
          z.object({
            stepId: z.string(),
            project: z.string().describe('folder/project'),
            versionLsn: z.string().nullable().describe('catalog.object_versions.object_version_lsn before the deployment; null when the project was new.'),
            deployedAt: iso.nullable(),
            deployedBy: z.string().nullable(),
            variables: z.array(z.object({ name: z.string(), sensitive: z.boolean(), existed: z.boolean() })),
          }),
        ),
      })
      .describe('Backups written and SSIS versions recorded before the changes: the back-out plan.'),
    rollbackOf: z.string().nullable().describe('For a rollback record: the deployment it rolled back.'),
  })
  .meta({
    title: 'Drop Runner deployment report',
    description: 'A deployment report built from the Drop Runner deployment journal alone. Secret values never appear; sensitive variables show ********.',
  });

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Fails to compile when the schema and the TypeScript model drift apart.
const schemaMatchesModel: Equal<Pick<z.infer<typeof deploymentReportSchema>, 'kind'>, Pick<DeploymentReport, 'kind'>> &
  (z.infer<typeof deploymentReportSchema> extends DeploymentReport ? true : false) &
  (DeploymentReport extends z.infer<typeof deploymentReportSchema> ? true : false) = true;
void schemaMatchesModel;

/** The JSON Schema document (draft 2020-12) that docs/report.schema.json holds, as formatted text. */
export function reportJsonSchemaText(): string {
  const schema = z.toJSONSchema(deploymentReportSchema, { target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, $id: 'drop-runner/report.schema.json' }, null, 2)}\n`;
}

/** Serialises a report model as the JSON report, checking it against the schema first. */
export function renderReportJson(model: DeploymentReport): string {
  const checked = deploymentReportSchema.parse(model);
  return `${JSON.stringify(checked, null, 2)}\n`;
}
