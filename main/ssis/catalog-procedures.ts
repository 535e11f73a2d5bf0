/**
 * Typed calls of the SSISDB catalog procedures, with the parameter names, types and OUTPUT
 * parameters of Microsoft's documentation. Values for sql_variant parameters arrive already typed
 * (see ssis-data-types); nothing here ever sends sql_variant.
 */
import { createHash } from 'node:crypto';
import sql from 'mssql';
import type { CatalogClient, CatalogParam } from './catalog-client';
import type { TypedValue } from './ssis-data-types';

const P = (name: string) => `[SSISDB].[catalog].[${name}]`;
const name = (n: string, value: string): CatalogParam => ({ name: n, type: sql.NVarChar(128), value });
const variant = (n: string, v: TypedValue): CatalogParam => ({ name: n, type: v.type, value: v.value });

/** catalog.create_folder; returns the new folder_id. */
export async function createFolder(client: CatalogClient, folder: string): Promise<string> {
  const r = await client.execute(P('create_folder'), [name('folder_name', folder)], { folder_id: sql.BigInt() });
  return String(r.output.folder_id);
}

/** catalog.deploy_project with the raw .ispac bytes; returns the deploy operation id. */
export async function deployProject(client: CatalogClient, folder: string, project: string, ispac: Buffer): Promise<string> {
  const r = await client.execute(
    P('deploy_project'),
    [name('folder_name', folder), name('project_name', project), { name: 'project_stream', type: sql.VarBinary(sql.MAX), value: ispac }],
    { operation_id: sql.BigInt() },
  );
  return String(r.output.operation_id);
}

/** catalog.get_project: the SHA-256 of the deployed project stream, or undefined when none came back. */
export async function deployedProjectSha256(client: CatalogClient, folder: string, project: string): Promise<string | undefined> {
  const r = await client.execute(P('get_project'), [name('folder_name', folder), name('project_name', project)]);
  const row = r.recordsets[0]?.[0];
  const stream = row ? Object.values(row)[0] : undefined;
  return Buffer.isBuffer(stream) ? createHash('sha256').update(stream).digest('hex') : undefined;
}

/** catalog.create_environment. */
export async function createEnvironment(client: CatalogClient, folder: string, environment: string, description: string): Promise<void> {
  await client.execute(P('create_environment'), [name('folder_name', folder), name('environment_name', environment), { name: 'environment_description', type: sql.NVarChar(1024), value: description }]);
}

/** Identifies one environment variable. */
export interface VariableKey {
  folder: string;
  environment: string;
  variable: string;
}

const keyParams = (k: VariableKey): CatalogParam[] => [name('folder_name', k.folder), name('environment_name', k.environment), name('variable_name', k.variable)];

/** catalog.create_environment_variable with a concretely typed value. */
export async function createEnvironmentVariable(client: CatalogClient, k: VariableKey, dataType: string, sensitive: boolean, value: TypedValue, description: string): Promise<void> {
  await client.execute(P('create_environment_variable'), [
    ...keyParams(k),
    name('data_type', dataType),
    { name: 'sensitive', type: sql.Bit(), value: sensitive },
    variant('value', value),
    { name: 'description', type: sql.NVarChar(1024), value: description },
  ]);
}

/** catalog.set_environment_variable_value. */
export async function setEnvironmentVariableValue(client: CatalogClient, k: VariableKey, value: TypedValue): Promise<void> {
  await client.execute(P('set_environment_variable_value'), [...keyParams(k), variant('value', value)]);
}

/** catalog.set_environment_variable_protection (the sensitive bit). */
export async function setEnvironmentVariableProtection(client: CatalogClient, k: VariableKey, sensitive: boolean): Promise<void> {
  await client.execute(P('set_environment_variable_protection'), [...keyParams(k), { name: 'sensitive', type: sql.Bit(), value: sensitive }]);
}

/** catalog.set_environment_variable_property for Description (the only property it sets). */
export async function setEnvironmentVariableDescription(client: CatalogClient, k: VariableKey, description: string): Promise<void> {
  await client.execute(P('set_environment_variable_property'), [...keyParams(k), name('property_name', 'Description'), { name: 'property_value', type: sql.NVarChar(4000), value: description }]);
}

/** catalog.delete_environment_variable. */
export async function deleteEnvironmentVariable(client: CatalogClient, k: VariableKey): Promise<void> {
  await client.execute(P('delete_environment_variable'), keyParams(k));
}

/** catalog.create_environment_reference ('R' relative or 'A' absolute with the environment's folder); returns reference_id. */
export async function createEnvironmentReference(client: CatalogClient, folder: string, project: string, environment: string, type: 'R' | 'A', environmentFolder: string): Promise<string> {
  const params: CatalogParam[] = [name('folder_name', folder), name('project_name', project), name('environment_name', environment), { name: 'reference_location', type: sql.Char(1), value: type }];
  if (type === 'A') params.push(name('environment_folder_name', environmentFolder));
  const r = await client.execute(P('create_environment_reference'), params, { reference_id: sql.BigInt() });
  return String(r.output.reference_id);
}

/** catalog.set_environment_reference_type: turns an existing reference relative or absolute. */
export async function setEnvironmentReferenceType(client: CatalogClient, referenceId: string, type: 'R' | 'A', environmentFolder: string): Promise<void> {
  const params: CatalogParam[] = [{ name: 'reference_id', type: sql.BigInt(), value: referenceId }, { name: 'reference_type', type: sql.Char(1), value: type }];
  if (type === 'A') params.push(name('environment_folder_name', environmentFolder));
  await client.execute(P('set_environment_reference_type'), params);
}

/** What catalog.set_object_parameter_value sets. */
export interface ParameterValue {
  objectType: 20 | 30;
  folder: string;
  project: string;
  parameter: string;
  /** The package (.dtsx) for object type 30. */
  objectName?: string;
  /** 'R': the value is the environment variable's name; 'V': a literal of the parameter's type. */
  valueType: 'R' | 'V';
  value: TypedValue;
}

/** catalog.set_object_parameter_value; returns the server's informational messages (27148 type warnings). */
export async function setObjectParameterValue(client: CatalogClient, p: ParameterValue): Promise<string[]> {
  const params: CatalogParam[] = [
    { name: 'object_type', type: sql.SmallInt(), value: p.objectType },
    name('folder_name', p.folder),
    name('project_name', p.project),
    name('parameter_name', p.parameter),
    variant('parameter_value', p.value),
  ];
  if (p.objectType === 30) params.push({ name: 'object_name', type: sql.NVarChar(260), value: p.objectName ?? '' });
  params.push({ name: 'value_type', type: sql.Char(1), value: p.valueType });
  const r = await client.execute(P('set_object_parameter_value'), params);
  return r.infos.map((i) => i.message);
}

/** catalog.validate_project (full validation against one environment reference); returns the validation operation id. */
export async function validateProject(client: CatalogClient, folder: string, project: string, referenceId: string | undefined): Promise<string> {
  const params: CatalogParam[] = [
    name('folder_name', folder),
    name('project_name', project),
    { name: 'validate_type', type: sql.Char(1), value: 'F' },
    { name: 'use32bitruntime', type: sql.Bit(), value: false },
    { name: 'environment_scope', type: sql.Char(1), value: referenceId === undefined ? 'D' : 'S' },
  ];
  if (referenceId !== undefined) params.push({ name: 'reference_id', type: sql.BigInt(), value: referenceId });
  const r = await client.execute(P('validate_project'), params, { validation_id: sql.BigInt() });
  return String(r.output.validation_id);
}
