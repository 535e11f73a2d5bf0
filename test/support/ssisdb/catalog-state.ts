import type { SqlValue } from '../tds-server/index';

/**
 * The emulated SSISDB catalog: folders, projects (with the exact bytes received), parameters,
 * environments, variables, references and operations with their messages. Plain data that tests
 * may read (and, to set up a scenario, change) directly.
 */

/** A value as stored in a sql_variant column: its base type and value. */
export interface StoredValue {
  baseType: string;
  value: SqlValue;
}

export interface EmulatedFolder {
  folder_id: number;
  name: string;
  description: string | null;
  created_by_name: string;
  created_time: Date;
}

export interface EmulatedProject {
  project_id: number;
  folder_id: number;
  name: string;
  description: string;
  /** The .ispac bytes exactly as catalog.deploy_project received them. */
  stream: Buffer;
  deployed_by_name: string;
  last_deployed_time: Date;
  created_time: Date;
  object_version_lsn: number;
  packages: string[];
}

/** One row of catalog.object_versions: every deployment of a project keeps its bytes (restore_project uses them). */
export interface EmulatedObjectVersion {
  object_version_lsn: number;
  object_id: number;
  object_type: 20;
  object_name: string;
  description: string;
  created_by: string;
  created_time: Date;
  restored_by: string | null;
  last_restored_time: Date | null;
  stream: Buffer;
}

export interface EmulatedParameter {
  parameter_id: number;
  project_id: number;
  object_type: 20 | 30;
  object_name: string;
  parameter_name: string;
  data_type: string;
  required: boolean;
  sensitive: boolean;
  description: string;
  design_default_value: string | null;
  /** The server value set with value_type 'V' (kept even when sensitive, for test assertions). */
  default_value: StoredValue | null;
  value_type: 'V' | 'R';
  value_set: boolean;
  referenced_variable_name: string | null;
}

export interface EmulatedEnvironment {
  environment_id: number;
  folder_id: number;
  name: string;
  description: string | null;
}

export interface EmulatedVariable {
  variable_id: number;
  environment_id: number;
  name: string;
  description: string | null;
  /** SSIS data type as declared. */
  type: string;
  sensitive: boolean;
  /** Kept even when sensitive (the real catalog encrypts it); the views hide it. */
  value: StoredValue;
}

export interface EmulatedReference {
  reference_id: number;
  project_id: number;
  reference_type: 'R' | 'A';
  environment_folder_name: string | null;
  environment_name: string;
}

export interface EmulatedOperation {
  operation_id: number;
  /** 101 deploy_project, 300 validate_project. */
  operation_type: number;
  created_time: Date;
  object_type: number;
  object_id: number | null;
  object_name: string;
  status: number;
  start_time: Date;
  end_time: Date | null;
  caller_name: string;
  /** Reads of catalog.operations left before the operation ends (asynchronous scenarios). */
  pollsLeft: number;
  /** Applied when pollsLeft reaches 0. */
  complete?: () => void;
}

export interface EmulatedMessage {
  operation_message_id: number;
  operation_id: number;
  message_time: Date;
  message_type: number;
  message_source_type: number;
  message: string;
}

/** The whole catalog. */
export class EmulatedCatalog {
  folders: EmulatedFolder[] = [];
  projects: EmulatedProject[] = [];
  versions: EmulatedObjectVersion[] = [];
  parameters: EmulatedParameter[] = [];
  environments: EmulatedEnvironment[] = [];
  variables: EmulatedVariable[] = [];
  references: EmulatedReference[] = [];
  operations: EmulatedOperation[] = [];
  messages: EmulatedMessage[] = [];
  private ids = new Map<string, number>();

  /** Next id of a kind (folder, project, …), starting at 1 like IDENTITY columns. */
  nextId(kind: string): number {
    const n = (this.ids.get(kind) ?? 0) + 1;
    this.ids.set(kind, n);
    return n;
  }

  folder(name: string): EmulatedFolder | undefined {
    return this.folders.find((f) => f.name.toLowerCase() === name.toLowerCase());
  }

  project(folderName: string, projectName: string): EmulatedProject | undefined {
    const f = this.folder(folderName);
    return f && this.projects.find((p) => p.folder_id === f.folder_id && p.name.toLowerCase() === projectName.toLowerCase());
  }

  environment(folderName: string, environmentName: string): EmulatedEnvironment | undefined {
    const f = this.folder(folderName);
    return f && this.environments.find((e) => e.folder_id === f.folder_id && e.name.toLowerCase() === environmentName.toLowerCase());
  }

  variable(environment: EmulatedEnvironment, name: string): EmulatedVariable | undefined {
    return this.variables.find((v) => v.environment_id === environment.environment_id && v.name.toLowerCase() === name.toLowerCase());
  }

  /** Adds a message to an operation. */
  message(operationId: number, type: number, text: string, sourceType = 10): void {
    this.messages.push({ operation_message_id: this.nextId('message'), operation_id: operationId, message_time: new Date(), message_type: type, message_source_type: sourceType, message: text });
  }
}
