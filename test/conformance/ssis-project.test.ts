import { rejectionOf } from '../support/app-error-code';
/**
 * Conformance kit: the ssis-project step (deploy, folder, environment, typed and sensitive variables,
 * reference, parameter bindings, a second run that creates nothing, errors) against the target of
 * test/support/real-target/ssis-target.ts — the TDS double with the SSISDB emulation in `npm test`, a
 * real SSIS catalog in `npm run test:real`. Results are read back through the catalog views; the
 * checks on the double's request records are marked "double only".
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../common/errors';
import { runSsisStep, WINDOWS_AUTH_HINT, type SsisStepOptions } from '../../main/ssis/index';
import { chooseSsisTarget, openSsisTarget, type SsisTarget } from '../support/real-target/ssis-target';
import { eventLog, redactor, resolvedSettings, sampleDrop, SECRETS, tenantValues, type SampleDrop } from '../main/ssis/ssis-fixture';
import { suiteTitle } from './kit-suite';

const choice = chooseSsisTarget();

interface FolderRow { folder_id: string | number; name: string }
interface ProjectRow { project_id: string | number; name: string; object_version_lsn: string | number }
interface VariableRow { name: string; type: string; sensitive: boolean; value_text: string | null; description: string | null }
interface ReferenceRow { reference_type: string; environment_name: string; environment_folder_name: string | null }
interface ParameterRow { object_type: number; object_name: string; parameter_name: string; value_type: string; value_set: boolean; referenced_variable_name: string | null; default_value_text: string | null }

describe.skipIf(Boolean(choice.skip))(suiteTitle('ssis-project', choice), () => {
  let target: SsisTarget;
  let drop: SampleDrop;
  let folder: string;
  let n = 0;

  beforeAll(async () => {
    target = await openSsisTarget(choice);
    drop = await sampleDrop();
  });
  afterAll(async () => {
    await target?.close();
  });
  beforeEach(() => {
    folder = target.folderName(`f${++n}`);
    target.double?.server.clearRecords();
  });

  const values = (extra: Record<string, string> = {}) => tenantValues({ SsisCatalogFolder: folder, ...extra });
  function options(extra: Partial<SsisStepOptions> = {}, log = eventLog()): SsisStepOptions {
    const r = redactor();
    return { stepId: 'ssis-feeds', dropRoot: drop.root, packagePath: drop.packagePath, settings: resolvedSettings(drop, values()), connection: target.connection, onEvent: log.onEvent, redact: (t) => r.redact(t), pollIntervalMs: 50, ...extra };
  }
  const leaks = (text: string) => Object.values(SECRETS).filter((s) => text.includes(s));

  // What the catalog views say (the same on SQL Server and on the emulation).
  const folderRow = async (name = folder) => (await target.query<FolderRow>('SELECT folder_id, name FROM [SSISDB].[catalog].[folders] WHERE name = @name', { name }))[0];
  const projects = async (name = folder) => {
    const f = await folderRow(name);
    return f ? target.query<ProjectRow>('SELECT project_id, name, object_version_lsn FROM [SSISDB].[catalog].[projects] WHERE folder_id = @id', { id: Number(f.folder_id) }) : [];
  };
  const environments = async (name = folder) => {
    const f = await folderRow(name);
    return f ? target.query<{ environment_id: string | number; name: string }>('SELECT environment_id, name FROM [SSISDB].[catalog].[environments] WHERE folder_id = @id', { id: Number(f.folder_id) }) : [];
  };
  const variables = async (name = folder) => {
    const [env] = await environments(name);
    if (!env) return {};
    const rows = await target.query<VariableRow>(
      'SELECT name, type, sensitive, description, CONVERT(nvarchar(4000), value) AS value_text FROM [SSISDB].[catalog].[environment_variables] WHERE environment_id = @id ORDER BY name',
      { id: Number(env.environment_id) },
    );
    return Object.fromEntries(rows.map((r) => [r.name, { ...r, sensitive: Boolean(r.sensitive) }]));
  };
  const projectId = async () => Number((await projects())[0]!.project_id);
  const references = async () => target.query<ReferenceRow>('SELECT reference_id, environment_name, environment_folder_name, reference_type FROM [SSISDB].[catalog].[environment_references] WHERE project_id = @id', { id: await projectId() });
  const parameters = async () =>
    (await target.query<ParameterRow>(
      'SELECT object_type, object_name, parameter_name, value_type, value_set, referenced_variable_name, CONVERT(nvarchar(4000), default_value) AS default_value_text FROM [SSISDB].[catalog].[object_parameters] WHERE project_id = @id ORDER BY object_type, object_name, parameter_name',
      { id: await projectId() },
    )).map((p) => ({ ...p, value_set: Boolean(p.value_set), object_type: Number(p.object_type) }));
  const counts = async () => [(await folderRow()) ? 1 : 0, (await projects()).length, (await environments()).length, Object.keys(await variables()).length, (await references()).length];
  /** Double only: the catalog procedures called, without the schema prefix. */
  const procedures = () => target.double!.server.recordsOf('rpc').filter((r) => r.procedure !== 'sp_executesql').map((r) => r.procedure.replace(/^\[SSISDB\]\.\[catalog\]\./, '').replace(/[[\]]/g, ''));

  describe('first deployment', () => {
    it('creates the folder and deploys the project from the drop', async () => {
      const log = eventLog();
      const result = await runSsisStep(options({}, log));
      expect(result.outcome).toBe('succeeded');
      expect(await folderRow()).toMatchObject({ name: folder });
      expect((await projects()).map((p) => p.name)).toEqual(['ClinicalFeeds']);
      expect(result.artifacts.find((a) => a.kind === 'ssis-project')).toMatchObject({ action: 'deployed', sha256: drop.ispacSha256 });
      expect(result.operationId).toMatch(/^\d+$/);
      expect(log.logs().some((l) => l.startsWith(`info: [operation ${result.operationId} · `))).toBe(true);
      expect(log.events.filter((e) => e.type === 'progress').at(-1)).toMatchObject({ percent: 100 });
      expect(leaks(log.text())).toEqual([]);
      if (target.double) {
        // Double only: the server received exactly the .ispac in the drop, as varbinary(max).
        const deploy = target.double.server.recordsOf('rpc').find((r) => r.procedure.endsWith('[deploy_project]'))!;
        expect(deploy.params.find((p) => p.name === '@project_stream')).toMatchObject({ type: 'varbinary(max)', value: { sha256: drop.ispacSha256 } });
        expect(new Set(target.double.server.recordsOf('rpc').map((r) => r.authKind))).toEqual(new Set(['ntlm']));
        expect(target.double.server.recordsOf('rpc').flatMap((r) => r.params.map((p) => p.type))).not.toContain('sql_variant');
      }
    });

    it('creates the environment with typed variables', async () => {
      await runSsisStep(options());
      expect((await environments()).map((e) => e.name)).toEqual(['Production']);
      const vars = await variables();
      expect(Object.keys(vars).sort()).toEqual(['ApiKey', 'BatchSize', 'SftpHost', 'SftpPassword', 'SftpUser', 'StagingConnectionString']);
      expect(vars.BatchSize).toMatchObject({ type: 'Int32', sensitive: false, value_text: '500' });
      expect(vars.SftpHost).toMatchObject({ type: 'String', sensitive: false, value_text: 'sftp.sbrh.example' });
      if (target.double) {
        // Double only: the Int32 value travelled as int, and nothing as sql_variant.
        const create = target.double.server.recordsOf('rpc').find((r) => r.procedure.endsWith('[create_environment_variable]') && r.params.some((p) => p.name === '@variable_name' && p.value === 'BatchSize'))!;
        expect(create.params.find((p) => p.name === '@value')?.type).toBe('int');
      }
    });

    it('stores sensitive variables as sensitive: the views never show their values', async () => {
      await runSsisStep(options());
      const vars = await variables();
      for (const name of ['StagingConnectionString', 'SftpPassword', 'ApiKey']) {
        expect(vars[name]).toMatchObject({ type: 'String', sensitive: true, value_text: null });
      }
      expect(leaks(JSON.stringify(vars))).toEqual([]);
    });

    it('references the environment relatively from the project', async () => {
      await runSsisStep(options());
      expect(await references()).toEqual([expect.objectContaining({ reference_type: 'R', environment_name: 'Production', environment_folder_name: null })]);
    });

    it('binds project and package parameters to the variables; unbound ones take the drop value', async () => {
      await runSsisStep(options());
      const params = await parameters();
      const param = (name: string, objectName = 'ClinicalFeeds') => params.find((p) => p.parameter_name === name && p.object_name === objectName);
      for (const name of ['StagingConnectionString', 'SftpHost', 'SftpUser', 'SftpPassword', 'ApiKey']) {
        expect(param(name)).toMatchObject({ object_type: 20, value_type: 'R', value_set: true, referenced_variable_name: name });
      }
      expect(param('BatchSize', 'LoadAdmissions.dtsx')).toMatchObject({ object_type: 30, value_type: 'R', referenced_variable_name: 'BatchSize' });
      expect(param('ApiBaseUrl')).toMatchObject({ value_type: 'V', default_value_text: 'https://ie01.sbrh.example:8443/api' });
    });

    it('an absolute reference puts the environment in a folder of its own', async () => {
      const shared = target.folderName(`shared${n}`);
      const result = await runSsisStep(options({ settings: resolvedSettings(drop, values(), { environmentReference: 'absolute', environmentFolder: shared }) }));
      expect(result.outcome).toBe('succeeded');
      expect(await folderRow(shared)).toBeDefined();
      expect((await environments(shared)).map((e) => e.name)).toEqual(['Production']);
      expect(await environments()).toEqual([]);
      expect(await references()).toEqual([expect.objectContaining({ reference_type: 'A', environment_folder_name: shared })]);
    });
  });

  describe('second run', () => {
    it('creates nothing: same objects, same project version, everything unchanged but the secrets', async () => {
      await runSsisStep(options());
      const before = await counts();
      const lsn = String((await projects())[0]!.object_version_lsn);
      target.double?.server.clearRecords();
      const log = eventLog();
      const second = await runSsisStep(options({}, log));
      expect(second.outcome).toBe('succeeded');
      expect(second.operationId).toBeUndefined();
      if (target.double) {
        // Double only: reads, the deployed bytes for comparison and the three secrets; nothing else.
        expect(procedures().sort()).toEqual(['get_project', 'set_environment_variable_value', 'set_environment_variable_value', 'set_environment_variable_value']);
      }
      expect(await counts()).toEqual(before);
      expect(String((await projects())[0]!.object_version_lsn)).toBe(lsn);
      expect(second.artifacts.map((a) => `${a.kind}:${a.name}=${a.action}`)).toEqual(
        expect.arrayContaining([`ssis-folder:${folder}=unchanged`, 'ssis-project:ClinicalFeeds=unchanged', 'ssis-variable:BatchSize=unchanged', 'ssis-variable:ApiKey=updated (secret)', 'ssis-reference:Production (relative)=unchanged', 'ssis-parameter:LoadAdmissions.dtsx::BatchSize=unchanged']),
      );
      expect(leaks(log.text())).toEqual([]);
    });

    it('a new release with a changed value redeploys the project and changes only that variable', async () => {
      await runSsisStep(options());
      const lsn = String((await projects())[0]!.object_version_lsn);
      const next = await sampleDrop('2.5.0');
      const third = await runSsisStep(options({ dropRoot: next.root, packagePath: next.packagePath, settings: resolvedSettings(next, values({ FeedBatchSize: '1000' })) }));
      expect(third.plan.project.action).toBe('redeploy');
      expect(String((await projects())[0]!.object_version_lsn)).not.toBe(lsn);
      const vars = await variables();
      expect(vars.BatchSize).toMatchObject({ type: 'Int32', value_text: '1000' });
      expect(vars.SftpHost).toMatchObject({ value_text: 'sftp.sbrh.example' });
      expect(await counts()).toEqual([1, 1, 1, 6, 1]);
      // The bindings survive the redeployment, as SSISDB keeps them.
      expect((await parameters()).find((p) => p.parameter_name === 'ApiKey')).toMatchObject({ value_type: 'R', referenced_variable_name: 'ApiKey' });
    });

    it('turns a variable sensitive and changes its description in place', async () => {
      await runSsisStep(options());
      const settings = resolvedSettings(drop, values());
      const vars = (settings.environmentVariables as Array<Record<string, unknown>>).map((v) => (v.name === 'SftpUser' ? { ...v, sensitive: true, description: 'now secret' } : v));
      const result = await runSsisStep(options({ settings: { ...settings, environmentVariables: vars } }));
      expect(result.plan.variables.find((v) => v.name === 'SftpUser')).toMatchObject({ action: 'update', changes: ['sensitive', 'description', 'value'] });
      expect((await variables()).SftpUser).toMatchObject({ sensitive: true, description: 'now secret', value_text: null });
    });

    it('keeps undeclared variables by default and removes them when asked; a type change recreates one', async () => {
      const extra = { name: 'RetentionDays', value: '30', type: 'Int32', sensitive: false, description: 'days' };
      const settings = resolvedSettings(drop, values());
      const declared = settings.environmentVariables as unknown[];
      await runSsisStep(options({ settings: { ...settings, environmentVariables: [...declared, extra] } }));
      await runSsisStep(options({ settings: { ...settings, environmentVariables: [...declared, { ...extra, type: 'Int64', description: 'days kept' }] } }));
      expect((await variables()).RetentionDays).toMatchObject({ type: 'Int64', description: 'days kept', value_text: '30' });
      await runSsisStep(options({ settings }));
      expect(Object.keys(await variables())).toContain('RetentionDays');
      const removed = await runSsisStep(options({ settings: { ...settings, removeUndeclaredVariables: true } }));
      expect(Object.keys(await variables())).not.toContain('RetentionDays');
      expect(removed.artifacts).toContainEqual(expect.objectContaining({ kind: 'ssis-variable', name: 'RetentionDays', action: 'removed' }));
    });
  });

  describe('errors', () => {
    it('a project-name mismatch fails before anything is sent, and no folder appears', async () => {
      const error = await rejectionOf(runSsisStep(options({ settings: resolvedSettings(drop, values(), { projectName: 'ClinicalFeedz' }) })));
      expect(error.code).toBe('SSIS_PROJECT_NAME_MISMATCH');
      expect(error.message).toContain('"ClinicalFeeds"');
      expect(await folderRow()).toBeUndefined();
      if (target.double) expect(target.double.server.recordsOf('login')).toEqual([]); // double only
    });

    it('an unknown SSIS data type is refused before the catalog is changed', async () => {
      const settings = resolvedSettings(drop, values());
      const bad = [...(settings.environmentVariables as unknown[]), { name: 'Odd', value: 'x', type: 'Guid', sensitive: false }];
      await expect(runSsisStep(options({ settings: { ...settings, environmentVariables: bad } }))).rejects.toBeInstanceOf(AppError);
      expect(await folderRow()).toBeUndefined();
    });

    it('a value that does not fit its type is refused before the catalog is changed', async () => {
      const error = await rejectionOf(runSsisStep(options({ settings: resolvedSettings(drop, values({ FeedBatchSize: 'five hundred' })) })));
      expect(error.code).toMatch(/^SSIS_/);
      expect(await folderRow()).toBeUndefined();
    });

    it.skipIf(choice.kind === 'real')('a SQL login is refused with the 27123 hint before any write succeeds (double only: needs a SQL login on the catalog server)', async () => {
      const error = await rejectionOf(runSsisStep(options({ connection: target.sqlLogin! })));
      expect(error.code).toBe('SSIS_WINDOWS_AUTH_REQUIRED');
      expect(error.hint).toBe(WINDOWS_AUTH_HINT);
      expect(error.message).toContain('27123');
      expect(await folderRow()).toBeUndefined();
    });

    it('a wrong Windows password is SQL_LOGIN_FAILED and changes nothing', async () => {
      const error = await rejectionOf(runSsisStep(options({ connection: { ...target.connection, password: 'not-the-password-1' } })));
      expect(error.code).toBe('SQL_LOGIN_FAILED');
      expect(error.message).not.toContain('not-the-password-1');
      expect(await folderRow()).toBeUndefined();
    });
  });
});
