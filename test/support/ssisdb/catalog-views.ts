import type { SqlValue } from '../tds-server/index';
import type { EmulatedCatalog, StoredValue } from './catalog-state';

/**
 * The emulated catalog views: their documented columns (with SQL types for the result metadata)
 * and their rows as the caller may see them. Row-level security is modelled the way SSISDB applies
 * it: objects in folders the caller has no permission on are simply not there, and a caller sees
 * only their own operations unless they are ssis_admin.
 */

/** Who asks: decides what the views show. */
export interface ViewCaller {
  catalog: EmulatedCatalog;
  canSeeFolder(folderId: number): boolean;
  isAdmin: boolean;
  name: string;
}

/** A view cell: a plain value or a sql_variant (read as text through CONVERT). */
export type ViewCell = SqlValue | { variant: StoredValue | null };

export interface ViewDefinition {
  columns: Record<string, string>;
  rows(caller: ViewCaller): Array<Record<string, ViewCell>>;
}

const v = (value: StoredValue | null): ViewCell => ({ variant: value });

/** catalog.<view> → definition. */
export const CATALOG_VIEWS: Record<string, ViewDefinition> = {
  folders: {
    columns: { folder_id: 'bigint', name: 'nvarchar(128)', description: 'nvarchar(1024)', created_by_name: 'nvarchar(128)', created_time: 'datetimeoffset(7)' },
    rows: (c) => c.catalog.folders.filter((f) => c.canSeeFolder(f.folder_id)).map((f) => ({ ...f })),
  },
  projects: {
    columns: {
      project_id: 'bigint',
      folder_id: 'bigint',
      name: 'nvarchar(128)',
      description: 'nvarchar(1024)',
      deployed_by_name: 'nvarchar(128)',
      last_deployed_time: 'datetimeoffset(7)',
      created_time: 'datetimeoffset(7)',
      object_version_lsn: 'bigint',
    },
    rows: (c) =>
      c.catalog.projects
        .filter((p) => c.canSeeFolder(p.folder_id))
        .map((p) => ({ project_id: p.project_id, folder_id: p.folder_id, name: p.name, description: p.description, deployed_by_name: p.deployed_by_name, last_deployed_time: p.last_deployed_time, created_time: p.created_time, object_version_lsn: p.object_version_lsn })),
  },
  object_versions: {
    columns: {
      object_version_lsn: 'bigint',
      object_id: 'bigint',
      object_type: 'smallint',
      object_name: 'nvarchar(128)',
      description: 'nvarchar(1024)',
      created_by: 'nvarchar(128)',
      created_time: 'datetimeoffset(7)',
      restored_by: 'nvarchar(128)',
      last_restored_time: 'datetimeoffset(7)',
    },
    // Row-level security as for projects: versions of projects in folders the caller cannot see are absent.
    rows: (c) =>
      c.catalog.versions
        .filter((v) => {
          const p = c.catalog.projects.find((x) => x.project_id === v.object_id);
          return p !== undefined && c.canSeeFolder(p.folder_id);
        })
        .map((v) => {
          const { stream, ...row } = v;
          void stream;
          return row;
        }),
  },
  environments: {
    columns: { environment_id: 'bigint', name: 'nvarchar(128)', folder_id: 'bigint', description: 'nvarchar(1024)' },
    rows: (c) => c.catalog.environments.filter((e) => c.canSeeFolder(e.folder_id)).map((e) => ({ ...e })),
  },
  environment_variables: {
    columns: { variable_id: 'bigint', environment_id: 'bigint', name: 'nvarchar(128)', description: 'nvarchar(1024)', type: 'nvarchar(128)', sensitive: 'bit', value: 'sql_variant' },
    rows: (c) =>
      c.catalog.variables
        .filter((x) => {
          const env = c.catalog.environments.find((e) => e.environment_id === x.environment_id);
          return env !== undefined && c.canSeeFolder(env.folder_id);
        })
        // The view shows NULL for sensitive values; only the encrypted column holds them.
        .map((x) => ({ variable_id: x.variable_id, environment_id: x.environment_id, name: x.name, description: x.description, type: x.type, sensitive: x.sensitive, value: v(x.sensitive ? null : x.value) })),
  },
  environment_references: {
    columns: { reference_id: 'bigint', project_id: 'bigint', reference_type: 'char(1)', environment_folder_name: 'nvarchar(128)', environment_name: 'nvarchar(128)' },
    rows: (c) =>
      c.catalog.references
        .filter((r) => {
          const p = c.catalog.projects.find((x) => x.project_id === r.project_id);
          return p !== undefined && c.canSeeFolder(p.folder_id);
        })
        .map((r) => ({ ...r })),
  },
  object_parameters: {
    columns: {
      parameter_id: 'bigint',
      project_id: 'bigint',
      object_type: 'smallint',
      object_name: 'nvarchar(260)',
      parameter_name: 'nvarchar(128)',
      data_type: 'nvarchar(128)',
      required: 'bit',
      sensitive: 'bit',
      description: 'nvarchar(1024)',
      design_default_value: 'sql_variant',
      default_value: 'sql_variant',
      value_type: 'char(1)',
      value_set: 'bit',
      referenced_variable_name: 'nvarchar(128)',
    },
    rows: (c) =>
      c.catalog.parameters
        .filter((p) => {
          const project = c.catalog.projects.find((x) => x.project_id === p.project_id);
          return project !== undefined && c.canSeeFolder(project.folder_id);
        })
        .map((p) => ({
          ...p,
          design_default_value: v(p.design_default_value === null || p.sensitive ? null : { baseType: 'nvarchar', value: p.design_default_value }),
          default_value: v(p.sensitive ? null : p.default_value),
        })),
  },
  operations: {
    columns: {
      operation_id: 'bigint',
      operation_type: 'smallint',
      created_time: 'datetimeoffset(7)',
      object_type: 'smallint',
      object_id: 'bigint',
      object_name: 'nvarchar(260)',
      status: 'int',
      start_time: 'datetimeoffset(7)',
      end_time: 'datetimeoffset(7)',
      caller_name: 'nvarchar(128)',
    },
    rows: (c) =>
      c.catalog.operations
        .filter((o) => c.isAdmin || o.caller_name === c.name)
        .map((o) => {
          // Asynchronous operations end after a number of looks at them, as if time had passed.
          if (o.pollsLeft > 0 && --o.pollsLeft === 0) o.complete?.();
          const { pollsLeft, complete, ...row } = o;
          void pollsLeft;
          void complete;
          return row;
        }),
  },
  operation_messages: {
    columns: { operation_message_id: 'bigint', operation_id: 'bigint', message_time: 'datetimeoffset(7)', message_type: 'smallint', message_source_type: 'smallint', message: 'nvarchar(max)', extended_info_id: 'bigint' },
    rows: (c) =>
      c.catalog.messages
        .filter((m) => {
          const op = c.catalog.operations.find((o) => o.operation_id === m.operation_id);
          return op !== undefined && (c.isAdmin || op.caller_name === c.name);
        })
        .map((m) => ({ ...m, extended_info_id: null })),
  },
};
