import type { ErrorSpec, ResponseSpec, RpcParam, SqlValue, TdsRequest } from '../tds-server/index';
import { typeName } from '../tds-server/type-info';
import type { EmulatedCatalog, EmulatedOperation, EmulatedParameter, EmulatedProject, StoredValue } from './catalog-state';
import { readEmulatedIspac } from './ispac-reader';
import { CATALOG_SIGNATURES, checkSignature } from './procedure-signatures';
import { baseTypeOf, checkDataTypeValue, isCatalogDataType } from './ssis-value-check';
import { catalogError, sqlLoginError, SsisdbError } from './ssisdb-errors';

/**
 * The behaviour of the emulated catalog procedures: the documented checks in the order the
 * scripted SSISDB bodies make them (27123 first, then NULL arguments, names, existence and
 * permission, then the change), and the operations with messages that deploy and validate leave.
 */

/** Switches a test flips to make the next operation fail. */
export interface SsisdbScenario {
  /** The next deploy operation fails with these error messages (message_type 120). */
  failDeploy?: { messages: string[] };
  /** The next validation fails with these error messages. */
  failValidation?: { messages: string[] };
}

/** Who may do what; see SsisdbOptions. */
export interface CallerRights {
  name: string;
  authKind: 'sql' | 'ntlm' | undefined;
  isAdmin: boolean;
  canSeeFolder(folderId: number): boolean;
}

export interface ProcedureContext {
  req: TdsRequest;
  catalog: EmulatedCatalog;
  scenario: SsisdbScenario;
  caller: CallerRights;
  /** Reads of catalog.operations before a deploy ends (0: deploy_project waits, like SQL Server). */
  deployPolls: number;
  validationPolls: number;
}

type Handler = (ctx: ProcedureContext, call: Call) => ResponseSpec;

class Call {
  constructor(
    readonly procedure: string,
    private readonly req: TdsRequest,
  ) {}
  private param(name: string): RpcParam | undefined {
    return this.req.allParams.find((p) => p.name.toLowerCase() === name);
  }
  value(name: string): SqlValue | undefined {
    return this.param(name)?.value;
  }
  text(name: string): string | null {
    const v = this.value(name);
    return v === undefined || v === null ? null : String(v);
  }
  /** The sql_variant argument: the base type it would have and its value. */
  variant(name: string): StoredValue | null {
    const p = this.param(name);
    if (!p || p.value === null) return null;
    return { baseType: baseTypeOf(typeName(p.type)), value: p.value };
  }
  error(number: number, message: string, state = 1): ResponseSpec {
    return { error: catalogError(number, message, this.procedure, state), returnStatus: 1 };
  }
}

const folderMissing = (call: Call, name: string) => call.error(SsisdbError.FOLDER_NOT_FOUND, `Cannot find the folder '${name}' because it does not exist or you do not have sufficient permissions.`);
const projectMissing = (call: Call, name: string) => call.error(SsisdbError.PROJECT_NOT_FOUND, `Cannot find the project '${name}' because it does not exist or you do not have sufficient permissions.`);
const environmentMissing = (call: Call, name: string) => call.error(SsisdbError.ENVIRONMENT_NOT_FOUND, `The environment '${name}' does not exist or you have not been granted the appropriate permissions to access it.`);
const variableMissing = (call: Call, name: string) => call.error(SsisdbError.VARIABLE_NOT_FOUND, `The environment variable '${name}' does not exist or you have not been granted the appropriate permissions to access it.`);
const nullArgument = (call: Call) => call.error(SsisdbError.NULL_ARGUMENT, 'The input parameter cannot be null. Provide a valid value for the parameter.');

function requireArgs(call: Call, names: string[]): ResponseSpec | undefined {
  return names.some((n) => call.value(n) === undefined || call.value(n) === null) ? nullArgument(call) : undefined;
}

function visibleFolder(ctx: ProcedureContext, name: string) {
  const f = ctx.catalog.folder(name);
  return f && ctx.caller.canSeeFolder(f.folder_id) ? f : undefined;
}

function visibleProject(ctx: ProcedureContext, folder: string, project: string): EmulatedProject | undefined {
  return visibleFolder(ctx, folder) ? ctx.catalog.project(folder, project) : undefined;
}

