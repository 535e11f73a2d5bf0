/**
 * The read-only questions the SSIS step asks the catalog, one query per view, each filtered by
 * equality on ids or names (the views' own columns, as documented for SSISDB). Values stored as
 * sql_variant are read through CONVERT(nvarchar(4000), …) — float and datetime2 with explicit
 * styles so nothing is rounded — because the comparison happens on the client.
 */
import sql from 'mssql';
import type { CatalogClient } from './catalog-client';

/** catalog.folders row. */
export interface FolderRow {
  folder_id: string;
  name: string;
}

/** catalog.projects row. */
export interface ProjectRow {
  project_id: string;
  folder_id: string;
  name: string;
  /** ISO 8601 with its offset (CONVERT style 127), e.g. 2026-12-03T13:30:05.1900000Z. */
  last_deployed_time: string | null;
  deployed_by_name: string | null;
  object_version_lsn: string | null;
}

/** catalog.environments row. */
export interface EnvironmentRow {
  environment_id: string;
  folder_id: string;
  name: string;
}

/** catalog.environment_variables row; value_text is NULL for sensitive variables (the view hides them). */
export interface VariableRow {
  variable_id: string;
  name: string;
  type: string;
  sensitive: boolean;
  description: string | null;
  value_text: string | null;
}

/** catalog.environment_references row. */
export interface ReferenceRow {
  reference_id: string;
  environment_name: string;
  environment_folder_name: string | null;
  reference_type: 'R' | 'A';
}

/** catalog.object_parameters row (object_type 20 project, 30 package). */
export interface ParameterRow {
  object_type: number;
  object_name: string;
  parameter_name: string;
  data_type: string;
  required: boolean;
  sensitive: boolean;
  value_type: 'V' | 'R';
  value_set: boolean;
  referenced_variable_name: string | null;
  default_value_text: string | null;
}

/** catalog.operations row. */
export interface OperationRow {
  operation_id: string;
  operation_type: number;
  status: number;
}

/** catalog.operation_messages row. */
export interface OperationMessageRow {
  operation_message_id: string;
  message_type: number;
  message_source_type: number | null;
  message: string | null;
}

const NAME = () => sql.NVarChar(128);

// sql_variant → text; float/real keep 17 digits (style 3), datetime2 keeps ISO 8601 (style 126).
const variantText = (column: string, alias: string) =>
  `CASE WHEN SQL_VARIANT_PROPERTY(${column}, 'BaseType') IN ('float', 'real') THEN CONVERT(nvarchar(4000), CONVERT(float, ${column}), 3) ` +
  `WHEN SQL_VARIANT_PROPERTY(${column}, 'BaseType') IN ('datetime', 'datetime2', 'smalldatetime', 'date', 'datetimeoffset') THEN CONVERT(nvarchar(4000), CONVERT(datetime2, ${column}), 126) ` +
  `ELSE CONVERT(nvarchar(4000), ${column}) END AS ${alias}`;

/**
 * The query texts, exported so the SSISDB emulation in the tests and this code agree on them. The
 * catalog's times are datetimeoffset; the one that is used is read as ISO 8601 text (style 127), so no
 * driver has to decode datetimeoffset (FreeTDS's ODBC driver aborts the process on it) and every
 * driver yields the same instant.
 */
export const CATALOG_QUERIES = {
  ssisdb: `SELECT DB_ID(N'SSISDB') AS database_id;`,
  folder: `SELECT folder_id, name FROM [SSISDB].[catalog].[folders] WHERE name = @folder_name;`,
  project: `SELECT project_id, folder_id, name, CONVERT(nvarchar(40), last_deployed_time, 127) AS last_deployed_time, deployed_by_name, object_version_lsn FROM [SSISDB].[catalog].[projects] WHERE folder_id = @folder_id AND name = @project_name;`,
  environment: `SELECT environment_id, folder_id, name FROM [SSISDB].[catalog].[environments] WHERE folder_id = @folder_id AND name = @environment_name;`,
  variables: `SELECT variable_id, name, type, sensitive, description, ${variantText('value', 'value_text')} FROM [SSISDB].[catalog].[environment_variables] WHERE environment_id = @environment_id ORDER BY name;`,
  references: `SELECT reference_id, environment_name, environment_folder_name, reference_type FROM [SSISDB].[catalog].[environment_references] WHERE project_id = @project_id ORDER BY reference_id;`,
  parameters: `SELECT object_type, object_name, parameter_name, data_type, required, sensitive, value_type, value_set, referenced_variable_name, ${variantText('default_value', 'default_value_text')} FROM [SSISDB].[catalog].[object_parameters] WHERE project_id = @project_id ORDER BY object_type, object_name, parameter_name;`,
  operation: `SELECT operation_id, operation_type, status FROM [SSISDB].[catalog].[operations] WHERE operation_id = @operation_id;`,
  messages: `SELECT operation_message_id, message_type, message_source_type, message FROM [SSISDB].[catalog].[operation_messages] WHERE operation_id = @operation_id AND operation_message_id > @after_id ORDER BY operation_message_id;`,
} as const;

