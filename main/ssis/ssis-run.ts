/**
 * Runs an `ssis-project` step: SSISDB present, folder, project deployment, environment, variables,
 * environment reference, parameter bindings, optional validation. Each part reads the catalog first
 * and writes only what differs, so running the step again changes nothing that is already right.
 */
import { AppError } from '../../common/errors';
import type { StepArtifact } from '../../common/journal-events';
import { CatalogClient } from './catalog-client';
import { observeCatalog } from './catalog-observation';
import {
  createEnvironment,
  createEnvironmentReference,
  createEnvironmentVariable,
  createFolder,
  deleteEnvironmentVariable,
  deployProject,
  setEnvironmentReferenceType,
  setEnvironmentVariableDescription,
  setEnvironmentVariableProtection,
  setEnvironmentVariableValue,
  setObjectParameterValue,
  validateProject,
  type VariableKey,
} from './catalog-procedures';
import { readFolder, readParameters, readProject, readReferences, ssisdbExists } from './catalog-queries';
import { watchOperation, type OperationOutcome } from './operation-monitor';
import { toTypedValue } from './ssis-data-types';
import { ssisRollbackPoint } from './ssis-rollback';
import { catalogError, ssisdbMissing } from './ssis-errors';
import { createSsisEventSink, type SsisEventSink } from './ssis-events';
import { diffBindings, diffProject, diffReference, diffVariables, findParameter, planIsUpToDate, type SsisPlan } from './ssis-plan-model';
import { prepareSsisStep, type SsisStepOptions } from './ssis-step-input';
import type { SsisTarget } from './ssis-target';

/** What the step did. */
export interface RunSsisStepResult {
  outcome: 'succeeded' | 'cancelled';
  projectName: string;
  /** The plan decided from the catalog as found, before any write. */
  plan: SsisPlan;
  /** catalog.deploy_project operation, when the project was deployed. */
  operationId?: string;
  /** catalog.validate_project operation, when validation ran. */
  validationId?: string;
  artifacts: StepArtifact[];
}

const DEFAULT_POLL_MS = 1000;

function operationFailed(label: string, outcome: OperationOutcome, hint: string): AppError {
  const messages = outcome.errors.length > 0 ? outcome.errors.join(' | ') : 'the catalog recorded no error message';
  return new AppError(`SSIS_${label === 'validation' ? 'VALIDATION' : 'OPERATION'}_FAILED`, `The ${label} operation ${outcome.operationId} ${outcome.statusName}: ${messages}`, hint, { operationId: outcome.operationId, status: outcome.status });
}

