/**
 * The settings of an `ssis-project` step after #{…} evaluation, checked before anything is sent.
 * The drop manifest schema checks the shape a vendor writes; this checks what the executor needs
 * (typed values that convert, bindings that name declared variables) and fills in defaults.
 */
import { z } from 'zod';
import { AppError } from '../../common/errors';
import { SSIS_DATA_TYPES, SsisValueError, toTypedValue, type SsisDataType } from './ssis-data-types';

const name = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const variableSchema = z.strictObject({
  name: name(128),
  value: z.string(),
  type: z.string(),
  sensitive: z.boolean().optional(),
  description: z.string().max(1024, 'must be at most 1024 characters').optional(),
});

const bindingSchema = z.strictObject({
  objectType: z.enum(['project', 'package']),
  package: name(260).optional(),
  parameter: name(128),
  variable: name(128).optional(),
  value: z.string().optional(),
});

const settingsSchema = z.strictObject({
  connection: z.string().optional(),
  ispac: z.string().trim().min(1, 'must name the .ispac file'),
  folder: name(128),
  projectName: name(128).optional(),
  environment: name(128),
  environmentReference: z.enum(['relative', 'absolute']).optional(),
  environmentFolder: name(128).optional(),
  environmentVariables: z.array(variableSchema).optional(),
  parameterBindings: z.array(bindingSchema).optional(),
  removeUndeclaredVariables: z.boolean().optional(),
  validate: z.boolean().optional(),
  timeoutSeconds: z.number().int('must be a whole number').min(1, 'must be at least 1').max(86_400, 'must be at most 86400 (a day)').optional(),
});

/** One environment variable to create or update. */
export interface SsisVariableSetting {
  name: string;
  value: string;
  type: SsisDataType;
  sensitive: boolean;
  description: string;
}

/** One parameter binding: referenced (environment variable) or literal value. */
export interface SsisBindingSetting {
  objectType: 'project' | 'package';
  /** The .dtsx name for package parameters. */
  package?: string;
  parameter: string;
  variable?: string;
  value?: string;
}

/** Checked settings with defaults applied. */
export interface SsisStepSettings {
  connection?: string;
  ispac: string;
  folder: string;
  projectName?: string;
  environment: string;
  environmentReference: 'relative' | 'absolute';
  /** Folder that holds the environment: the project's folder for relative references. */
  environmentFolder: string;
  environmentVariables: SsisVariableSetting[];
  parameterBindings: SsisBindingSetting[];
  removeUndeclaredVariables: boolean;
  validate: boolean;
  timeoutSeconds: number;
}

/** Deploys can take minutes on a busy server; 15 minutes is generous without hiding a hung server. */
export const DEFAULT_SSIS_TIMEOUT_SECONDS = 900;

function invalid(path: string, message: string, hint: string): AppError {
  return new AppError('SSIS_SETTINGS_INVALID', `The SSIS step settings are invalid at ${path}: ${message}.`, hint, { path });
}

/** Validates resolved step settings; SSIS_SETTINGS_INVALID (naming the setting, never a secret value) otherwise. */
export function parseSsisSettings(raw: unknown): SsisStepSettings {
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(settings)';
    throw invalid(path, issue.message, 'Correct the step settings in drop.json (or the tenant value they come from) and open the drop again.');
  }
  const s = parsed.data;
  const reference = s.environmentReference ?? 'relative';
  if (reference === 'relative' && s.environmentFolder !== undefined && s.environmentFolder !== s.folder) {
    throw invalid('environmentFolder', `a relative reference uses the project's folder "${s.folder}", but environmentFolder is "${s.environmentFolder}"`, 'Set environmentReference to "absolute" to use an environment in another folder, or remove environmentFolder.');
  }

  const seen = new Map<string, number>();
  const variables: SsisVariableSetting[] = (s.environmentVariables ?? []).map((v, i) => {
    const path = `environmentVariables[${i}]`;
    if (v.type === 'SByte') throw invalid(`${path}.type`, `the SSIS catalog does not support SByte variables ("${v.name}")`, 'Use Int16 for small signed numbers.');
    if (!(SSIS_DATA_TYPES as readonly string[]).includes(v.type)) {
      throw invalid(`${path}.type`, `"${v.type}" is not an SSIS type the catalog accepts (variable "${v.name}")`, `Use one of ${SSIS_DATA_TYPES.join(', ')}.`);
    }
    const key = v.name.toLowerCase();
    if (seen.has(key)) throw invalid(`${path}.name`, `"${v.name}" is declared twice (also environmentVariables[${seen.get(key)}])`, 'Declare each environment variable once.');
    seen.set(key, i);
    const type = v.type as SsisDataType;
    try {
      toTypedValue(type, v.value);
    } catch (error) {
      if (!(error instanceof SsisValueError)) throw error;
      // The value itself is left out: it may be a secret or contain one.
      throw invalid(`${path}.value`, `the value of "${v.name}" ${error.message}`, `Give "${v.name}" a ${type} value in the tenant's variables.`);
    }
    return { name: v.name, value: v.value, type, sensitive: v.sensitive ?? false, description: v.description ?? '' };
  });

  const bindings: SsisBindingSetting[] = (s.parameterBindings ?? []).map((b, i) => {
    const path = `parameterBindings[${i}]`;
    if ((b.variable === undefined) === (b.value === undefined)) {
      throw invalid(path, `the binding of "${b.parameter}" needs exactly one of "variable" or "value"`, 'Bind the parameter either to an environment variable or to a literal value.');
    }
    if ((b.objectType === 'package') !== (b.package !== undefined)) {
      throw invalid(`${path}.package`, `"package" is required for a package parameter and not allowed for a project parameter ("${b.parameter}")`, 'Name the .dtsx for package parameters only.');
    }
    if (b.variable !== undefined && !seen.has(b.variable.toLowerCase())) {
      throw invalid(`${path}.variable`, `"${b.parameter}" is bound to "${b.variable}", which is not among environmentVariables`, `Declare "${b.variable}" in environmentVariables or bind to a declared one.`);
    }
    return { objectType: b.objectType, ...(b.package !== undefined ? { package: b.package } : {}), parameter: b.parameter, ...(b.variable !== undefined ? { variable: b.variable } : { value: b.value! }) };
  });
  const keys = new Map<string, number>();
  bindings.forEach((b, i) => {
    const key = `${b.objectType}|${(b.package ?? '').toLowerCase()}|${b.parameter}`;
    if (keys.has(key)) throw invalid(`parameterBindings[${i}]`, `"${b.parameter}" is bound twice (also parameterBindings[${keys.get(key)}])`, 'Bind each parameter once.');
    keys.set(key, i);
  });

  return {
    ...(s.connection !== undefined ? { connection: s.connection } : {}),
    ispac: s.ispac,
    folder: s.folder,
    ...(s.projectName !== undefined ? { projectName: s.projectName } : {}),
    environment: s.environment,
    environmentReference: reference,
    environmentFolder: reference === 'absolute' ? (s.environmentFolder ?? s.folder) : s.folder,
    environmentVariables: variables,
    parameterBindings: bindings,
    removeUndeclaredVariables: s.removeUndeclaredVariables ?? false,
    validate: s.validate ?? false,
    timeoutSeconds: s.timeoutSeconds ?? DEFAULT_SSIS_TIMEOUT_SECONDS,
  };
}