function validName(name: string): boolean {
  return name.length > 0 && name.length <= 128 && !/[\\/:*?"<>|]/.test(name) && name.trim() === name;
}

function newOperation(ctx: ProcedureContext, type: number, objectType: number, objectId: number | null, objectName: string): EmulatedOperation {
  const op: EmulatedOperation = {
    operation_id: ctx.catalog.nextId('operation'),
    operation_type: type,
    created_time: new Date(),
    object_type: objectType,
    object_id: objectId,
    object_name: objectName,
    status: 2,
    start_time: new Date(),
    end_time: null,
    caller_name: ctx.caller.name,
    pollsLeft: 0,
  };
  ctx.catalog.operations.push(op);
  return op;
}

function endOperation(op: EmulatedOperation, status: number): void {
  op.status = status;
  op.end_time = new Date();
}

/** Stores a deployed project; parameters that survive with the same type keep their server values (as SSISDB does). */
function storeProject(ctx: ProcedureContext, folderId: number, stream: Buffer, ispac: ReturnType<typeof readEmulatedIspac>, restoredLsn?: number): EmulatedProject {
  const c = ctx.catalog;
  const now = new Date();
  let project = c.projects.find((p) => p.folder_id === folderId && p.name.toLowerCase() === ispac.projectName.toLowerCase());
  if (project) {
    // object_version_lsn is catalog-wide (unique across projects, not sequential per project).
    Object.assign(project, { stream: Buffer.from(stream), description: ispac.description, deployed_by_name: ctx.caller.name, last_deployed_time: now, object_version_lsn: restoredLsn ?? c.nextId('lsn'), packages: ispac.packages });
  } else {
    project = { project_id: c.nextId('project'), folder_id: folderId, name: ispac.projectName, description: ispac.description, stream: Buffer.from(stream), deployed_by_name: ctx.caller.name, last_deployed_time: now, created_time: now, object_version_lsn: c.nextId('lsn'), packages: ispac.packages };
    c.projects.push(project);
  }
  if (restoredLsn === undefined) {
    c.versions.push({ object_version_lsn: project.object_version_lsn, object_id: project.project_id, object_type: 20, object_name: project.name, description: project.description, created_by: ctx.caller.name, created_time: now, restored_by: null, last_restored_time: null, stream: Buffer.from(stream) });
  }
  const projectId = project.project_id;
  const old = c.parameters.filter((p) => p.project_id === projectId);
  c.parameters = c.parameters.filter((p) => p.project_id !== projectId);
  for (const ip of ispac.parameters) {
    const objectName = ip.objectType === 20 ? project.name : ip.objectName!;
    const before = old.find((p) => p.object_type === ip.objectType && p.object_name === objectName && p.parameter_name === ip.name && p.data_type === ip.dataType);
    const param: EmulatedParameter = {
      parameter_id: before?.parameter_id ?? c.nextId('parameter'),
      project_id: projectId,
      object_type: ip.objectType,
      object_name: objectName,
      parameter_name: ip.name,
      data_type: ip.dataType,
      required: ip.required,
      sensitive: ip.sensitive,
      description: ip.description,
      design_default_value: ip.designDefault,
      // A restore assigns every parameter its default value (documented); a deploy keeps server values.
      default_value: restoredLsn === undefined ? (before?.default_value ?? null) : null,
      value_type: restoredLsn === undefined ? (before?.value_type ?? 'V') : 'V',
      value_set: restoredLsn === undefined ? (before?.value_set ?? false) : false,
      referenced_variable_name: restoredLsn === undefined ? (before?.referenced_variable_name ?? null) : null,
    };
    c.parameters.push(param);
  }
  return project;
}

const createFolder: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name']);
  if (missing) return missing;
  const name = call.text('@folder_name')!;
  if (!validName(name)) return call.error(SsisdbError.INVALID_NAME, `The name '${name}' is not valid. It cannot be empty, exceed 128 characters, start or end with spaces, or contain \\ / : * ? " < > |.`);
  if (!ctx.caller.isAdmin) return call.error(SsisdbError.FOLDER_ADMIN_ONLY, 'Only members of the ssis_admin or sysadmin server roles can create, delete, or rename a catalog folder.');
  if (ctx.catalog.folder(name)) return call.error(SsisdbError.FOLDER_EXISTS, `The folder '${name}' already exists or you have not been granted the appropriate permissions to change it.`);
  const folder = { folder_id: ctx.catalog.nextId('folder'), name, description: null, created_by_name: ctx.caller.name, created_time: new Date() };
  ctx.catalog.folders.push(folder);
  return { output: { folder_id: folder.folder_id } };
};

