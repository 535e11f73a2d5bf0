import AdmZip from 'adm-zip';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importOctopusDrop } from '../../../main/octopus/octopus-importer';
import { validateValue } from '../../../main/variables/validate-value';
import { buildIspac } from '../../support/fixtures/ispac-builder';
import { buildOctopusDropFolder, clinicalFeedsProject, type OctopusStepSpec } from '../../support/fixtures/octopus-drop-builder';

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

async function importSteps(steps: OctopusStepSpec[], common: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'octopus-map-'));
  temps.push(dir);
  await buildOctopusDropFolder(dir, { format: 'array', password: 'pw-12345', steps, common });
  return importOctopusDrop(dir, { password: 'pw-12345' });
}

// A minimal .dacpac: the drop reader inspects DacMetadata.xml of every nested dacpac.
const dacpacZip = new AdmZip();
dacpacZip.addFile('DacMetadata.xml', Buffer.from('<?xml version="1.0"?><DacType xmlns="http://schemas.microsoft.com/sqlserver/dac/Serialization/2012/02"><Name>Meridian.Schema</Name><Version>5.0.1</Version></DacType>'));
dacpacZip.addFile('model.xml', Buffer.from('<DataSchemaModel/>'));
const dacpacBytes = dacpacZip.toBuffer();