/** Runs the step on one dedicated connection; throws AppError (code + hint) on failure, returns outcome 'cancelled' when the signal fired. */
export async function runSsisStep(options: SsisStepOptions): Promise<RunSsisStepResult> {
  const { target, connection, redact } = await prepareSsisStep(options);
  const s = target.settings;
  const sink = createSsisEventSink(options.stepId, options.onEvent, redact);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
  const timeoutMs = s.timeoutSeconds * 1000;
  sink.log('info', `Deploying SSIS project ${target.projectName} from ${target.ispacLabel} (sha256 ${target.ispacSha256}) to folder ${s.folder}.`);
  sink.progress(0, 'connect');
  const client = await CatalogClient.open(connection, { requestTimeoutMs: timeoutMs, ...(options.signal ? { signal: options.signal } : {}) }).catch((error: unknown) => {
    throw error instanceof AppError ? new AppError(error.code, redact(error.message), error.hint, error.details) : error;
  });
  const ctx = { client, target, sink, pollIntervalMs, timeoutMs, ...(options.signal ? { signal: options.signal } : {}) };
  let plan: SsisPlan | undefined;
  try {
    sink.log('info', `Connected to ${client.target}.`);
    if (!(await ssisdbExists(client))) throw ssisdbMissing(client.target);
    const seen = await observeCatalog(client, target);
    const { folder, environmentFolder } = seen;
    const projectPlan = diffProject(target, seen.project, seen.deployedSha256);
    const partial: Omit<SsisPlan, 'upToDate'> = {
      server: client.target,
      folder: { name: s.folder, action: folder ? 'unchanged' : 'create' },
      ...(s.environmentFolder !== s.folder ? { environmentFolder: { name: s.environmentFolder, action: environmentFolder ? 'unchanged' : 'create' } } : {}),
      project: projectPlan,
      environment: { name: s.environment, folder: s.environmentFolder, action: seen.environment ? 'unchanged' : 'create' },
      variables: diffVariables(target, seen.variables),
      reference: diffReference(target, seen.references),
      bindings: diffBindings(target, seen.parameters, redact),
      validate: s.validate,
    };
    plan = { ...partial, upToDate: planIsUpToDate(partial) };
    // Before anything changes: what `drop-runner rollback` needs to go back (ssis-rollback.ts).
    const rollbackPoint = ssisRollbackPoint(s.folder, s.environmentFolder, s.environment, plan, seen, redact);
    if (rollbackPoint) sink.artifact(rollbackPoint);

    await ensureFolder(ctx, s.folder, folder?.folder_id);
    if (s.environmentFolder !== s.folder) await ensureFolder(ctx, s.environmentFolder, environmentFolder?.folder_id);
    sink.progress(10, 'folder');

    const operationId = await ensureProject(ctx, plan);
    sink.progress(60, 'project');

    const projectFolder = (await readFolder(client, s.folder))!;
    const project = await readProject(client, projectFolder.folder_id, target.projectName);
    if (!project) throw new AppError('SSIS_PROJECT_MISSING', `Project ${target.projectName} is not in folder ${s.folder} after the deployment.`, 'Check catalog.operations for the deployment and that this account may read the project.');

    await ensureEnvironment(ctx, seen.environment !== undefined);
    sink.progress(65, 'environment');
    await applyVariables(ctx, plan);
    sink.progress(85, 'variables');

    const referenceId = await ensureReference(ctx, project.project_id);
    sink.progress(88, 'reference');
    await applyBindings(ctx, project.project_id, redact);
    sink.progress(97, 'parameters');

    let validationId: string | undefined;
    if (s.validate) validationId = await runValidation(ctx, referenceId);
    sink.progress(100, 'done');
    sink.log('info', `SSIS project ${target.projectName} is deployed and configured in folder ${s.folder}.`);
    return {
      outcome: 'succeeded',
      projectName: target.projectName,
      plan,
      ...(operationId ? { operationId } : {}),
      ...(validationId ? { validationId } : {}),
      artifacts: sink.artifacts,
    };
  } catch (error) {
    const appError = catalogError(error, { target: client.target, folder: s.folder, redact });
    if (appError.code === 'SSIS_CANCELLED' || options.signal?.aborted) {
      sink.log('warn', `The SSIS step was cancelled: ${appError.message}`);
      return { outcome: 'cancelled', projectName: target.projectName, plan: plan ?? emptyPlan(target, client.target), artifacts: sink.artifacts };
    }
    sink.log('error', `${appError.code}: ${appError.message}`);
    throw appError;
  } finally {
    await client.close();
  }
}