const deployProject: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name', '@project_name', '@project_stream']);
  if (missing) return missing;
  const folderName = call.text('@folder_name')!;
  const projectName = call.text('@project_name')!;
  const folder = visibleFolder(ctx, folderName);
  if (!folder) return folderMissing(call, folderName);
  const stream = call.value('@project_stream') as Buffer;
  const op = newOperation(ctx, 101, 20, null, projectName);
  const c = ctx.catalog;
  c.message(op.operation_id, 70, `Deploying project '${projectName}' to folder '${folderName}' (${stream.length} bytes).`);
  const errors: string[] = [];
  let ispac: ReturnType<typeof readEmulatedIspac> | undefined;
  try {
    ispac = readEmulatedIspac(stream);
    if (ispac.projectName !== projectName) errors.push(`The project name '${projectName}' does not match the project name '${ispac.projectName}' in the deployment file.`);
  } catch (error) {
    errors.push((error as Error).message);
  }
  if (ctx.scenario.failDeploy) {
    errors.push(...ctx.scenario.failDeploy.messages);
    delete ctx.scenario.failDeploy;
  }
  const finish = () => {
    if (errors.length > 0 || !ispac) {
      for (const e of errors) c.message(op.operation_id, 120, e, 20);
      endOperation(op, 4);
      return;
    }
    const project = storeProject(ctx, folder.folder_id, stream, ispac);
    op.object_id = project.project_id;
    c.message(op.operation_id, 70, `The project '${project.name}' has been deployed (version ${project.object_version_lsn}).`);
    endOperation(op, 7);
  };
  if (ctx.deployPolls > 0 && errors.length === 0) {
    op.pollsLeft = ctx.deployPolls;
    op.complete = finish;
    return { output: { operation_id: op.operation_id } };
  }
  finish();
  if (op.status !== 7) {
    return { ...call.error(SsisdbError.DEPLOY_FAILED, `Failed to deploy project. For more information, query the operation_messages view for the operation identifier '${op.operation_id}'.`), output: { operation_id: op.operation_id } };
  }
  return { output: { operation_id: op.operation_id } };
};

const getProject: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name', '@project_name']);
  if (missing) return missing;
  const project = visibleProject(ctx, call.text('@folder_name')!, call.text('@project_name')!);
  if (!project) return projectMissing(call, call.text('@project_name')!);
  return { resultSets: [{ columns: [{ name: '', type: 'varbinary(max)' }], rows: [[project.stream]] }] };
};

/**
 * catalog.restore_project: back to an earlier version from catalog.object_versions. Documented:
 * READ and MODIFY on the project (or ssis_admin), errors when the project or the version does not
 * exist or the version belongs to another project, parameters reset to their defaults, environment
 * references unchanged, and the project's bytes returned as a varbinary(max) result set.
 */
const restoreProject: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name', '@project_name', '@object_version_lsn']);
  if (missing) return missing;
  const folderName = call.text('@folder_name')!;
  const projectName = call.text('@project_name')!;
  const lsn = Number(call.value('@object_version_lsn'));
  const folder = visibleFolder(ctx, folderName);
  if (!folder) return folderMissing(call, folderName);
  const project = ctx.catalog.project(folderName, projectName);
  if (!project) return projectMissing(call, projectName);
  const version = ctx.catalog.versions.find((v) => v.object_version_lsn === lsn);
  if (!version || version.object_id !== project.project_id) {
    return call.error(SsisdbError.PROJECT_VERSION_NOT_FOUND, `The project version '${lsn}' does not exist or does not match the project '${projectName}'.`);
  }
  const op = newOperation(ctx, 106, 20, project.project_id, projectName);
  storeProject(ctx, folder.folder_id, version.stream, readEmulatedIspac(version.stream), lsn);
  version.restored_by = ctx.caller.name;
  version.last_restored_time = new Date();
  ctx.catalog.message(op.operation_id, 70, `The project '${projectName}' has been restored to version ${lsn}.`);
  endOperation(op, 7);
  return { resultSets: [{ columns: [{ name: '', type: 'varbinary(max)' }], rows: [[version.stream]] }] };
};