describe('community step templates', () => {
  it('"SQL - Deploy DACPAC using SqlPackage" with a package reference and SqlCmd variables', async () => {
    const drop = await importSteps([
      {
        name: 'Deploy schema',
        command: 'run-script',
        package: { id: 'Meridian.Schema', version: '5.0.1', kind: 'zip', files: { 'bin/Meridian.Schema.dacpac': dacpacBytes } },
        variables: {
          DACPACPackageName: 'Meridian.Schema.dacpac',
          DACPACTargetServer: 'db01\\SQL2019',
          DACPACTargetDatabase: 'Meridian',
          DACPACAuthenticationType: 'SqlAuthentication',
          DACPACSQLUsername: 'deploy',
          DACPACPackage: 'Meridian.Schema',
          'Octopus.Action.Package[Meridian.Schema].PackageId': 'Meridian.Schema',
          'Project.SqlCmdVariable.Environment': 'Prod',
        },
        sensitive: { DACPACSQLPassword: 'Dacpac-Secret1' },
      },
    ]);
    expect(drop.steps).toEqual([
      {
        id: 'octopus-1-deploy-schema',
        name: 'Deploy schema',
        type: 'dacpac',
        package: 'Packages/Meridian.Schema.5.0.1.zip',
        settings: { connection: 'Data Source=db01\\SQL2019;Initial Catalog=Meridian;User Id=deploy;Password=#{DACPACSQLPassword};TrustServerCertificate=True', dacpac: 'bin/Meridian.Schema.dacpac', variables: { Environment: 'Prod' } },
      },
    ]);
  });

  it('legacy "SQL - Deploy DACPAC" takes the package of the step it names, with Windows authentication', async () => {
    const drop = await importSteps([
      { name: 'Get dacpac', command: 'deploy-package', package: { id: 'Meridian.Schema', version: '5.0.1', files: { 'Meridian.Schema.dacpac': dacpacBytes } } },
      { name: 'Publish', command: 'run-script', variables: { DACPACPackageStep: 'Get dacpac', DACPACPackageName: 'Meridian.Schema.dacpac', TargetServer: 'db01', TargetDatabase: 'Meridian', UseIntegratedSecurity: 'True' } },
    ]);
    expect(drop.steps.map((s) => [s.name, s.type, s.package, s.settings])).toEqual([
      ['Publish', 'dacpac', 'Packages/Meridian.Schema.5.0.1.nupkg', { connection: 'Data Source=db01;Initial Catalog=Meridian;User Id=#{SqlDeploy.WindowsUser};Password=#{SqlDeploy.WindowsPassword};TrustServerCertificate=True', dacpac: 'Meridian.Schema.dacpac' }],
    ]);
  });

  it('"SQL - Execute Script File" and "Execute Scripts Ordered" read from an earlier step\'s installation folder', async () => {
    const drop = await importSteps([
      {
        name: 'Unpack DB',
        command: 'deploy-package',
        package: { id: 'Meridian.Db', version: '1.0.0', files: { 'Release/Release2_10.sql': 'b', 'Release/Release2_9.sql': 'a', 'Release/Release10_1.sql': 'c', 'Release/sub/x.sql': 'no', 'once.sql': 'x' } },
      },
      { name: 'Run one', command: 'run-script', variables: { SqlScriptFile: '#{Octopus.Action[Unpack DB].Output.Package.InstallationDirectoryPath}\\once.sql', ConnectionString: '#{Conn}', Conn: 'Server=db01;Database=Meridian;Integrated Security=true' } },
      { name: 'Run ordered', command: 'run-script', variables: { PathToScripts: '#{Octopus.Action[Unpack DB].Output.Package.InstallationDirectoryPath}\\Release', ConnectionString: 'Server=db01;Database=M;Integrated Security=true', VersionRegEx: 'Release(\\d+)_(\\d+)\\.' } },
    ]);
    expect(drop.steps.map((s) => [s.name, s.type, s.package, s.settings])).toEqual([
      // Integrated Security relied on the Tentacle's Windows session: the tenant's SQL deployment account is named instead.
      ['Run one', 'sql-scripts', 'Packages/Meridian.Db.1.0.0.nupkg', { connection: 'Server=db01;Database=Meridian;User Id=#{SqlDeploy.WindowsUser};Password=#{SqlDeploy.WindowsPassword}', scripts: ['once.sql'], transaction: 'none', runAlways: ['**'] }],
      // The template compares the captured numbers as strings: "10" < "2", and "10" < "9".
      ['Run ordered', 'sql-scripts', 'Packages/Meridian.Db.1.0.0.nupkg', { connection: 'Server=db01;Database=M;User Id=#{SqlDeploy.WindowsUser};Password=#{SqlDeploy.WindowsPassword}', scripts: ['Release/Release10_1.sql', 'Release/Release2_10.sql', 'Release/Release2_9.sql'], transaction: 'none', runAlways: ['**'] }],
    ]);
    expect(drop.variables.filter((v) => v.name.startsWith('SqlDeploy.')).map((v) => [v.name, v.type, v.required])).toEqual([
      ['SqlDeploy.WindowsUser', 'text', true],
      ['SqlDeploy.WindowsPassword', 'sensitive', true],
    ]);
  });

  it('"SQL - Execute Script File" keeps a connection string that names a user, or is only a reference', async () => {
    const drop = await importSteps([
      { name: 'Unpack DB', command: 'deploy-package', package: { id: 'Meridian.Db', version: '1.0.0', files: { 'once.sql': 'x' } } },
      { name: 'With login', command: 'run-script', variables: { SqlScriptFile: '#{Octopus.Action[Unpack DB].Output.Package.InstallationDirectoryPath}\\once.sql', ConnectionString: 'Server=db01;User Id=deploy;Password=#{DbPassword};Integrated Security=false' }, sensitive: { DbPassword: 'x-Secret-1' } },
      { name: 'By reference', command: 'run-script', variables: { SqlScriptFile: '#{Octopus.Action[Unpack DB].Output.Package.InstallationDirectoryPath}\\once.sql', ConnectionString: '#{TenantConnection}' } },
    ]);
    expect(drop.steps.map((s) => s.settings.connection)).toEqual(['Server=db01;User Id=deploy;Password=#{DbPassword};Integrated Security=false', '#{TenantConnection}']);
    expect(drop.variables.some((v) => v.name.startsWith('SqlDeploy.'))).toBe(false);
  });

  it('the SSIS "from a Package parameter" variant names the project after the .ispac and uses SQL authentication', async () => {
    const drop = await importSteps([
      {
        name: 'SSIS',
        command: 'run-script',
        package: { id: 'Meridian.Feeds', version: '2.0.0', files: { 'deploy/Feeds.ispac': clinicalFeedsProject() } },
        variables: {
          'SSIS.Template.ServerName': 'ssis01',
          'SSIS.Template.CatalogName': 'SSISDB',
          'SSIS.Template.FolderName': 'Meridian',
          'SSIS.Template.UseEnvironment': 'True',
          'SSIS.Template.EnvironmentName': 'Live',
          'SSIS.Template.ReferenceProjectParametersToEnvironmentVairables': 'False',
          'SSIS.Template.ReferencePackageParametersToEnvironmentVairables': 'True',
          'SSIS.Template.UseFullyQualifiedVariableNames': 'True',
          'SSIS.Template.ssisPackageId': 'Meridian.Feeds',
          'SSIS.Template.sqlAccountUsername': 'ssis_deploy',
          'LoadAdmissions.RetryCount': '5',
        },
        sensitive: { 'SSIS.Template.sqlAccountPassword': 'Ssis-Secret9' },
      },
    ]);
    expect(drop.steps[0]).toMatchObject({
      type: 'ssis-project',
      package: 'Packages/Meridian.Feeds.2.0.0.nupkg',
      settings: {
        connection: 'Data Source=ssis01;Initial Catalog=SSISDB;User Id=ssis_deploy;Password=#{SSIS.Template.sqlAccountPassword}',
        ispac: 'deploy/Feeds.ispac',
        folder: 'Meridian',
        projectName: 'Feeds',
        environment: 'Live',
        environmentVariables: [{ name: 'LoadAdmissions.RetryCount', value: '5', type: 'Int32', sensitive: false }],
        parameterBindings: [{ objectType: 'package', package: 'LoadAdmissions.dtsx', parameter: 'RetryCount', variable: 'LoadAdmissions.RetryCount' }],
      },
    });
  });

  it('"SSIS deploy ISPAC With Environment" takes values from SSIS[<parameter>] variables', async () => {
    const drop = await importSteps([
      { name: 'Pkg', command: 'deploy-package', package: { id: 'Meridian.Feeds', version: '2.0.0', files: { 'ClinicalFeeds.ispac': clinicalFeedsProject() } } },
      { name: 'Deploy', command: 'run-script', variables: { NugetPackageStepName: 'Pkg', ServerName: 'ssis01', CatalogName: 'SSISDB', FolderName: 'F', EnvironmentTag: 'Prod', 'SSIS[BatchSize]': '250', 'SSIS[LoadAdmissions.RetryCount]': '7', 'SSIS[Unknown]': 'x' } },
    ]);
    expect(drop.steps.map((s) => s.name)).toEqual(['Deploy']);
    expect(drop.steps[0]!.settings).toMatchObject({
      connection: 'Data Source=ssis01;Initial Catalog=SSISDB;User Id=#{SsisDeploy.WindowsUser};Password=#{SsisDeploy.WindowsPassword}',
      environment: 'ClinicalFeeds_Prod',
      environmentVariables: [
        { name: 'BatchSize', value: '250', type: 'Int32' },
        { name: 'LoadAdmissions.RetryCount', value: '7', type: 'Int32' },
      ],
      parameterBindings: [
        { objectType: 'project', parameter: 'BatchSize', variable: 'BatchSize' },
        { objectType: 'package', package: 'LoadAdmissions.dtsx', parameter: 'RetryCount', variable: 'LoadAdmissions.RetryCount' },
      ],
    });
  });
});