const id = (name: string, value: string) => ({ name, type: sql.BigInt(), value });
const text = (name: string, value: string) => ({ name, type: NAME(), value });

/** bigint columns arrive as strings from tedious; normalise numbers too. */
function ids<T>(rows: T[], keys: Array<keyof T>): T[] {
  for (const row of rows) for (const k of keys) if (row[k] !== null && row[k] !== undefined) (row as Record<keyof T, unknown>)[k] = String(row[k]);
  return rows;
}

/** True when the SSISDB database exists on the server. */
export async function ssisdbExists(client: CatalogClient): Promise<boolean> {
  const rows = await client.query<{ database_id: number | null }>('check for SSISDB', CATALOG_QUERIES.ssisdb);
  return rows[0]?.database_id !== null && rows[0]?.database_id !== undefined;
}

/** The folder with this name, if the caller may see it. */
export async function readFolder(client: CatalogClient, folderName: string): Promise<FolderRow | undefined> {
  return ids(await client.query<FolderRow>('read catalog.folders', CATALOG_QUERIES.folder, [text('folder_name', folderName)]), ['folder_id'])[0];
}

/** The project in a folder, if deployed. */
export async function readProject(client: CatalogClient, folderId: string, projectName: string): Promise<ProjectRow | undefined> {
  const rows = await client.query<ProjectRow>('read catalog.projects', CATALOG_QUERIES.project, [id('folder_id', folderId), text('project_name', projectName)]);
  return ids(rows, ['project_id', 'folder_id', 'object_version_lsn'])[0];
}

/** The environment in a folder, if it exists. */
export async function readEnvironment(client: CatalogClient, folderId: string, environmentName: string): Promise<EnvironmentRow | undefined> {
  const rows = await client.query<EnvironmentRow>('read catalog.environments', CATALOG_QUERIES.environment, [id('folder_id', folderId), text('environment_name', environmentName)]);
  return ids(rows, ['environment_id', 'folder_id'])[0];
}

/** Every variable of an environment. */
export async function readVariables(client: CatalogClient, environmentId: string): Promise<VariableRow[]> {
  const rows = await client.query<VariableRow>('read catalog.environment_variables', CATALOG_QUERIES.variables, [id('environment_id', environmentId)]);
  return ids(rows, ['variable_id']).map((r) => ({ ...r, sensitive: Boolean(r.sensitive) }));
}

/** Every environment reference of a project. */
export async function readReferences(client: CatalogClient, projectId: string): Promise<ReferenceRow[]> {
  return ids(await client.query<ReferenceRow>('read catalog.environment_references', CATALOG_QUERIES.references, [id('project_id', projectId)]), ['reference_id']);
}

/** Every project and package parameter of a project. */
export async function readParameters(client: CatalogClient, projectId: string): Promise<ParameterRow[]> {
  const rows = await client.query<ParameterRow>('read catalog.object_parameters', CATALOG_QUERIES.parameters, [id('project_id', projectId)]);
  return rows.map((r) => ({ ...r, object_type: Number(r.object_type), required: Boolean(r.required), sensitive: Boolean(r.sensitive), value_set: Boolean(r.value_set) }));
}

/** One operation's status. */
export async function readOperation(client: CatalogClient, operationId: string): Promise<OperationRow | undefined> {
  const rows = await client.query<OperationRow>('read catalog.operations', CATALOG_QUERIES.operation, [id('operation_id', operationId)]);
  return ids(rows, ['operation_id']).map((r) => ({ ...r, status: Number(r.status), operation_type: Number(r.operation_type) }))[0];
}

/** An operation's messages after a given message id, in order. */
export async function readOperationMessages(client: CatalogClient, operationId: string, afterId: string): Promise<OperationMessageRow[]> {
  const rows = await client.query<OperationMessageRow>('read catalog.operation_messages', CATALOG_QUERIES.messages, [id('operation_id', operationId), id('after_id', afterId)]);
  return ids(rows, ['operation_message_id']).map((r) => ({ ...r, message_type: Number(r.message_type) }));
}