interface RunContext {
  client: CatalogClient;
  target: SsisTarget;
  sink: SsisEventSink;
  pollIntervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

function emptyPlan(target: SsisTarget, server: string): SsisPlan {
  const s = target.settings;
  return {
    server,
    folder: { name: s.folder, action: 'unchanged' },
    project: diffProject(target, undefined, undefined),
    environment: { name: s.environment, folder: s.environmentFolder, action: 'unchanged' },
    variables: [],
    reference: diffReference(target, []),
    bindings: [],
    validate: s.validate,
    upToDate: false,
  };
}

async function ensureFolder(ctx: RunContext, name: string, existingId: string | undefined): Promise<void> {
  if (existingId) {
    ctx.sink.artifact({ kind: 'ssis-folder', name, action: 'unchanged' });
    return;
  }
  const id = await createFolder(ctx.client, name);
  ctx.sink.log('info', `Created catalog folder ${name} (folder_id ${id}).`);
  ctx.sink.artifact({ kind: 'ssis-folder', name, action: 'created' });
}

async function ensureProject(ctx: RunContext, plan: SsisPlan): Promise<string | undefined> {
  const { target, sink, client } = ctx;
  const p = plan.project;
  if (p.action === 'unchanged') {
    sink.log('info', `Project ${target.projectName} in folder ${target.settings.folder} already holds this .ispac (sha256 ${target.ispacSha256}); not redeployed.`);
    sink.artifact({ kind: 'ssis-project', name: target.projectName, action: 'unchanged', sha256: target.ispacSha256, ...(target.ispacVersion ? { detail: `version ${target.ispacVersion}` } : {}) });
    return undefined;
  }
  sink.log('info', `${p.action === 'deploy' ? 'Deploying' : 'Redeploying'} ${target.ispacLabel} (${target.ispacBytes.length} bytes) with catalog.deploy_project…`);
  let operationId: string;
  try {
    operationId = await deployProject(client, target.settings.folder, target.projectName, target.ispacBytes);
  } catch (error) {
    // deploy_project raises 27203 naming the operation whose messages explain the failure.
    const e = error as { number?: number; message?: string };
    const id = e.number === 27203 ? /identifier '?(\d+)/i.exec(e.message ?? '')?.[1] : undefined;
    if (id === undefined) throw error;
    const outcome = await watchOperation(client, id, sink, { timeoutMs: ctx.timeoutMs, pollIntervalMs: ctx.pollIntervalMs, label: 'deployment', ...(ctx.signal ? { signal: ctx.signal } : {}) });
    throw operationFailed('deployment', { ...outcome, succeeded: false }, 'Read the operation messages in the log; fix the project or the server (e.g. missing components, protection level), then retry.');
  }
  sink.log('info', `catalog.deploy_project started operation ${operationId}.`);
  const outcome = await watchOperation(client, operationId, sink, { timeoutMs: ctx.timeoutMs, pollIntervalMs: ctx.pollIntervalMs, label: 'deployment', ...(ctx.signal ? { signal: ctx.signal } : {}) });
  if (!outcome.succeeded) throw operationFailed('deployment', outcome, 'Read the operation messages in the log; fix the project or the server (e.g. missing components, protection level), then retry.');
  sink.artifact({
    kind: 'ssis-project',
    name: target.projectName,
    action: p.action === 'deploy' ? 'deployed' : 'redeployed',
    sha256: target.ispacSha256,
    operationId,
    detail: `${target.ispacVersion ? `version ${target.ispacVersion}, ` : ''}folder ${target.settings.folder}`,
  });
  return operationId;
}

async function ensureEnvironment(ctx: RunContext, exists: boolean): Promise<void> {
  const s = ctx.target.settings;
  const name = `${s.environmentFolder}/${s.environment}`;
  if (exists) {
    ctx.sink.artifact({ kind: 'ssis-environment', name, action: 'unchanged' });
    return;
  }
  await createEnvironment(ctx.client, s.environmentFolder, s.environment, `Created by Drop Runner for ${ctx.target.projectName}`);
  ctx.sink.log('info', `Created environment ${name}.`);
  ctx.sink.artifact({ kind: 'ssis-environment', name, action: 'created' });
}

async function applyVariables(ctx: RunContext, plan: SsisPlan): Promise<void> {
  const s = ctx.target.settings;
  const declared = new Map(s.environmentVariables.map((v) => [v.name.toLowerCase(), v]));
  for (const pv of plan.variables) {
    const key: VariableKey = { folder: s.environmentFolder, environment: s.environment, variable: pv.name };
    const detail = `${pv.type}${pv.sensitive ? ', sensitive' : ''}`;
    if (pv.action === 'keep') {
      ctx.sink.log('info', `Environment variable ${pv.name} is not declared by the drop; kept (removeUndeclaredVariables is off).`);
      continue;
    }
    if (pv.action === 'remove') {
      await deleteEnvironmentVariable(ctx.client, key);
      ctx.sink.log('info', `Removed environment variable ${pv.name}, which the drop no longer declares.`);
      ctx.sink.artifact({ kind: 'ssis-variable', name: pv.name, action: 'removed', detail });
      continue;
    }
    const v = declared.get(pv.name.toLowerCase())!;
    const value = toTypedValue(v.type, v.value);
    if (pv.action === 'unchanged') {
      ctx.sink.artifact({ kind: 'ssis-variable', name: v.name, action: 'unchanged', detail });
      continue;
    }
    if (pv.action === 'create' || pv.action === 'recreate') {
      if (pv.action === 'recreate') await deleteEnvironmentVariable(ctx.client, key);
      await createEnvironmentVariable(ctx.client, key, v.type, v.sensitive, value, v.description);
      ctx.sink.log('info', `${pv.action === 'create' ? 'Created' : `Recreated (type ${pv.catalogType} → ${v.type})`} environment variable ${v.name} as ${value.sqlTypeName}${v.sensitive ? ', sensitive' : ''}.`);
      ctx.sink.artifact({ kind: 'ssis-variable', name: v.name, action: pv.action === 'create' ? 'created' : 'recreated', detail });
      continue;
    }
    if (pv.changes.includes('sensitive')) await setEnvironmentVariableProtection(ctx.client, key, v.sensitive);
    if (pv.changes.includes('description')) await setEnvironmentVariableDescription(ctx.client, key, v.description);
    if (pv.changes.includes('value')) await setEnvironmentVariableValue(ctx.client, key, value);
    const what = pv.action === 'set-secret' ? 'value set again (secret values cannot be read back to compare)' : `changed: ${pv.changes.join(', ')}`;
    ctx.sink.log('info', `Environment variable ${v.name}: ${what}.`);
    ctx.sink.artifact({ kind: 'ssis-variable', name: v.name, action: pv.action === 'set-secret' ? 'updated (secret)' : 'updated', detail: `${detail}; ${pv.changes.join(', ')}` });
  }
}

async function ensureReference(ctx: RunContext, projectId: string): Promise<string> {
  const s = ctx.target.settings;
  const planned = diffReference(ctx.target, await readReferences(ctx.client, projectId));
  const label = planned.type === 'A' ? `${s.environmentFolder}/${s.environment} (absolute)` : `${s.environment} (relative)`;
  if (planned.action === 'unchanged') {
    ctx.sink.artifact({ kind: 'ssis-reference', name: label, action: 'unchanged', detail: `reference_id ${planned.referenceId}` });
    return planned.referenceId!;
  }
  if (planned.action === 'change-type') {
    await setEnvironmentReferenceType(ctx.client, planned.referenceId!, planned.type, s.environmentFolder);
    ctx.sink.log('info', `Changed the environment reference ${planned.referenceId} to ${label}.`);
    ctx.sink.artifact({ kind: 'ssis-reference', name: label, action: 'updated', detail: `reference_id ${planned.referenceId}` });
    return planned.referenceId!;
  }
  const id = await createEnvironmentReference(ctx.client, s.folder, ctx.target.projectName, s.environment, planned.type, s.environmentFolder);
  ctx.sink.log('info', `Project ${ctx.target.projectName} now references environment ${label} (reference_id ${id}).`);
  ctx.sink.artifact({ kind: 'ssis-reference', name: label, action: 'created', detail: `reference_id ${id}` });
  return id;
}

async function applyBindings(ctx: RunContext, projectId: string, redact: (text: string) => string): Promise<void> {
  const { target, client, sink } = ctx;
  const rows = await readParameters(client, projectId);
  const planned = diffBindings(target, rows, redact);
  for (const [i, b] of target.bindings.entries()) {
    const p = planned[i]!;
    const name = b.objectType === 'package' ? `${b.package}::${b.parameter}` : b.parameter;
    const detail = p.kind === 'referenced' ? `referenced → ${b.variable}` : `literal ${p.shown}`;
    if (p.action === 'unchanged') {
      sink.artifact({ kind: 'ssis-parameter', name, action: 'unchanged', detail });
      continue;
    }
    if (!findParameter(b, rows)) {
      throw new AppError('SSIS_PARAMETER_NOT_FOUND', `The deployed project ${target.projectName} has no ${b.objectType} parameter ${name}.`, 'The catalog\'s project differs from the .ispac: check the deployment messages, or the parameter name (case-sensitive).');
    }
    const infos = await setObjectParameterValue(client, {
      objectType: b.objectType === 'project' ? 20 : 30,
      folder: target.settings.folder,
      project: target.projectName,
      parameter: b.parameter,
      ...(b.objectType === 'package' ? { objectName: b.package! } : {}),
      valueType: b.variable !== undefined ? 'R' : 'V',
      value: b.variable !== undefined ? toTypedValue('String', b.variable) : toTypedValue(b.dataType, b.value!),
    });
    for (const info of infos) sink.warning(`${name}: ${info}`);
    sink.log('info', `Bound ${b.objectType} parameter ${name}: ${detail}.`);
    sink.artifact({ kind: 'ssis-parameter', name, action: 'bound', detail });
  }
}

async function runValidation(ctx: RunContext, referenceId: string): Promise<string> {
  const { client, target, sink } = ctx;
  sink.log('info', `Validating project ${target.projectName} against its environment reference ${referenceId}…`);
  const id = await validateProject(client, target.settings.folder, target.projectName, referenceId);
  const outcome = await watchOperation(client, id, sink, { timeoutMs: ctx.timeoutMs, pollIntervalMs: ctx.pollIntervalMs, label: 'validation', ...(ctx.signal ? { signal: ctx.signal } : {}) });
  if (!outcome.succeeded) throw operationFailed('validation', outcome, 'Read the validation messages in the log: usually a required parameter without a value or a connection the server cannot open. Fix it, then retry.');
  sink.artifact({ kind: 'other', name: `validation of ${target.projectName}`, action: 'succeeded', operationId: id });
  return id;
}