describe('the SSIS templates\' Windows account', () => {
  const fetch: OctopusStepSpec = { name: 'Pkg', command: 'deploy-package', package: { id: 'Meridian.Feeds', version: '2.0.0', files: { 'ClinicalFeeds.ispac': clinicalFeedsProject() } } };
  const template = { NugetPackageStepName: 'Pkg', ServerName: 'ssis01', CatalogName: 'SSISDB', FolderName: 'F', ProjectName: 'ClinicalFeeds' };

  it('without a SQL login, the connection names the tenant\'s Windows account and two prompts ask for it', async () => {
    const drop = await importSteps([fetch, { name: 'Deploy', command: 'run-script', variables: template }]);
    expect(drop.steps[0]!.settings.connection).toBe('Data Source=ssis01;Initial Catalog=SSISDB;User Id=#{SsisDeploy.WindowsUser};Password=#{SsisDeploy.WindowsPassword}');
    const user = drop.variables.find((v) => v.name === 'SsisDeploy.WindowsUser');
    const password = drop.variables.find((v) => v.name === 'SsisDeploy.WindowsPassword');
    expect(user).toMatchObject({ label: 'SSIS deployment Windows account', type: 'text', required: true, sensitive: false, group: 'SSIS deployment account', origin: 'octopus' });
    expect(user!.help).toContain('DOMAIN\\user');
    expect(password).toMatchObject({ label: 'SSIS deployment Windows password', type: 'sensitive', required: true, sensitive: true, group: 'SSIS deployment account', origin: 'octopus' });
    expect(password!.pattern).toBeUndefined();
    // The user must carry its domain: NTLM needs it.
    expect(validateValue(user!, 'STOLAF\\svc_ssis')).toBeNull();
    for (const bad of ['svc_ssis', '\\svc_ssis', 'STOLAF\\']) expect(validateValue(user!, bad)?.code).toBe('VARIABLE_PATTERN_MISMATCH');
  });

  it('uses the account the drop bakes (the password stays a reference), and asks for nothing', async () => {
    const drop = await importSteps([fetch, { name: 'Deploy', command: 'run-script', variables: { ...template, 'SsisDeploy.WindowsUser': 'STOLAF\\svc_ssis' }, sensitive: { 'SsisDeploy.WindowsPassword': 'Baked-Win-Pw7' } }]);
    expect(drop.steps[0]!.settings.connection).toBe('Data Source=ssis01;Initial Catalog=SSISDB;User Id=STOLAF\\svc_ssis;Password=#{SsisDeploy.WindowsPassword}');
    expect(drop.variables.map((v) => v.name)).toEqual([]);
    expect(JSON.stringify(drop.steps)).not.toContain('Baked-Win-Pw7');
  });

  it('a template with a SQL login keeps it and asks for no Windows account', async () => {
    const drop = await importSteps([
      {
        name: 'SSIS',
        command: 'run-script',
        package: { id: 'Meridian.Feeds', version: '2.0.0', files: { 'Feeds.ispac': clinicalFeedsProject() } },
        variables: { 'SSIS.Template.ServerName': 'ssis01', 'SSIS.Template.FolderName': 'F', 'SSIS.Template.ssisPackageId': 'Meridian.Feeds', 'SSIS.Template.sqlAccountUsername': 'ssis_deploy' },
        sensitive: { 'SSIS.Template.sqlAccountPassword': 'Ssis-Secret9' },
      },
    ]);
    expect(drop.steps[0]!.settings.connection).toBe('Data Source=ssis01;Initial Catalog=SSISDB;User Id=ssis_deploy;Password=#{SSIS.Template.sqlAccountPassword}');
    expect(drop.variables.filter((v) => v.name.startsWith('SsisDeploy.'))).toEqual([]);
  });
});