const createEnvironment: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name', '@environment_name']);
  if (missing) return missing;
  const folderName = call.text('@folder_name')!;
  const name = call.text('@environment_name')!;
  const folder = visibleFolder(ctx, folderName);
  if (!folder) return folderMissing(call, folderName);
  if (!validName(name)) return call.error(SsisdbError.INVALID_NAME, `The name '${name}' is not valid.`);
  // Number as the emulation uses it for "environment exists"; the condition is documented, the number is not.
  if (ctx.catalog.environment(folderName, name)) return call.error(SsisdbError.ENVIRONMENT_EXISTS, `The environment '${name}' already exists or you have not been granted the appropriate permissions to create it.`);
  ctx.catalog.environments.push({ environment_id: ctx.catalog.nextId('environment'), folder_id: folder.folder_id, name, description: call.text('@environment_description') });
  return {};
};

function environmentFor(ctx: ProcedureContext, call: Call) {
  const folderName = call.text('@folder_name')!;
  const name = call.text('@environment_name')!;
  return visibleFolder(ctx, folderName) ? ctx.catalog.environment(folderName, name) : undefined;
}

function typeError(call: Call, ssisType: string, reason: string): ResponseSpec {
  return call.error(SsisdbError.VALUE_TYPE, `The data type of the input value is not compatible with the data type of the '${ssisType}': ${reason}.`);
}

const createEnvironmentVariable: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name', '@environment_name', '@variable_name', '@data_type', '@sensitive', '@value']);
  if (missing) return missing;
  const name = call.text('@variable_name')!;
  if (!validName(name)) return call.error(27180, `The environment variable name '${name}' is not valid.`);
  const dataType = call.text('@data_type')!;
  if (!isCatalogDataType(dataType)) return call.error(SsisdbError.DATA_TYPE, `The data type '${dataType}' is not supported for environment variables.`);
  const value = call.variant('@value')!;
  const wrong = checkDataTypeValue(dataType, value.baseType, value.value);
  if (wrong) return typeError(call, dataType, wrong);
  const env = environmentFor(ctx, call);
  if (!env) return environmentMissing(call, call.text('@environment_name')!);
  if (ctx.catalog.variable(env, name)) return call.error(SsisdbError.VARIABLE_EXISTS, `The environment variable '${name}' already exists.`);
  ctx.catalog.variables.push({ variable_id: ctx.catalog.nextId('variable'), environment_id: env.environment_id, name, description: call.text('@description'), type: dataType, sensitive: call.value('@sensitive') === true, value });
  return {};
};

function existingVariable(ctx: ProcedureContext, call: Call): { variable?: ReturnType<EmulatedCatalog['variable']>; error?: ResponseSpec } {
  const missing = requireArgs(call, ['@folder_name', '@environment_name', '@variable_name']);
  if (missing) return { error: missing };
  const env = environmentFor(ctx, call);
  if (!env) return { error: environmentMissing(call, call.text('@environment_name')!) };
  const variable = ctx.catalog.variable(env, call.text('@variable_name')!);
  if (!variable) return { error: variableMissing(call, call.text('@variable_name')!) };
  return { variable };
}

const setEnvironmentVariableValue: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@value']);
  if (missing) return missing;
  const { variable, error } = existingVariable(ctx, call);
  if (error) return error;
  const value = call.variant('@value')!;
  const wrong = checkDataTypeValue(variable!.type, value.baseType, value.value);
  if (wrong) return typeError(call, variable!.type, wrong);
  variable!.value = value;
  return {};
};

const setEnvironmentVariableProtection: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@sensitive']);
  if (missing) return missing;
  const { variable, error } = existingVariable(ctx, call);
  if (error) return error;
  variable!.sensitive = call.value('@sensitive') === true;
  return {};
};

