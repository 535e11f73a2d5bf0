import { z } from 'zod';
import type { StepType } from '../../common/drop-model';
import { VARIABLE_TYPES, RUN_CONDITIONS } from '../../common/drop-model';
import { checkEntryName, windowsKey } from './entry-name';
import { DEFAULT_DROP_LIMITS } from './limits';

/**
 * The native drop manifest (drop.json), format version "1". Every object is strict: a key the format
 * does not define is an error, so a typo in a vendor's manifest is caught on the bench, not on site.
 * docs/drop.schema.json is generated from this file (`npm run schema:drop`).
 */

export const MANIFEST_FILE = 'drop.json';
export const SIGNATURE_FILE = 'drop.sig';
export const FORMAT_VERSION = '1';

const identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'must start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 100)');
const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const relativePath = z.string().superRefine((value, ctx) => {
  try {
    checkEntryName(value, DEFAULT_DROP_LIMITS.maxPathLength);
  } catch (error) {
    const reason = (error as { details?: { reason?: unknown } }).details?.reason;
    ctx.addIssue({ code: 'custom', message: `is not a safe relative path: ${typeof reason === 'string' ? reason : (error as Error).message}` });
  }
});

export const variableTemplateSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, 'must start with a letter and use only letters, digits, ".", "_" and "-" (at most 100)')
      .describe('Name used in #{Name} references; unique within the drop, compared case-insensitively.'),
    label: text(200).describe('What the engineer sees next to the input.'),
    help: z.string().max(4000).optional().describe('Longer guidance shown under the input.'),
    group: z.string().max(100).optional().describe('Inputs with the same group are shown together (e.g. "Database").'),
    type: z.enum(VARIABLE_TYPES),
    required: z.boolean().optional().describe('Default false. A required value must be non-empty before a deployment can start.'),
    sensitive: z.boolean().optional().describe('Store and mask the value as a secret. Implied by type "sensitive"; useful for connection strings with passwords.'),
    default: z.string().max(4000).optional().describe('Default value; may contain #{Other} references.'),
    choices: z.array(text(200)).min(1).optional().describe('Allowed values; only and always for type "choice".'),
    pattern: z.string().max(1000).optional().describe('JavaScript regular expression the whole value must match.'),
  })
  .describe('A value the tenant (hospital) supplies; the tenant profile remembers it.');

const connection = text(500).describe('Connection string or #{Variable} reference.');
// Steps that change a database take a verified COPY_ONLY backup first unless the drop says otherwise.
const backup = z.enum(['before', 'none']).optional().describe('"before" (default): a verified COPY_ONLY backup of the database before the step\'s first change, once per database per deployment; "none": no backup.');
const backupFolder = text(1000).optional().describe('Folder on the SQL Server machine for that backup; may contain #{…}. Default: the tenant value DropRunner.BackupFolder, else the instance default backup path.');

export const sqlScriptsSettingsSchema = z.strictObject({
  connection,
  scripts: z.array(text(500)).min(1).optional().describe('Glob patterns (relative to the package folder) selecting scripts; default every *.sql, in name order.'),
  journalTable: text(256).optional().describe('Table that records which scripts already ran; default dbo.SchemaVersions.'),
  transaction: z.enum(['per-script', 'step', 'none']).optional().describe('Transaction scope; default per-script.'),
  runAlways: z
    .array(text(500))
    .min(1)
    .optional()
    .describe('Glob patterns of scripts that run on every deployment and are never recorded in the journal table ("**" for all); files under always/ always are.'),
  variables: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'sqlcmd variable names use letters, digits and "_"'), z.string().max(4000))
    .optional()
    .describe('sqlcmd $(Name) variables; values may contain #{…}.'),
  continueOnError: z.boolean().optional().describe('A batch the server refuses becomes a warning and the next batch runs; default false.'),
  commandTimeoutSeconds: z.number().int().min(0).max(86_400).optional().describe('Longest a batch may run, in seconds; 0 (default) waits as long as it takes.'),
  backup,
  backupFolder,
});

const SSIS_TYPES = ['Boolean', 'Byte', 'DateTime', 'Decimal', 'Double', 'Int16', 'Int32', 'Int64', 'SByte', 'Single', 'String', 'UInt32', 'UInt64'] as const;

