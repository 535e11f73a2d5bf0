/**
 * Everything the SSIS step needs to know about the catalog before it changes anything, read with
 * queries on the catalog views and catalog.get_project (which only reads).
 */
import type { CatalogClient } from './catalog-client';
import { deployedProjectSha256 } from './catalog-procedures';
import {
  readEnvironment,
  readFolder,
  readParameters,
  readProject,
  readReferences,
  readVariables,
  type EnvironmentRow,
  type FolderRow,
  type ParameterRow,
  type ProjectRow,
  type ReferenceRow,
  type VariableRow,
} from './catalog-queries';
import type { SsisTarget } from './ssis-target';

/** The catalog rows that concern one SSIS step. */
export interface CatalogObservation {
  folder?: FolderRow;
  environmentFolder?: FolderRow;
  project?: ProjectRow;
  deployedSha256?: string;
  environment?: EnvironmentRow;
  variables: VariableRow[];
  references: ReferenceRow[];
  parameters: ParameterRow[];
}

/** Reads the folder, project (and its deployed bytes' hash), environment, variables, references and parameters. */
export async function observeCatalog(client: CatalogClient, target: SsisTarget): Promise<CatalogObservation> {
  const s = target.settings;
  const folder = await readFolder(client, s.folder);
  const environmentFolder = s.environmentFolder === s.folder ? folder : await readFolder(client, s.environmentFolder);
  const project = folder ? await readProject(client, folder.folder_id, target.projectName) : undefined;
  const deployedSha256 = project ? await deployedProjectSha256(client, s.folder, target.projectName) : undefined;
  const environment = environmentFolder ? await readEnvironment(client, environmentFolder.folder_id, s.environment) : undefined;
  return {
    ...(folder ? { folder } : {}),
    ...(environmentFolder ? { environmentFolder } : {}),
    ...(project ? { project } : {}),
    ...(deployedSha256 ? { deployedSha256 } : {}),
    ...(environment ? { environment } : {}),
    variables: environment ? await readVariables(client, environment.environment_id) : [],
    references: project ? await readReferences(client, project.project_id) : [],
    parameters: project ? await readParameters(client, project.project_id) : [],
  };
}
