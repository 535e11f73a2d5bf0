/**
 * The SSIS step's dry run: the same reads the run does, and the same decisions, but no writes.
 */
import { CatalogClient } from './catalog-client';
import { observeCatalog } from './catalog-observation';
import { ssisdbExists } from './catalog-queries';
import { catalogError, ssisdbMissing } from './ssis-errors';
import { diffBindings, diffProject, diffReference, diffVariables, planIsUpToDate, type SsisPlan } from './ssis-plan-model';
import { prepareSsisStep, type SsisStepOptions } from './ssis-step-input';

/** Plans an ssis-project step with read-only queries: folder, project, environment, variables, reference, bindings. */
export async function planSsisStep(options: SsisStepOptions): Promise<SsisPlan> {
  const { target, connection, redact } = await prepareSsisStep(options);
  const s = target.settings;
  const client = await CatalogClient.open(connection, { requestTimeoutMs: s.timeoutSeconds * 1000, ...(options.signal ? { signal: options.signal } : {}) });
  try {
    if (!(await ssisdbExists(client))) throw ssisdbMissing(client.target);
    const seen = await observeCatalog(client, target);
    const plan: Omit<SsisPlan, 'upToDate'> = {
      server: client.target,
      folder: { name: s.folder, action: seen.folder ? 'unchanged' : 'create' },
      ...(s.environmentFolder !== s.folder ? { environmentFolder: { name: s.environmentFolder, action: seen.environmentFolder ? 'unchanged' : 'create' } } : {}),
      project: diffProject(target, seen.project, seen.deployedSha256),
      environment: { name: s.environment, folder: s.environmentFolder, action: seen.environment ? 'unchanged' : 'create' },
      variables: diffVariables(target, seen.variables),
      reference: diffReference(target, seen.references),
      bindings: diffBindings(target, seen.parameters, redact),
      validate: s.validate,
    };
    return { ...plan, upToDate: planIsUpToDate(plan) };
  } catch (error) {
    throw catalogError(error, { target: client.target, folder: s.folder, redact });
  } finally {
    await client.close();
  }
}