export const ssisProjectSettingsSchema = z.strictObject({
  connection,
  ispac: relativePath.describe('The .ispac file, relative to the step package folder.'),
  folder: text(128).describe('SSIS catalog folder.'),
  projectName: text(128).optional().describe('Defaults to the name inside the .ispac.'),
  environment: text(128).describe('SSIS catalog environment created or updated next to the project.'),
  environmentReference: z.enum(['relative', 'absolute']).optional().describe('How the project references the environment; default relative (same folder).'),
  environmentFolder: text(128).optional().describe('Catalog folder of the environment when environmentReference is "absolute"; default the project folder.'),
  removeUndeclaredVariables: z.boolean().optional().describe('Delete environment variables the step does not declare; default false.'),
  validate: z.boolean().optional().describe('Validate the project against the environment after deploying it; default false.'),
  timeoutSeconds: z.number().int().min(1).max(86_400).optional().describe('How long to wait for catalog operations, in seconds.'),
  environmentVariables: z
    .array(
      z.strictObject({
        name: text(128),
        value: z.string().max(4000).describe('May contain #{…}.'),
        type: z.enum(SSIS_TYPES),
        sensitive: z.boolean(),
        description: z.string().max(1024).optional(),
      }),
    )
    .optional(),
  parameterBindings: z
    .array(
      z.strictObject({
        objectType: z.enum(['project', 'package']),
        package: text(260).optional().describe('The .dtsx name; required when objectType is "package".'),
        parameter: text(128),
        variable: text(128).optional().describe('Bind to this environment variable (referenced value).'),
        value: z.string().max(4000).optional().describe('Or set this literal value; may contain #{…}.'),
      }),
    )
    .optional(),
});

export const manualCheckSettingsSchema = z.strictObject({
  instructions: text(4000).describe('What the engineer must confirm before the deployment continues.'),
});

const sqlcmdVariables = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'sqlcmd variable names use letters, digits and "_"'), z.string().max(4000))
  .optional();

export const dacpacSettingsSchema = z.strictObject({
  connection,
  dacpac: relativePath.describe('The .dacpac file, relative to the step package folder.'),
  variables: sqlcmdVariables.describe('SQLCMD variables passed to SqlPackage as /v:Name=value; values may contain #{…}.'),
  profile: relativePath.optional().describe('A publish profile (.publish.xml), relative to the step package folder.'),
  backup,
  backupFolder,
});

const SCRIPT_SYNTAXES = ['powershell', 'pwsh', 'cmd', 'bash'];

export const scriptSettingsSchema = z
  .strictObject({
    syntax: z
      .string()
      .refine((v) => SCRIPT_SYNTAXES.includes(v.trim().toLowerCase()), 'must be PowerShell, pwsh, CMD or Bash')
      .optional()
      .describe('PowerShell (default), pwsh, CMD or Bash; any case.'),
    scriptFile: relativePath.optional().describe('The script, relative to the step package folder. Either this or scriptBody.'),
    scriptBody: z.string().min(1).max(1_000_000).optional().describe('The script itself. Either this or scriptFile.'),
    environment: z.record(z.string().max(128), z.string().max(4000)).optional().describe('Extra environment variables for the script; values may contain #{…}.'),
  })
  .refine((s) => (s.scriptFile === undefined) !== (s.scriptBody === undefined), 'give exactly one of "scriptFile" and "scriptBody"');

const stepBase = {
  id: identifier.describe('Stable step id; unique within the drop.'),
  name: text(200),
  runCondition: z
    .enum(RUN_CONDITIONS)
    .optional()
    .describe(
      'When the step runs (default "success"): "success" only while no earlier step has stopped the run; "failure" only after an earlier step failed or the run was aborted; "always" also after a failure, an abort or a graceful cancel (clean-up, e.g. resuming a paused interface engine). A manual check marked "always" still asks the operator.',
    ),
};

export const stepSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...stepBase, type: z.literal('sql-scripts'), package: relativePath, settings: sqlScriptsSettingsSchema }),
  z.strictObject({ ...stepBase, type: z.literal('ssis-project'), package: relativePath, settings: ssisProjectSettingsSchema }),
  z.strictObject({ ...stepBase, type: z.literal('dacpac'), package: relativePath, settings: dacpacSettingsSchema }),
  z.strictObject({ ...stepBase, type: z.literal('script'), package: relativePath.optional(), settings: scriptSettingsSchema }),
  z.strictObject({ ...stepBase, type: z.literal('manual-check'), package: relativePath.optional(), settings: manualCheckSettingsSchema }),
]);

