/**
 * The SSIS step over the ODBC driver: mssql's msnodesqlv8 flavour → unixODBC → FreeTDS → the TDS double
 * with SSISDB, logged in as a Windows account (NTLM, which FreeTDS speaks). On Windows the same code
 * path carries Windows integrated authentication (Trusted_Connection=yes with Microsoft's ODBC Driver
 * 18); only the connection string differs. Skipped, with the reason in the title, where the ODBC driver
 * cannot load (`npm run odbc-driver` builds it).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSsisStep, type SsisStepOptions } from '../../../main/ssis/index';
import { FREETDS_DRIVER, whyNoOdbcPath } from '../../support/odbc-driver';
import { eventLog, openSsisWorld, SECRETS, ssisStepOptions, WIN, type Double, type SampleDrop } from './ssis-fixture';
import { rejectionOf } from '../../support/app-error-code';

const reason = whyNoOdbcPath();

describe.skipIf(reason !== undefined)(`the SSIS step through the ODBC driver (msnodesqlv8 → FreeTDS → double with SSISDB)${reason ? ` — SKIPPED: ${reason}` : ''}`, () => {
  let double: Double;
  let drop: SampleDrop;
  beforeEach(async () => {
    ({ drop, double } = await openSsisWorld());
  });
  afterEach(() => double.server.close());

  const options = (log = eventLog(), connection = { ...double.windows, odbcDriver: FREETDS_DRIVER }): SsisStepOptions => ssisStepOptions(drop, connection, { onEvent: log.onEvent });

  it('deploys the project, creates the environment with its typed and sensitive variables, and references it — unchanged from tedious', async () => {
    const log = eventLog();
    const result = await runSsisStep(options(log));
    expect(result.outcome).toBe('succeeded');
    const catalog = double.ssisdb.catalog;
    expect(catalog.projects.map((p) => p.name)).toEqual(['ClinicalFeeds']);
    expect(result.artifacts.find((a) => a.kind === 'ssis-project')).toMatchObject({ action: 'deployed', sha256: drop.ispacSha256 });
    expect(catalog.environments.map((e) => e.name)).toEqual(['Production']);
    const vars = Object.fromEntries(catalog.variables.map((v) => [v.name, v]));
    expect(vars.BatchSize).toMatchObject({ type: 'Int32', sensitive: false });
    for (const name of ['StagingConnectionString', 'SftpPassword', 'ApiKey']) expect(vars[name]).toMatchObject({ sensitive: true });
    // Every catalog call came in over ODBC as the Windows account: FreeTDS's NTLM login, then
    // sp_executesql texts (`exec @___return___ = SSISDB.catalog.…`) the double answers as those procedures.
    const logins = double.server.recordsOf('login');
    expect(new Set(logins.map((l) => `${l.authKind}:${l.user}`))).toEqual(new Set([`ntlm:${WIN.domain}\\${WIN.user}`]));
    const calls = double.server.recordsOf('rpc').map((r) => /exec @___return___ = (\S+)/.exec(r.sql ?? '')?.[1]).filter(Boolean);
    expect(calls).toEqual(expect.arrayContaining(['[SSISDB].[catalog].[create_folder]', '[SSISDB].[catalog].[deploy_project]']));
    const text = log.text();
    for (const secret of [...Object.values(SECRETS), WIN.password]) expect(text).not.toContain(secret);
  });

  it('a wrong password is SQL_LOGIN_FAILED from the server\'s own answer, without the password', async () => {
    const error = await rejectionOf(runSsisStep(options(eventLog(), { ...double.windows, password: 'Not-the-password-1', odbcDriver: FREETDS_DRIVER })));
    expect(error.code).toBe('SQL_LOGIN_FAILED');
    expect(error.hint).toMatch(/Windows account/);
    expect(JSON.stringify({ m: error.message, h: error.hint, d: error.details })).not.toContain('Not-the-password-1');
  });
});
