import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { planSsisStep, runSsisStep, type SsisStepOptions } from '../../../main/ssis/index';
import { eventLog, openSsisWorld, resolvedSettings, sampleDrop, SECRETS, ssisStepOptions, tenantValues, type Double, type SampleDrop } from './ssis-fixture';

let double: Double;
let drop: SampleDrop;

beforeEach(async () => {
  ({ drop, double } = await openSsisWorld());
});
afterEach(() => double.server.close());

const options = (extra: Partial<SsisStepOptions> = {}): SsisStepOptions => ssisStepOptions(drop, double.windows, extra);

/** Catalog procedures the dry run called; only the read-only get_project is allowed. */
const procedureCalls = (d: Double) => d.server.recordsOf('rpc').filter((r) => r.procedure !== 'sp_executesql').map((r) => r.procedure);
const secretsIn = (text: string) => Object.values(SECRETS).filter((s) => text.includes(s));

describe('planSsisStep (dry run) on the TDS double', () => {
  it('plans a first deployment: everything is created, nothing is written', async () => {
    const plan = await planSsisStep(options());
    expect(plan.folder).toEqual({ name: 'ClinicalDataHub', action: 'create' });
    expect(plan.project).toMatchObject({ name: 'ClinicalFeeds', action: 'deploy', ispacSha256: drop.ispacSha256, ispacVersion: '2.4.0' });
    expect(plan.project.deployed).toBeUndefined();
    expect(plan.environment).toEqual({ name: 'Production', folder: 'ClinicalDataHub', action: 'create' });
    expect(plan.variables.map((v) => `${v.name}:${v.type}${v.sensitive ? ':sensitive' : ''}=${v.action}`)).toEqual([
      'StagingConnectionString:String:sensitive=create',
      'SftpHost:String=create',
      'SftpUser:String=create',
      'SftpPassword:String:sensitive=create',
      'ApiKey:String:sensitive=create',
      'BatchSize:Int32=create',
    ]);
    expect(plan.reference).toMatchObject({ environment: 'Production', type: 'R', action: 'create' });
    expect(plan.bindings.map((b) => `${b.package ? `${b.package}::` : ''}${b.parameter}→${b.shown}=${b.action}`)).toEqual([
      'StagingConnectionString→StagingConnectionString=set',
      'SftpHost→SftpHost=set',
      'SftpUser→SftpUser=set',
      'SftpPassword→SftpPassword=set',
      'ApiKey→ApiKey=set',
      'ApiBaseUrl→https://ie01.sbrh.example:8443/api=set',
      'EnableRealTimeAdt→true=set',
      'LoadAdmissions.dtsx::BatchSize→BatchSize=set',
    ]);
    expect(plan.upToDate).toBe(false);
    expect(procedureCalls(double)).toEqual([]);
    expect(double.ssisdb.catalog.folders).toEqual([]);
    expect(secretsIn(JSON.stringify(plan))).toEqual([]);
  });

  it('plans a repeated deployment: up to date, secrets only marked as sent again', async () => {
    await runSsisStep(options());
    double.server.clearRecords();
    const before = JSON.stringify(double.ssisdb.catalog);
    const plan = await planSsisStep(options());
    expect(plan.folder.action).toBe('unchanged');
    expect(plan.project).toMatchObject({ action: 'unchanged', deployed: { sha256: drop.ispacSha256, deployedBy: 'SBRH\\svc_deploy', versionLsn: '1' } });
    expect(plan.environment.action).toBe('unchanged');
    expect(Object.fromEntries(plan.variables.map((v) => [v.name, v.action]))).toEqual({
      StagingConnectionString: 'set-secret',
      SftpHost: 'unchanged',
      SftpUser: 'unchanged',
      SftpPassword: 'set-secret',
      ApiKey: 'set-secret',
      BatchSize: 'unchanged',
    });
    expect(plan.reference).toMatchObject({ action: 'unchanged', referenceId: '1' });
    expect(plan.bindings.every((b) => b.action === 'unchanged')).toBe(true);
    expect(plan.upToDate).toBe(true);
    expect(procedureCalls(double)).toEqual(['[SSISDB].[catalog].[get_project]']);
    expect(JSON.stringify(double.ssisdb.catalog)).toBe(before);
  });

  it('plans an upgrade: redeploy over the deployed version, changed and removed variables, changed literal', async () => {
    await runSsisStep(options());
    drop = await sampleDrop('2.5.0');
    const settings = resolvedSettings(drop, tenantValues({ FeedBatchSize: '1000', ApiBaseUrl: 'https://ie02.sbrh.example:8443/api' }), { removeUndeclaredVariables: true });
    const vars = (settings.environmentVariables as Array<{ name: string }>).filter((v) => v.name !== 'SftpHost');
    const bindings = (settings.parameterBindings as Array<{ parameter: string }>).filter((b) => b.parameter !== 'SftpHost');
    const plan = await planSsisStep(options({ settings: { ...settings, environmentVariables: vars, parameterBindings: bindings } }));
    expect(plan.project).toMatchObject({ action: 'redeploy', ispacVersion: '2.5.0', deployed: { versionLsn: '1' } });
    expect(plan.project.deployed!.sha256).not.toBe(plan.project.ispacSha256);
    expect(plan.variables.find((v) => v.name === 'BatchSize')).toMatchObject({ action: 'update', changes: ['value'] });
    expect(plan.variables.find((v) => v.name === 'SftpHost')).toMatchObject({ action: 'remove', type: 'String' });
    expect(plan.bindings.find((b) => b.parameter === 'ApiBaseUrl')).toMatchObject({ action: 'set', shown: 'https://ie02.sbrh.example:8443/api' });
    expect(plan.upToDate).toBe(false);
  });

  it('never shows a secret passed as a literal parameter value', async () => {
    const settings = resolvedSettings(drop);
    const bindings = (settings.parameterBindings as Array<Record<string, string>>).map((b) => (b.parameter === 'ApiBaseUrl' ? { ...b, value: `https://x/?key=${SECRETS.ApiKey}` } : b));
    const log = eventLog();
    const plan = await planSsisStep(options({ settings: { ...settings, parameterBindings: bindings } }));
    const run = await runSsisStep(options({ settings: { ...settings, parameterBindings: bindings }, onEvent: log.onEvent }));
    expect(plan.bindings.find((b) => b.parameter === 'ApiBaseUrl')!.shown).toBe('https://x/?key=********');
    expect(secretsIn(JSON.stringify(plan) + JSON.stringify(run) + log.text())).toEqual([]);
    // The server of course received it: that is where it belongs.
    expect(double.ssisdb.catalog.parameters.find((p) => p.parameter_name === 'ApiBaseUrl')!.default_value!.value).toContain(SECRETS.ApiKey);
  });

  it('a dry run with a SQL login reports the 27123 problem instead of a plan', async () => {
    await runSsisStep(options());
    let error: unknown;
    try {
      await planSsisStep(options({ connection: double.sqlLogin }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('SSIS_WINDOWS_AUTH_REQUIRED');
  });
});