const setEnvironmentVariableProperty: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@property_name']);
  if (missing) return missing;
  const { variable, error } = existingVariable(ctx, call);
  if (error) return error;
  // Description is the only property this procedure sets.
  if (call.text('@property_name')!.toLowerCase() !== 'description') return call.error(SsisdbError.INVALID_ARGUMENT, `The property '${call.text('@property_name')}' is not valid; only Description can be set.`);
  variable!.description = call.text('@property_value');
  return {};
};

const deleteEnvironmentVariable: Handler = (ctx, call) => {
  const { variable, error } = existingVariable(ctx, call);
  if (error) return error;
  ctx.catalog.variables = ctx.catalog.variables.filter((v) => v !== variable);
  return {};
};

// The kit removes its drtest_ folders the way a DBA would: environments and projects first, then the folder.
const deleteEnvironment: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name', '@environment_name']);
  if (missing) return missing;
  if (!visibleFolder(ctx, call.text('@folder_name')!)) return folderMissing(call, call.text('@folder_name')!);
  const env = ctx.catalog.environment(call.text('@folder_name')!, call.text('@environment_name')!);
  if (!env) return environmentMissing(call, call.text('@environment_name')!);
  const c = ctx.catalog;
  c.variables = c.variables.filter((v) => v.environment_id !== env.environment_id);
  c.references = c.references.filter((r) => !(r.environment_name.toLowerCase() === env.name.toLowerCase() && (r.reference_type === 'R' ? c.projects.some((p) => p.project_id === r.project_id && p.folder_id === env.folder_id) : (r.environment_folder_name ?? '').toLowerCase() === call.text('@folder_name')!.toLowerCase())));
  c.environments = c.environments.filter((e) => e !== env);
  return {};
};

const deleteProject: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name', '@project_name']);
  if (missing) return missing;
  const project = visibleProject(ctx, call.text('@folder_name')!, call.text('@project_name')!);
  if (!project) return projectMissing(call, call.text('@project_name')!);
  const c = ctx.catalog;
  c.parameters = c.parameters.filter((p) => p.project_id !== project.project_id);
  c.references = c.references.filter((r) => r.project_id !== project.project_id);
  c.projects = c.projects.filter((p) => p !== project);
  return {};
};

const deleteFolder: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name']);
  if (missing) return missing;
  const name = call.text('@folder_name')!;
  if (!ctx.caller.isAdmin) return call.error(SsisdbError.FOLDER_ADMIN_ONLY, 'Only members of the ssis_admin or sysadmin server roles can create, delete, or rename a catalog folder.');
  const folder = visibleFolder(ctx, name);
  if (!folder) return folderMissing(call, name);
  const c = ctx.catalog;
  // SQL Server refuses a folder that still holds objects; the emulation words it in its own way.
  if (c.projects.some((p) => p.folder_id === folder.folder_id) || c.environments.some((e) => e.folder_id === folder.folder_id)) {
    return { error: { number: 50000, message: `TDS double: the folder '${name}' still contains projects or environments; delete them first.`, class: 16, procedure: 'delete_folder' } };
  }
  c.folders = c.folders.filter((f) => f !== folder);
  return {};
};

const createEnvironmentReference: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name', '@project_name', '@environment_name', '@reference_location']);
  if (missing) return missing;
  const project = visibleProject(ctx, call.text('@folder_name')!, call.text('@project_name')!);
  if (!project) return projectMissing(call, call.text('@project_name')!);
  const location = call.text('@reference_location')!.toUpperCase();
  if (location !== 'R' && location !== 'A') return call.error(SsisdbError.INVALID_ARGUMENT, "The argument 'reference_location' is not valid; use 'R' or 'A'.");
  const envFolder = call.text('@environment_folder_name');
  if (location === 'A' && envFolder === null) return nullArgument(call);
  if (location === 'R' && envFolder !== null) return call.error(SsisdbError.INVALID_ARGUMENT, "A relative reference ('R') takes no environment_folder_name.");
  const environment = call.text('@environment_name')!;
  const folderOfEnv = location === 'A' ? envFolder! : call.text('@folder_name')!;
  const duplicate = ctx.catalog.references.find(
    (r) => r.project_id === project.project_id && r.environment_name.toLowerCase() === environment.toLowerCase() && r.reference_type === location && (location === 'R' || r.environment_folder_name?.toLowerCase() === folderOfEnv.toLowerCase()),
  );
  if (duplicate) return call.error(SsisdbError.REFERENCE_EXISTS, `The project already references environment '${environment}'.`);
  const reference = { reference_id: ctx.catalog.nextId('reference'), project_id: project.project_id, reference_type: location, environment_folder_name: location === 'A' ? envFolder : null, environment_name: environment } as const;
  ctx.catalog.references.push({ ...reference });
  return { output: { reference_id: reference.reference_id } };
};