describe('the SQL and DACPAC templates\' Windows account', () => {
  const WIN_AUTH = 'User Id=#{SqlDeploy.WindowsUser};Password=#{SqlDeploy.WindowsPassword}';
  const dacpacPkg = { id: 'Meridian.Schema', version: '5.0.1', kind: 'zip' as const, files: { 'Meridian.Schema.dacpac': dacpacBytes } };
  const sqlPackage = (auth: Record<string, string>, sensitive: Record<string, string> = {}): OctopusStepSpec => ({
    name: 'Schema',
    command: 'run-script',
    package: dacpacPkg,
    variables: { DACPACPackageName: 'Meridian.Schema.dacpac', DACPACTargetServer: 'db01', DACPACTargetDatabase: 'Meridian', DACPACPackage: 'Meridian.Schema', ...auth },
    sensitive,
  });
  const legacy = (auth: Record<string, string>, sensitive: Record<string, string> = {}): OctopusStepSpec => ({
    name: 'Schema',
    command: 'run-script',
    package: dacpacPkg,
    variables: { DACPACPackageName: 'Meridian.Schema.dacpac', TargetServer: 'db01', TargetDatabase: 'Meridian', DACPACPackage: 'Meridian.Schema', ...auth },
    sensitive,
  });
  const scriptFiles = (auth: Record<string, string>, sensitive: Record<string, string> = {}): OctopusStepSpec => ({
    name: 'Scripts',
    command: 'run-script',
    package: { id: 'Meridian.Sql', version: '1.0.0', kind: 'zip', files: { '01.sql': 'PRINT 1' } },
    variables: { serverInstance: 'db01', dbName: 'Meridian', SQLScripts: '01.sql', 'template.Package': 'Meridian.Sql', ...auth },
    sensitive,
  });

  it.each([
    ['"Deploy DACPAC using SqlPackage", WindowsIntegrated', sqlPackage({ DACPACAuthenticationType: 'WindowsIntegrated' }), `Data Source=db01;Initial Catalog=Meridian;${WIN_AUTH};TrustServerCertificate=True`],
    ['legacy "Deploy DACPAC", UseIntegratedSecurity', legacy({ UseIntegratedSecurity: 'True' }), `Data Source=db01;Initial Catalog=Meridian;${WIN_AUTH};TrustServerCertificate=True`],
    ['"Execute SQL Script Files", WindowsIntegrated', scriptFiles({ Authentication: 'WindowsIntegrated' }), `Data Source=db01;Initial Catalog=Meridian;${WIN_AUTH}`],
  ])('%s: the connection names the tenant\'s SQL deployment Windows account and two prompts ask for it', async (_name, step, connection) => {
    const drop = await importSteps([step]);
    expect(drop.steps[0]!.settings.connection).toBe(connection);
    expect(drop.steps[0]!.settings.connection).not.toContain('Integrated Security');
    expect(drop.variables.map((v) => [v.name, v.label, v.type, v.required, v.sensitive, v.group])).toEqual([
      ['SqlDeploy.WindowsUser', 'SQL deployment Windows account', 'text', true, false, 'SQL deployment account'],
      ['SqlDeploy.WindowsPassword', 'SQL deployment Windows password', 'sensitive', true, true, 'SQL deployment account'],
    ]);
    const user = drop.variables[0]!;
    expect(user.help).toContain('DOMAIN\\user');
    expect(validateValue(user, 'STOLAF\\svc_sql')).toBeNull();
    expect(validateValue(user, 'svc_sql')?.code).toBe('VARIABLE_PATTERN_MISMATCH');
  });

  it.each([
    ['SqlPackage', sqlPackage({ DACPACAuthenticationType: 'WindowsIntegrated', 'SqlDeploy.WindowsUser': 'STOLAF\\svc_sql' }, { 'SqlDeploy.WindowsPassword': 'Baked-Sql-Pw3' })],
    ['legacy', legacy({ UseIntegratedSecurity: 'True', 'SqlDeploy.WindowsUser': 'STOLAF\\svc_sql' }, { 'SqlDeploy.WindowsPassword': 'Baked-Sql-Pw3' })],
    ['Script Files', scriptFiles({ Authentication: 'WindowsIntegrated', 'SqlDeploy.WindowsUser': 'STOLAF\\svc_sql' }, { 'SqlDeploy.WindowsPassword': 'Baked-Sql-Pw3' })],
  ])('%s: uses the account the drop bakes (the password stays a reference), and asks for nothing', async (_name, step) => {
    const drop = await importSteps([step]);
    expect(drop.steps[0]!.settings.connection).toContain('User Id=STOLAF\\svc_sql;Password=#{SqlDeploy.WindowsPassword}');
    expect(drop.variables).toEqual([]);
    expect(JSON.stringify(drop.steps)).not.toContain('Baked-Sql-Pw3');
  });

  it.each([
    ['SqlPackage', sqlPackage({ DACPACAuthenticationType: 'SqlAuthentication', DACPACSQLUsername: 'deploy' }, { DACPACSQLPassword: 'Sql-Pw1' }), 'User Id=deploy;Password=#{DACPACSQLPassword}'],
    ['legacy', legacy({ UseIntegratedSecurity: 'False', SQLUsername: 'deploy' }, { SQLPassword: 'Sql-Pw1' }), 'User Id=deploy;Password=#{SQLPassword}'],
    ['Script Files', scriptFiles({ Authentication: 'SqlAuthentication', Username: 'deploy' }, { Password: 'Sql-Pw1' }), 'User Id=deploy;Password=#{Password}'],
  ])('%s with a SQL login keeps it and asks for no Windows account', async (_name, step, login) => {
    const drop = await importSteps([step]);
    expect(drop.steps[0]!.settings.connection).toContain(login);
    expect(drop.variables.filter((v) => /^(sql|ssis)deploy\./i.test(v.name))).toEqual([]);
  });

  it('SSIS and SQL steps of one drop ask for their two accounts separately', async () => {
    const ssis: OctopusStepSpec = {
      name: 'SSIS',
      command: 'run-script',
      package: { id: 'Meridian.Feeds', version: '2.0.0', files: { 'Feeds.ispac': clinicalFeedsProject() } },
      variables: { 'SSIS.Template.ServerName': 'ssis01', 'SSIS.Template.FolderName': 'F', 'SSIS.Template.ssisPackageId': 'Meridian.Feeds' },
    };
    const drop = await importSteps([ssis, scriptFiles({ Authentication: 'WindowsIntegrated' })]);
    expect(drop.variables.map((v) => [v.name, v.group])).toEqual([
      ['SsisDeploy.WindowsUser', 'SSIS deployment account'],
      ['SsisDeploy.WindowsPassword', 'SSIS deployment account'],
      ['SqlDeploy.WindowsUser', 'SQL deployment account'],
      ['SqlDeploy.WindowsPassword', 'SQL deployment account'],
    ]);
  });
});

