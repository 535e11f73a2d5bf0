import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { runSsisStep, WINDOWS_AUTH_HINT, type RunSsisStepResult, type SsisStepOptions } from '../../../main/ssis/index';
import { eventLog, redactor, resolvedSettings, sampleDrop, SECRETS, startDouble, tenantValues, type Double, type SampleDrop } from './ssis-fixture';

let double: Double;
let drop: SampleDrop;

beforeEach(async () => {
  drop = await sampleDrop();
  double = await startDouble();
});
afterEach(async () => {
  await double.server.close();
});

function options(extra: Partial<SsisStepOptions> = {}, log = eventLog()): SsisStepOptions {
  const r = redactor();
  return {
    stepId: 'ssis-feeds',
    dropRoot: drop.root,
    packagePath: drop.packagePath,
    settings: resolvedSettings(drop),
    connection: double.windows,
    onEvent: log.onEvent,
    redact: (t) => r.redact(t),
    pollIntervalMs: 5,
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the step to fail');
}

const rpcNames = (d: Double) => d.server.recordsOf('rpc').filter((r) => r.procedure !== 'sp_executesql').map((r) => r.procedure.replace(/^\[SSISDB\]\.\[catalog\]\./, '').replace(/[[\]]/g, ''));
const leaks = (text: string) => Object.values(SECRETS).filter((s) => text.includes(s));

describe('runSsisStep on the TDS double with SSISDB', () => {
  it('deploys the sample drop: the bytes, typed and sensitive variables, bindings by reference', async () => {
    const log = eventLog();
    const result = await runSsisStep(options({}, log));
    expect(result.outcome).toBe('succeeded');
    const { catalog } = double.ssisdb;

    // The server received exactly the .ispac in the drop.
    expect(catalog.projects).toHaveLength(1);
    expect(createHash('sha256').update(catalog.projects[0]!.stream).digest('hex')).toBe(drop.ispacSha256);
    const deploy = double.server.recordsOf('rpc').find((r) => r.procedure.endsWith('[deploy_project]'))!;
    expect(deploy.params.find((p) => p.name === '@project_stream')).toMatchObject({ type: 'varbinary(max)', value: { sha256: drop.ispacSha256 } });
    expect(deploy.params.find((p) => p.name === '@operation_id')).toMatchObject({ type: 'bigint', output: true });

    // Variables: SSIS type, sensitivity and the concrete SQL type the value travelled as.
    const vars = Object.fromEntries(catalog.variables.map((v) => [v.name, v]));
    expect(Object.keys(vars).sort()).toEqual(['ApiKey', 'BatchSize', 'SftpHost', 'SftpPassword', 'SftpUser', 'StagingConnectionString']);
    expect(vars.BatchSize).toMatchObject({ type: 'Int32', sensitive: false, value: { baseType: 'int', value: 500 } });
    expect(vars.SftpHost).toMatchObject({ type: 'String', sensitive: false, value: { baseType: 'nvarchar', value: 'sftp.sbrh.example' } });
    for (const name of ['StagingConnectionString', 'SftpPassword', 'ApiKey']) expect(vars[name]).toMatchObject({ type: 'String', sensitive: true });
    expect(vars.ApiKey!.value.value).toBe(SECRETS.ApiKey);
    const createBatch = double.server.recordsOf('rpc').find((r) => r.procedure.endsWith('[create_environment_variable]') && r.params.some((p) => p.name === '@variable_name' && p.value === 'BatchSize'))!;
    expect(createBatch.params.find((p) => p.name === '@value')?.type).toBe('int');
    expect(double.server.recordsOf('rpc').flatMap((r) => r.params.map((p) => p.type))).not.toContain('sql_variant');

    // Reference and bindings.
    expect(catalog.references).toEqual([expect.objectContaining({ reference_type: 'R', environment_name: 'Production', environment_folder_name: null })]);
    const param = (name: string, objectName = 'ClinicalFeeds') => catalog.parameters.find((p) => p.parameter_name === name && p.object_name === objectName)!;
    for (const name of ['StagingConnectionString', 'SftpHost', 'SftpUser', 'SftpPassword', 'ApiKey']) {
      expect(param(name)).toMatchObject({ object_type: 20, value_type: 'R', value_set: true, referenced_variable_name: name });
    }
    expect(param('BatchSize', 'LoadAdmissions.dtsx')).toMatchObject({ object_type: 30, value_type: 'R', referenced_variable_name: 'BatchSize' });
    expect(param('ApiBaseUrl')).toMatchObject({ value_type: 'V', default_value: { baseType: 'nvarchar', value: 'https://ie01.sbrh.example:8443/api' } });
    expect(param('EnableRealTimeAdt')).toMatchObject({ value_type: 'V', default_value: { baseType: 'bit', value: true } });
    const pkgBinding = double.server.recordsOf('rpc').find((r) => r.procedure.endsWith('[set_object_parameter_value]') && r.params.some((p) => p.name === '@object_type' && p.value === 30))!;
    expect(pkgBinding.params).toEqual(expect.arrayContaining([expect.objectContaining({ name: '@object_name', value: 'LoadAdmissions.dtsx' }), expect.objectContaining({ name: '@value_type', type: 'char(1)', value: 'R' })]));

    // Journal: artifacts with the operation id, operation messages streamed with their type.
    const op = catalog.operations.find((o) => o.operation_type === 101)!;
    expect(result.operationId).toBe(String(op.operation_id));
    expect(result.artifacts.find((a) => a.kind === 'ssis-project')).toMatchObject({ action: 'deployed', operationId: String(op.operation_id), sha256: drop.ispacSha256 });
    expect(log.logs().some((l) => l.startsWith(`info: [operation ${op.operation_id} · Information] The project 'ClinicalFeeds' has been deployed`))).toBe(true);
    expect(result.artifacts.filter((a) => a.kind === 'ssis-variable').map((a) => `${a.name}=${a.action}`).sort()).toEqual(
      ['ApiKey=created', 'BatchSize=created', 'SftpHost=created', 'SftpPassword=created', 'SftpUser=created', 'StagingConnectionString=created'],
    );
    expect(log.events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ percent: 100 });
    // Every catalog call came over Windows authentication, and no secret reached the journal.
    expect(new Set(double.server.recordsOf('rpc').map((r) => r.authKind))).toEqual(new Set(['ntlm']));
    expect(leaks(log.text())).toEqual([]);
  });

  it('a second run updates instead of duplicating: nothing recreated, only secrets sent again', async () => {
    await runSsisStep(options());
    const counts = () => {
      const c = double.ssisdb.catalog;
      return [c.folders.length, c.projects.length, c.environments.length, c.variables.length, c.references.length, c.operations.length];
    };
    const before = counts();
    const lsn = double.ssisdb.catalog.projects[0]!.object_version_lsn;
    double.server.clearRecords();
    const log = eventLog();
    const second = await runSsisStep(options({}, log));
    expect(second.outcome).toBe('succeeded');
    expect(counts()).toEqual(before);
    expect(double.ssisdb.catalog.projects[0]!.object_version_lsn).toBe(lsn);
    expect(second.operationId).toBeUndefined();
    // Reads, the deployed project's bytes for comparison, and the three secret values; nothing else.
    expect(rpcNames(double).sort()).toEqual(['get_project', 'set_environment_variable_value', 'set_environment_variable_value', 'set_environment_variable_value']);
    expect(second.artifacts.map((a) => `${a.kind}:${a.name}=${a.action}`)).toEqual(expect.arrayContaining(['ssis-folder:ClinicalDataHub=unchanged', 'ssis-project:ClinicalFeeds=unchanged', 'ssis-variable:BatchSize=unchanged', 'ssis-variable:ApiKey=updated (secret)', 'ssis-reference:Production (relative)=unchanged', 'ssis-parameter:LoadAdmissions.dtsx::BatchSize=unchanged']));
    expect(leaks(log.text())).toEqual([]);

    // A changed tenant value and a new release: the project is redeployed and only that variable changes.
    drop = await sampleDrop('2.5.0');
    double.server.clearRecords();
    const third = await runSsisStep(options({ settings: resolvedSettings(drop, tenantValues({ FeedBatchSize: '1000' })) }));
    expect(third.plan.project.action).toBe('redeploy');
    expect(rpcNames(double).filter((n) => n !== 'set_environment_variable_value' && n !== 'get_project')).toEqual(['deploy_project']);
    expect(double.ssisdb.catalog.variables.find((v) => v.name === 'BatchSize')!.value).toEqual({ baseType: 'int', value: 1000 });
    expect(counts()).toEqual([1, 1, 1, 6, 1, before[5]! + 1]);
    // Server-side bindings survive the redeployment, as SSISDB keeps them.
    expect(double.ssisdb.catalog.parameters.find((p) => p.parameter_name === 'ApiKey')).toMatchObject({ value_type: 'R', referenced_variable_name: 'ApiKey' });
  });

  it('a SQL login fails with the 27123 hint before any write succeeds', async () => {
    const error = await failure(runSsisStep(options({ connection: double.sqlLogin })));
    expect(error.code).toBe('SSIS_WINDOWS_AUTH_REQUIRED');
    expect(error.hint).toBe(WINDOWS_AUTH_HINT);
    expect(error.message).toContain('27123');
    expect(double.ssisdb.catalog.folders).toEqual([]);
  });

  it('a failed deploy operation fails the step with the operation messages in the log', async () => {
    double.ssisdb.scenario.failDeploy = { messages: ['The connection manager "CDH Staging" uses a provider (MSOLEDBSQL.1) that is not installed.'] };
    const log = eventLog();
    const error = await failure(runSsisStep(options({}, log)));
    expect(error.code).toBe('SSIS_OPERATION_FAILED');
    expect(error.message).toContain('MSOLEDBSQL.1) that is not installed');
    const op = double.ssisdb.catalog.operations[0]!;
    expect(error.details).toMatchObject({ operationId: String(op.operation_id), status: 4 });
    expect(log.logs()).toContain(`error: [operation ${op.operation_id} · Error] The connection manager "CDH Staging" uses a provider (MSOLEDBSQL.1) that is not installed.`);
    expect(double.ssisdb.catalog.projects).toEqual([]);
  });

  it('a project-name mismatch fails before anything is sent', async () => {
    const error = await failure(runSsisStep(options({ settings: resolvedSettings(drop, tenantValues(), { projectName: 'ClinicalFeedz' }) })));
    expect(error.code).toBe('SSIS_PROJECT_NAME_MISMATCH');
    expect(error.message).toContain('"ClinicalFeeds"');
    expect(double.server.recordsOf('rpc')).toEqual([]);
    expect(double.server.recordsOf('login')).toEqual([]);
  });

  it('SSISDB missing is SSISDB_MISSING with a hint', async () => {
    await double.server.close();
    double = await startDouble({ present: false });
    const error = await failure(runSsisStep(options()));
    expect(error.code).toBe('SSISDB_MISSING');
    expect(error.hint).toMatch(/Create Catalog/);
  });

  it('an account outside ssis_admin cannot create the folder: SSIS_PERMISSION_DENIED', async () => {
    await double.server.close();
    double = await startDouble({ admins: [] });
    const error = await failure(runSsisStep(options()));
    expect(error.code).toBe('SSIS_PERMISSION_DENIED');
    expect(error.message).toContain('27188');
    expect(error.hint).toContain('ssis_admin');
  });

  it('an account outside ssis_admin deploys into a folder the DBA created and granted', async () => {
    await double.server.close();
    double = await startDouble({ admins: ['SBRH\\dba'], folderGrants: { 'SBRH\\svc_deploy': ['ClinicalDataHub'] } });
    double.ssisdb.catalog.folders.push({ folder_id: 99, name: 'ClinicalDataHub', description: null, created_by_name: 'SBRH\\dba', created_time: new Date() });
    const result = await runSsisStep(options());
    expect(result.outcome).toBe('succeeded');
    expect(rpcNames(double)).not.toContain('create_folder');
    expect(double.ssisdb.catalog.projects[0]!.folder_id).toBe(99);
  });

  it('polls an asynchronous deploy operation until it ends, and validates when asked', async () => {
    await double.server.close();
    double = await startDouble({ deployPolls: 3, validationPolls: 2 });
    const log = eventLog();
    const result = await runSsisStep(options({ settings: resolvedSettings(drop, tenantValues(), { validate: true }) }, log));
    expect(result.outcome).toBe('succeeded');
    expect(result.validationId).toBe(String(double.ssisdb.catalog.operations.find((o) => o.operation_type === 300)!.operation_id));
    expect(double.server.recordsOf('rpc').filter((r) => r.sql?.includes('[catalog].[operations]')).length).toBeGreaterThanOrEqual(5);
    const validate = double.server.recordsOf('rpc').find((r) => r.procedure.endsWith('[validate_project]'))!;
    expect(validate.params).toEqual(expect.arrayContaining([expect.objectContaining({ name: '@environment_scope', value: 'S' }), expect.objectContaining({ name: '@validation_id', output: true })]));
    expect(log.logs().some((l) => l.includes('· Post-validate] Validation of project'))).toBe(true);
  });

  it('a failed validation is SSIS_VALIDATION_FAILED with its messages', async () => {
    double.ssisdb.scenario.failValidation = { messages: ['Cannot open the SFTP connection sftp.sbrh.example.'] };
    const error = await failure(runSsisStep(options({ settings: resolvedSettings(drop, tenantValues(), { validate: true }) })));
    expect(error.code).toBe('SSIS_VALIDATION_FAILED');
    expect(error.message).toContain('Cannot open the SFTP connection');
  });

  it('keeps undeclared variables by default and removes them when asked; recreates on a type change', async () => {
    const extra = { name: 'RetentionDays', value: '30', type: 'Int32', sensitive: false, description: 'days' };
    const settings = resolvedSettings(drop);
    const withExtra = { ...settings, environmentVariables: [...(settings.environmentVariables as unknown[]), extra] };
    await runSsisStep(options({ settings: withExtra }));
    await runSsisStep(options({ settings: { ...withExtra, environmentVariables: [...(settings.environmentVariables as unknown[]), { ...extra, type: 'Int64', description: 'days kept' }] } }));
    expect(double.ssisdb.catalog.variables.find((v) => v.name === 'RetentionDays')).toMatchObject({ type: 'Int64', description: 'days kept', value: { baseType: 'bigint' } });
    await runSsisStep(options({ settings }));
    expect(double.ssisdb.catalog.variables.some((v) => v.name === 'RetentionDays')).toBe(true);
    double.server.clearRecords();
    const removed = await runSsisStep(options({ settings: { ...settings, removeUndeclaredVariables: true } }));
    expect(double.ssisdb.catalog.variables.some((v) => v.name === 'RetentionDays')).toBe(false);
    expect(rpcNames(double)).toContain('delete_environment_variable');
    expect(removed.artifacts).toContainEqual(expect.objectContaining({ kind: 'ssis-variable', name: 'RetentionDays', action: 'removed' }));
  });

  it('turns a variable sensitive and changes its description in place', async () => {
    await runSsisStep(options());
    const settings = resolvedSettings(drop);
    const vars = (settings.environmentVariables as Array<Record<string, unknown>>).map((v) => (v.name === 'SftpUser' ? { ...v, sensitive: true, description: 'now secret' } : v));
    double.server.clearRecords();
    const result = await runSsisStep(options({ settings: { ...settings, environmentVariables: vars } }));
    expect(result.plan.variables.find((v) => v.name === 'SftpUser')).toMatchObject({ action: 'update', changes: ['sensitive', 'description', 'value'] });
    expect(double.ssisdb.catalog.variables.find((v) => v.name === 'SftpUser')).toMatchObject({ sensitive: true, description: 'now secret' });
    expect(rpcNames(double)).toEqual(expect.arrayContaining(['set_environment_variable_protection', 'set_environment_variable_property']));
  });

  it('an absolute reference puts the environment in its own folder', async () => {
    const result: RunSsisStepResult = await runSsisStep(options({ settings: resolvedSettings(drop, tenantValues(), { environmentReference: 'absolute', environmentFolder: 'SharedEnvironments' }) }));
    expect(result.outcome).toBe('succeeded');
    const c = double.ssisdb.catalog;
    expect(c.folders.map((f) => f.name).sort()).toEqual(['ClinicalDataHub', 'SharedEnvironments']);
    expect(c.references).toEqual([expect.objectContaining({ reference_type: 'A', environment_folder_name: 'SharedEnvironments' })]);
    expect(c.environments[0]!.folder_id).toBe(c.folder('SharedEnvironments')!.folder_id);
  });

  it('cancels while an operation is running: outcome cancelled', async () => {
    await double.server.close();
    double = await startDouble({ deployPolls: 1000 });
    const ac = new AbortController();
    const log = eventLog();
    const result = await runSsisStep(
      options({ signal: ac.signal, onEvent: (e) => {
        log.onEvent(e);
        if (e.type === 'log' && e.message.includes('started operation')) ac.abort();
      } }),
    );
    expect(result.outcome).toBe('cancelled');
    expect(log.logs().some((l) => l.startsWith('warn: The SSIS step was cancelled'))).toBe(true);
  });
});