const setEnvironmentReferenceType: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@reference_id', '@reference_type']);
  if (missing) return missing;
  const reference = ctx.catalog.references.find((r) => String(r.reference_id) === call.text('@reference_id'));
  const project = reference && ctx.catalog.projects.find((p) => p.project_id === reference.project_id);
  if (!reference || !project || !ctx.caller.canSeeFolder(project.folder_id)) return call.error(SsisdbError.INVALID_ARGUMENT, `The environment reference '${call.text('@reference_id')}' does not exist or you do not have permission to change it.`);
  const type = call.text('@reference_type')!.toUpperCase();
  if (type !== 'R' && type !== 'A') return call.error(SsisdbError.INVALID_ARGUMENT, "The argument 'reference_type' is not valid; use 'R' or 'A'.");
  if (type === 'A' && call.text('@environment_folder_name') === null) return nullArgument(call);
  reference.reference_type = type;
  reference.environment_folder_name = type === 'A' ? call.text('@environment_folder_name') : null;
  return {};
};

/** The environment a reference points at. */
function referencedEnvironment(ctx: ProcedureContext, projectId: number, referenceId?: number) {
  const project = ctx.catalog.projects.find((p) => p.project_id === projectId)!;
  const projectFolder = ctx.catalog.folders.find((f) => f.folder_id === project.folder_id)!;
  return ctx.catalog.references
    .filter((r) => r.project_id === projectId && (referenceId === undefined || r.reference_id === referenceId))
    .map((r) => ctx.catalog.environment(r.reference_type === 'A' ? r.environment_folder_name! : projectFolder.name, r.environment_name));
}

const setObjectParameterValue: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name', '@project_name', '@parameter_name', '@parameter_value']);
  if (missing) return missing;
  const objectType = Number(call.value('@object_type'));
  if (objectType !== 20 && objectType !== 30) return call.error(SsisdbError.INVALID_ARGUMENT, "The argument 'object_type' is not valid.");
  const valueType = (call.text('@value_type') ?? 'V').toUpperCase();
  if (valueType !== 'V' && valueType !== 'R') return call.error(SsisdbError.INVALID_ARGUMENT, "The argument 'value_type' is not valid.");
  const project = visibleProject(ctx, call.text('@folder_name')!, call.text('@project_name')!);
  if (!project) return projectMissing(call, call.text('@project_name')!);
  const name = call.text('@parameter_name')!;
  const objectName = call.text('@object_name');
  // Parameter names compare case-sensitively (the procedure uses a _CS_ collation).
  const param = ctx.catalog.parameters.find((p) => p.project_id === project.project_id && p.object_type === objectType && p.parameter_name === name && (objectType === 20 || p.object_name === objectName));
  if (!param) return call.error(SsisdbError.PARAMETER_NOT_FOUND, `The parameter '${name}' does not exist or you do not have sufficient permissions.`);
  const value = call.variant('@parameter_value')!;
  if (valueType === 'V') {
    const wrong = checkDataTypeValue(param.data_type, value.baseType, value.value);
    if (wrong) return typeError(call, param.data_type, wrong);
    Object.assign(param, { default_value: value, value_type: 'V', value_set: true, referenced_variable_name: null });
    return {};
  }
  Object.assign(param, { default_value: null, value_type: 'R', value_set: true, referenced_variable_name: String(value.value) });
  const mismatched = referencedEnvironment(ctx, project.project_id).some((env) => {
    const variable = env && ctx.catalog.variable(env, String(value.value));
    return variable !== undefined && variable.type !== param.data_type;
  });
  return mismatched ? { info: [{ number: SsisdbError.REFERENCE_TYPE_WARNING, class: 10, message: `The data type of the referenced environment variable does not match the data type of parameter '${name}'.`, procedure: call.procedure }] } : {};
};