describe('"SQL - Execute SQL Script Files" with wildcards', () => {
  const files = { 'z_first.sql': 'PRINT 1', '2-a.sql': 'PRINT 2', '10-b.sql': 'PRINT 3', 'Readme.txt': 'x', 'sub/b10.sql': 'PRINT 4', 'sub/b2.sql': 'PRINT 5', 'sub/c.sql': 'PRINT 6', 'Last.SQL': 'PRINT 7' };
  const step = (lines: string): OctopusStepSpec => ({
    name: 'Scripts',
    command: 'run-script',
    package: { id: 'Meridian.Sql', version: '1.0.0', kind: 'zip', files },
    variables: { serverInstance: 'db01', dbName: 'M', Authentication: 'SqlAuthentication', Username: 'u', Password: 'p', SQLScripts: lines, 'template.Package': 'Meridian.Sql' },
  });

  it('keeps the line order; a wildcard line expands (natural order) where it stands; no file twice', async () => {
    const drop = await importSteps([step('z_first.sql\r\nsub\\b*.sql\r\nnothing_*.sql\r\n*.sql\r\nlast.sql\r\nSUB\\C.SQL\r\n')]);
    expect(drop.steps[0]).toMatchObject({ type: 'sql-scripts', settings: { scripts: ['z_first.sql', 'sub/b2.sql', 'sub/b10.sql', '2-a.sql', '10-b.sql', 'Last.SQL', 'sub/c.sql'] } });
  });

  it('lines that match no file at all make the step unsupported, naming them', async () => {
    const drop = await importSteps([step('nothing_*.sql\nother/*.sql')]);
    expect(drop.steps[0]).toMatchObject({ type: 'unsupported', unsupportedReason: expect.stringContaining('nothing_*.sql, other/*.sql') });
  });
});

