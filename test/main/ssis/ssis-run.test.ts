import { rejectionOf } from '../../support/app-error-code';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSsisStep, type SsisStepOptions } from '../../../main/ssis/index';
import { eventLog, openSsisWorld, resolvedSettings, ssisStepOptions, startDouble, tenantValues, type Double, type SampleDrop } from './ssis-fixture';

let double: Double;
let drop: SampleDrop;

beforeEach(async () => {
  ({ drop, double } = await openSsisWorld());
});
afterEach(() => double.server.close());

const options = (extra: Partial<SsisStepOptions> = {}, log = eventLog()): SsisStepOptions => ssisStepOptions(drop, double.windows, { onEvent: log.onEvent, ...extra });


const rpcNames = (d: Double) => d.server.recordsOf('rpc').filter((r) => r.procedure !== 'sp_executesql').map((r) => r.procedure.replace(/^\[SSISDB\]\.\[catalog\]\./, '').replace(/[[\]]/g, ''));

// Deploy, folder, environment, typed and sensitive variables, reference, bindings, the second run and
// the errors a real catalog can produce on demand are in the conformance kit
// (test/conformance/ssis-project.test.ts), which runs on this double in `npm test` and on a real SSIS
// catalog in `npm run test:real`. What stays here needs the emulation's scenario switches: failed
// operations, a missing catalog, permissions, slow operations.
describe('runSsisStep on the TDS double with SSISDB: scenarios only the emulation can stage', () => {
  it('a failed deploy operation fails the step with the operation messages in the log', async () => {
    double.ssisdb.scenario.failDeploy = { messages: ['The connection manager "CDH Staging" uses a provider (MSOLEDBSQL.1) that is not installed.'] };
    const log = eventLog();
    const error = await rejectionOf(runSsisStep(options({}, log)));
    expect(error.code).toBe('SSIS_OPERATION_FAILED');
    expect(error.message).toContain('MSOLEDBSQL.1) that is not installed');
    const op = double.ssisdb.catalog.operations[0]!;
    expect(error.details).toMatchObject({ operationId: String(op.operation_id), status: 4 });
    expect(log.logs()).toContain(`error: [operation ${op.operation_id} · Error] The connection manager "CDH Staging" uses a provider (MSOLEDBSQL.1) that is not installed.`);
    expect(double.ssisdb.catalog.projects).toEqual([]);
  });

  it('SSISDB missing is SSISDB_MISSING with a hint', async () => {
    await double.server.close();
    double = await startDouble({ present: false });
    const error = await rejectionOf(runSsisStep(options()));
    expect(error.code).toBe('SSISDB_MISSING');
    expect(error.hint).toMatch(/Create Catalog/);
  });

  it('an account outside ssis_admin cannot create the folder: SSIS_PERMISSION_DENIED', async () => {
    await double.server.close();
    double = await startDouble({ admins: [] });
    const error = await rejectionOf(runSsisStep(options()));
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
    const error = await rejectionOf(runSsisStep(options({ settings: resolvedSettings(drop, tenantValues(), { validate: true }) })));
    expect(error.code).toBe('SSIS_VALIDATION_FAILED');
    expect(error.message).toContain('Cannot open the SFTP connection');
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