const validateProject: Handler = (ctx, call) => {
  const missing = requireArgs(call, ['@folder_name', '@project_name']);
  if (missing) return missing;
  const project = visibleProject(ctx, call.text('@folder_name')!, call.text('@project_name')!);
  if (!project) return projectMissing(call, call.text('@project_name')!);
  const scope = (call.text('@environment_scope') ?? 'D').toUpperCase();
  const referenceId = call.value('@reference_id');
  if (scope === 'S' && (referenceId === undefined || referenceId === null)) return nullArgument(call);
  const op = newOperation(ctx, 300, 20, project.project_id, project.name);
  op.pollsLeft = Math.max(1, ctx.validationPolls);
  op.complete = () => {
    const c = ctx.catalog;
    const errors: string[] = [];
    const envs = scope === 'D' ? [] : referencedEnvironment(ctx, project.project_id, scope === 'S' ? Number(referenceId) : undefined);
    for (const p of c.parameters.filter((x) => x.project_id === project.project_id)) {
      const label = p.object_type === 20 ? p.parameter_name : `${p.object_name}::${p.parameter_name}`;
      if (p.value_set && p.value_type === 'R') {
        const variable = envs.map((e) => e && c.variable(e, p.referenced_variable_name!)).find((x) => x !== undefined);
        if (!variable) errors.push(`Parameter '${label}' references environment variable '${p.referenced_variable_name}', which the referenced environment does not contain.`);
        else if (variable.type !== p.data_type) errors.push(`Parameter '${label}' (${p.data_type}) references environment variable '${variable.name}' of type ${variable.type}.`);
      } else if (p.required && !p.value_set) {
        errors.push(`Parameter '${label}' is required but has no server value.`);
      }
    }
    if (ctx.scenario.failValidation) {
      errors.push(...ctx.scenario.failValidation.messages);
      delete ctx.scenario.failValidation;
    }
    c.message(op.operation_id, 10, `Validation of project '${project.name}' started.`);
    for (const e of errors) c.message(op.operation_id, 120, e, 20);
    c.message(op.operation_id, 20, `Validation of project '${project.name}' ${errors.length ? 'failed' : 'succeeded'}.`);
    endOperation(op, errors.length ? 4 : 7);
  };
  return { output: { validation_id: op.operation_id } };
};

/** catalog.<name> → behaviour. */
export const CATALOG_PROCEDURES: Record<string, Handler> = {
  create_folder: createFolder,
  deploy_project: deployProject,
  get_project: getProject,
  restore_project: restoreProject,
  create_environment: createEnvironment,
  create_environment_variable: createEnvironmentVariable,
  set_environment_variable_value: setEnvironmentVariableValue,
  set_environment_variable_protection: setEnvironmentVariableProtection,
  set_environment_variable_property: setEnvironmentVariableProperty,
  delete_environment_variable: deleteEnvironmentVariable,
  create_environment_reference: createEnvironmentReference,
  set_environment_reference_type: setEnvironmentReferenceType,
  set_object_parameter_value: setObjectParameterValue,
  validate_project: validateProject,
  delete_environment: deleteEnvironment,
  delete_project: deleteProject,
  delete_folder: deleteFolder,
};

/** Runs a catalog procedure call: signature check, 27123 for SQL logins, then the behaviour. */
export function callCatalogProcedure(ctx: ProcedureContext, shortName: string): ResponseSpec {
  const procedure = shortName;
  const signature = CATALOG_SIGNATURES[shortName];
  const handler = CATALOG_PROCEDURES[shortName];
  if (!signature || !handler) {
    return { error: { number: 2812, message: `Could not find stored procedure 'catalog.${shortName}' in the SSISDB emulation.`, class: 16, procedure } };
  }
  const wrong: ErrorSpec | undefined = checkSignature(procedure, signature, ctx.req.allParams, (p) => typeName(p.type));
  if (wrong) return { error: wrong };
  // Every implemented procedure starts with the SQL-login check (the scripted bodies all do).
  if (ctx.caller.authKind === 'sql') return { error: sqlLoginError(procedure), returnStatus: 1 };
  return handler(ctx, new Call(procedure, ctx.req));
}