describe('deploy-package steps by content, and unsupported steps', () => {
  it('maps .ispac and .dacpac packages; two .ispac files give two steps', async () => {
    const second = buildIspac({ projectName: 'Billing', version: { major: 1, minor: 0, build: 0 }, packages: [{ name: 'Bill.dtsx' }] });
    const drop = await importSteps(
      [
        { name: 'SSIS pkg', command: 'deploy-package', package: { id: 'Meridian.Ssis', version: '1.0.0', files: { 'a/ClinicalFeeds.ispac': clinicalFeedsProject(), 'b/Billing.ispac': second } }, variables: { SsisConnectionString: 'Server=ssis01;Integrated Security=true' } },
        { name: 'Schema', command: 'deploy-package', package: { id: 'Meridian.Schema', version: '1.0.0', files: { 'Schema.dacpac': dacpacBytes } } },
      ],
      { FolderName: 'Meridian' },
    );
    expect(drop.steps.map((s) => [s.id, s.type, s.settings.ispac ?? s.settings.dacpac, s.settings.connection, s.settings.folder])).toEqual([
      ['octopus-1-ssis-pkg-clinicalfeeds', 'ssis-project', 'a/ClinicalFeeds.ispac', '#{SsisConnectionString}', 'Meridian'],
      ['octopus-1-ssis-pkg-billing', 'ssis-project', 'b/Billing.ispac', '#{SsisConnectionString}', 'Meridian'],
      ['octopus-2-schema', 'dacpac', 'Schema.dacpac', '#{ConnectionString}', undefined],
    ]);
    // The Schema step has no connection string variable: the tenant is asked for one.
    expect(drop.variables.find((v) => v.name === 'ConnectionString')).toMatchObject({ type: 'connection-string', required: true, origin: 'octopus' });
  });

  it('"SQL - Execute Script" becomes a sql-scripts step with the inline SQL, run every time, outside a transaction', async () => {
    const drop = await importSteps([
      { name: 'Grant reader', command: 'run-script', variables: { SqlScript: "GRANT SELECT ON SCHEMA::rpt TO [#{ReportsRole}];\nPRINT 'granted'", ConnectionString: 'Server=db01;Database=Reports;Integrated Security=true' } },
    ]);
    expect(drop.steps.map((s) => [s.type, s.package, s.settings])).toEqual([
      [
        'sql-scripts',
        undefined,
        {
          connection: 'Server=db01;Database=Reports;User Id=#{SqlDeploy.WindowsUser};Password=#{SqlDeploy.WindowsPassword}',
          sql: "GRANT SELECT ON SCHEMA::rpt TO [#{ReportsRole}];\nPRINT 'granted'",
          transaction: 'none',
          runAlways: ['**'],
        },
      ],
    ]);
    // The script's own reference is asked of the tenant like any other.
    expect(drop.variables.map((v) => v.name)).toContain('ReportsRole');
  });

  it('lists everything else as unsupported with the reason', async () => {
    const drop = await importSteps([
      { name: 'Website', command: 'deploy-package', package: { id: 'Meridian.Web', version: '1.0.0', files: { 'web.config': '<configuration/>' } } },
      { name: 'Cert', command: 'import-certificate' },
      { name: 'Bash', command: 'run-script', variables: { 'Octopus.Action.Script.Syntax': 'Bash' } },
      { name: 'Abs path', command: 'run-script', variables: { SqlScriptFile: 'C:\\Scripts\\x.sql', ConnectionString: 'Server=x' } },
      { name: 'Missing step', command: 'run-script', variables: { NugetPackageStepName: 'Nowhere', ServerName: 's', CatalogName: 'SSISDB', FolderName: 'F' } },
    ]);
    expect(drop.steps.map((s) => [s.type, s.unsupportedReason])).toEqual([
      ['unsupported', expect.stringContaining('holds no .sql scripts, .ispac or .dacpac')],
      ['unsupported', expect.stringContaining('"import-certificate"')],
      ['unsupported', expect.stringContaining('runs a Bash script')],
      ['unsupported', expect.stringContaining('"C:\\Scripts\\x.sql" on the target machine')],
      ['unsupported', expect.stringContaining('"Nowhere" it names is not part of this drop')],
    ]);
  });
});