// Every step type of common/drop-model.ts has exactly one schema above: adding a type to STEP_TYPES
// without its settings schema (or a schema for a type that does not exist) stops the build here.
type SchemaStepType = z.infer<typeof stepSchema>['type'];
const everyStepTypeHasASchema: [SchemaStepType] extends [StepType] ? ([StepType] extends [SchemaStepType] ? true : never) : never = true;
void everyStepTypeHasASchema;

export const fileEntrySchema = z.strictObject({
  path: relativePath.describe('Relative to the zip root, forward slashes.'),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
});

export const dropManifestSchema = z
  .strictObject({
    formatVersion: z.literal(FORMAT_VERSION),
    project: z.strictObject({ id: identifier, name: text(200) }),
    release: z.strictObject({
      version: text(64),
      notes: z.string().max(20000).optional(),
      created: z.iso.datetime({ offset: true }).optional(),
      channel: z.string().max(100).optional(),
    }),
    target: z.strictObject({ tenantId: identifier, tenantName: text(200), environment: text(100) }),
    publisher: z.strictObject({ name: text(200) }),
    variables: z.array(variableTemplateSchema),
    steps: z.array(stepSchema).min(1, 'a drop needs at least one step'),
    files: z.array(fileEntrySchema).describe('Every file in the zip except drop.json and drop.sig.'),
  })
  .superRefine((manifest, ctx) => {
    const names = new Map<string, number>();
    manifest.variables.forEach((variable, i) => {
      const key = variable.name.toLowerCase();
      if (names.has(key)) ctx.addIssue({ code: 'custom', path: ['variables', i, 'name'], message: `duplicates variables[${names.get(key)}].name` });
      else names.set(key, i);
      if (variable.type === 'choice' && !variable.choices) ctx.addIssue({ code: 'custom', path: ['variables', i, 'choices'], message: 'is required for type "choice"' });
      if (variable.type !== 'choice' && variable.choices) ctx.addIssue({ code: 'custom', path: ['variables', i, 'choices'], message: 'is only allowed for type "choice"' });
      if (variable.pattern !== undefined) {
        try {
          new RegExp(variable.pattern);
        } catch (error) {
          ctx.addIssue({ code: 'custom', path: ['variables', i, 'pattern'], message: `is not a valid regular expression (${(error as Error).message})` });
        }
      }
    });
    const ids = new Map<string, number>();
    manifest.steps.forEach((step, i) => {
      if (ids.has(step.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicates steps[${ids.get(step.id)}].id` });
      else ids.set(step.id, i);
      if (step.type === 'ssis-project') {
        step.settings.parameterBindings?.forEach((binding, j) => {
          const path = ['steps', i, 'settings', 'parameterBindings', j];
          if ((binding.variable === undefined) === (binding.value === undefined)) {
            ctx.addIssue({ code: 'custom', path, message: 'needs exactly one of "variable" or "value"' });
          }
          if ((binding.objectType === 'package') !== (binding.package !== undefined)) {
            ctx.addIssue({ code: 'custom', path: [...path, 'package'], message: 'is required for objectType "package" and not allowed for "project"' });
          }
        });
      }
    });
    const paths = new Map<string, number>();
    manifest.files.forEach((file, i) => {
      const key = windowsKey(file.path);
      if (paths.has(key)) ctx.addIssue({ code: 'custom', path: ['files', i, 'path'], message: `duplicates files[${paths.get(key)}].path` });
      else paths.set(key, i);
      if (key === windowsKey(MANIFEST_FILE) || key === windowsKey(SIGNATURE_FILE)) {
        ctx.addIssue({ code: 'custom', path: ['files', i, 'path'], message: `must not list ${file.path} itself` });
      }
    });
  })
  .describe('Drop Runner native drop manifest (drop.json), format version 1.');

export type DropManifest = z.infer<typeof dropManifestSchema>;
export type ManifestStep = z.infer<typeof stepSchema>;
export type ManifestVariable = z.infer<typeof variableTemplateSchema>;

/** The JSON Schema of drop.json, as committed in docs/drop.schema.json. */
export function dropManifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(dropManifestSchema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { title: 'Drop Runner drop.json', ...schema };
}

/** The exact text of docs/drop.schema.json (two-space JSON and a final newline). */
export function dropManifestJsonSchemaText(): string {
  return `${JSON.stringify(dropManifestJsonSchema(), null, 2)}\n`;
}