/**
 * Run conditions as Octopus writes them. Source: OctopusDeploy/docs
 * src/pages/docs/projects/steps/conditions/index.mdx (run condition "only if the previous step failed /
 * succeeded / always / variable expression"; the documented expressions `#{unless Octopus.Deployment.Error}…`
 * and `#{if Octopus.Deployment.Error}…`), and the step property Octopus.Step.ConditionVariableExpression as
 * Octopus's Terraform exports of deployment processes carry it (octopusdeploy_process_step `properties`),
 * e.g. "#{if Octopus.Deployment.Error}#{if Octopus.Action[…].Output.SmtpConfigured == "True"}true#{/if}#{/if}"
 * on a "send an email when the deployment has failed" step. Whether Octopus Server writes step properties
 * into an offline drop's variables file is not confirmed (docs/shared reference §1.5), so a drop without
 * it keeps the default, which is what the drop's own script does (it stops at the first failure).
 */
describe('run conditions from the step variables', () => {
  const sqlStep = (name: string, expression?: string) => ({
    name,
    command: 'run-script' as const,
    variables: { SqlScript: 'PRINT 1', ConnectionString: 'Server=db01;Database=Reports;User Id=u;Password=p', ...(expression !== undefined ? { 'Octopus.Step.ConditionVariableExpression': expression } : {}) },
  });

  it('maps the documented forms to success and failure, and names where it came from', async () => {
    const drop = await importSteps([
      sqlStep('Plain'),
      sqlStep('On failure', '#{if Octopus.Deployment.Error}true#{/if}'),
      sqlStep('On success', '#{unless Octopus.Deployment.Error}true#{/unless}'),
      sqlStep('Notify on failure', '#{if Octopus.Deployment.Error}#{if Octopus.Action[Check SMTP].Output.SmtpConfigured == "True"}true#{/if}#{/if}'),
    ]);
    expect(drop.steps.map((s) => [s.name, s.runCondition ?? 'success'])).toEqual([
      ['Plain', 'success'],
      ['On failure', 'failure'],
      ['On success', 'success'],
      ['Notify on failure', 'failure'],
    ]);
    expect(drop.steps[0]!.runConditionNote).toBeUndefined();
    expect(drop.steps[1]!.runConditionNote).toBe('Octopus.Step.ConditionVariableExpression = #{if Octopus.Deployment.Error}true#{/if}: runs only when an earlier step failed.');
    expect(drop.steps[3]!.runConditionNote).toContain('the inner condition "#{if Octopus.Action[Check SMTP].Output.SmtpConfigured == "True"}true#{/if}" is not evaluated offline');
  });

  it('any other expression is shown, not evaluated: the step runs as the drop script runs it (only after successes)', async () => {
    const drop = await importSteps([sqlStep('Production only', '#{if Octopus.Environment.Name == "Production"}true#{/if}')]);
    expect(drop.steps[0]!.runCondition).toBeUndefined();
    expect(drop.steps[0]!.runConditionNote).toContain('is not evaluated offline; the step runs only while the steps before it succeeded');
  });
});
