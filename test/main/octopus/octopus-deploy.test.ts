/**
 * Octopus offline drops end to end: opened through the real DropLibrary (folder and zip, both variable
 * formats, both key sizes, with and without a password), planned, preflighted and deployed by the
 * deployment manager on the TDS double with SSISDB. Package archives are extracted into the data folder.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Drop } from '../../../common/drop-model';
import { createDeploymentManager, type DeploymentManager } from '../../../main/deploy/deployment-manager';
import { DropLibrary } from '../../../main/drop/drop-library';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import type { TenantStore } from '../../../main/tenants/tenant-store';
import { buildOctopusDropFolder, buildOctopusDropZip, clinicalFeedsProject, hospitalDropSpec, type OctopusDropSpec } from '../../support/fixtures/octopus-drop-builder';
import { createSsisdbEmulation, type SsisdbEmulation } from '../../support/ssisdb/index';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';
import { keyringAvailable } from '../tenants/tenant-test-support';
import { cleanup, filesContaining, journalOf, scratch, story } from '../deploy/deploy-fixture';
import { rejectionCodeOf } from '../../support/app-error-code';
import { openDropIsolated } from '../../../main/drop/worker/isolated-open';
import { runCliInProcess, type InProcessRun } from '../../support/cli-in-process';

const PASSWORD = 'Hospital-Drop-Pw1';
const WIN = { domain: 'STOLAF', user: 'svc_ssis', password: 'Ss1s!Deploy-4410' };
/** The account SQL script and DACPAC template steps with Windows authentication deploy with. */
// Its password holds ';', '"' and '=' on purpose: Windows passwords do, and they must not split the connection string.
const WIN_SQL = { domain: 'STOLAF', user: 'svc_sqldeploy', password: 'Sq1;Deploy"Pw=7781' };
const LOGINS = [
  { user: 'deploy', password: 'Db-Pa55word!' },
  { user: 'report_deploy', password: 'R3ports-Pwd' },
];
const SECRETS = ['Catal0g!Pwd', 'k3y-s3cret-ApiKey', 'Db-Pa55word!', 'R3ports-Pwd', WIN.password, WIN_SQL.password, PASSWORD];
const TENANT = 'Tenants-7';

/**
 * The hospital drop with its SSIS step as a deploy-package step whose package holds the .ispac (the
 * community template variant, deployed with the tenant's Windows account, has its own test below).
 */
function deployableSpec(options: Parameters<typeof hospitalDropSpec>[0]): OctopusDropSpec {
  const spec = hospitalDropSpec(options);
  const [, , migrations, reports, notify] = spec.steps;
  spec.steps = [
    {
      name: 'Deploy feeds',
      command: 'deploy-package',
      package: { id: 'Meridian.ClinicalFeeds', version: '2.4.0', files: { 'ClinicalFeeds.ispac': clinicalFeedsProject(), 'readme.txt': 'feeds' } },
      variables: { SsisConnectionString: '', FolderName: 'Meridian' },
    },
    migrations!,
    reports!,
    notify!,
  ];
  return spec;
}

interface World {
  root: string;
  dataDir: string;
  drops: DropLibrary;
  tenants: TenantStore;
  manager: DeploymentManager;
}

function world(root: string): World {
  const dataDir = path.join(root, 'data');
  const settings = createConfSettingsStore(dataDir, 'settings');
  const drops = new DropLibrary(dataDir, settings, () => ({}), openDropIsolated);
  const tenants = openTenantStore(dataDir, { secrets: createKeychainSecretStore() });
  const manager = createDeploymentManager({ dataDir, drops, tenants, settings });
  return { root, dataDir, drops, tenants, manager };
}

async function enterValues(w: World, drop: Drop, port: number): Promise<void> {
  const server = `127.0.0.1,${port}`;
  w.tenants.ensure(TENANT, 'St Olaf Hospital');
  const values = { SqlServer: server, SsisConnectionString: `Server=${server};Database=SSISDB;User Id=${WIN.domain}\\${WIN.user};Password=${WIN.password};Encrypt=False`, ReportsOwner: 'dbo' };
  // Entered for this process only: no keychain needed.
  await w.tenants.saveValues(TENANT, Object.entries(values).map(([name, value]) => ({ name, value, ...(name === 'SsisConnectionString' ? { sensitive: true } : {}) })), { remember: false, templates: drop.variables });
}

let server: TdsServer;
let ssisdb: SsisdbEmulation;
const roots: string[] = [];
// A fresh double per test: its databases (and the journal table) must not carry over between variants.
beforeEach(async () => {
  server = await startTdsServer({ windowsUsers: [WIN, WIN_SQL], logins: LOGINS, ntlmDomain: WIN.domain });
  ssisdb = createSsisdbEmulation({ deployPolls: 0, validationPolls: 1 });
  server.use(ssisdb);
  server.addResponder({ name: 'permissions', sql: /HAS_PERMS_BY_NAME/i, respond: (req) => ({ rows: [Object.fromEntries([...(req.text ?? '').matchAll(/AS (p\d+)/g)].map((m) => [m[1]!, 1]))] }) });
});
afterEach(async () => {
  await server.close();
});
afterAll(() => {
  for (const r of roots) cleanup(r);
});

const variants: Array<[string, Parameters<typeof hospitalDropSpec>[0], 'folder' | 'zip']> = [
  ['dictionary + .secret, AES-128, zip', { format: 'dictionary', keySize: 128, password: PASSWORD }, 'zip'],
  ['dictionary + .secret, AES-256, folder', { format: 'dictionary', keySize: 256, password: PASSWORD }, 'folder'],
  ['dictionary, no password, folder', { format: 'dictionary' }, 'folder'],
  ['2025 array, AES-128, folder', { format: 'array', keySize: 128, password: PASSWORD }, 'folder'],
  ['2025 array, AES-256, zip', { format: 'array', keySize: 256, password: PASSWORD }, 'zip'],
  ['2025 array, no password, zip', { format: 'array' }, 'zip'],
];

describe.each(variants)('Octopus drop (%s): open, plan, preflight, deploy on the TDS double', (_label, options, kind) => {
  let w: World;
  let drop: Drop;
  let source: string;
  afterEach(async () => {
    await w?.manager.close();
  });

  it('opens, plans, blocks on the unsupported step until skipped, deploys, and runs the run-always scripts again on a second deployment', async () => {
    const root = scratch('dr-octo-deploy');
    roots.push(root);
    w = world(root);
    if (kind === 'zip') source = (await buildOctopusDropZip(path.join(root, 'src'), deployableSpec(options))).zip;
    else {
      source = path.join(root, 'src', 'drop-folder');
      await buildOctopusDropFolder(source, deployableSpec(options));
    }
    drop = await w.drops.open(source, { octopusPassword: async () => options.password });
    expect(drop.steps.map((s) => [s.type, s.package?.replace(/_[0-9A-F]{32}|@[0-9A-F]{32}/, '')])).toEqual([
      ['ssis-project', 'Packages/Meridian.ClinicalFeeds.2.4.0.nupkg'],
      ['sql-scripts', 'Packages/Meridian.Database.1.2.0.nupkg'],
      ['sql-scripts', 'Packages/Meridian.Reports@S1.0.0.zip'],
      ['unsupported', undefined],
    ]);
    await enterValues(w, drop, server.port);

    const plan = await w.manager.plan(drop.id, TENANT);
    expect(plan.problems).toEqual([]);
    const [ssisPlan, migrationsPlan, reportsPlan] = plan.steps;
    expect(ssisPlan!.dryRun.error).toBeUndefined();
    // Backups before change are the default for every step that changes a database, imported ones too (issue 15).
    expect(migrationsPlan!.dryRun.items.map((i) => [i.label, i.action])).toEqual([
      ['Backup of Meridian', 'will back up first (COPY_ONLY, verified)'],
      ['scripts/001_create.sql', 'will run'],
      ['scripts/002_seed.sql', 'will run'],
    ]);
    expect(reportsPlan!.dryRun.items.map((i) => [i.label, i.action])).toEqual([
      ['Backup of Reports', 'will back up first (COPY_ONLY, verified)'],
      ['reports/010_views.sql', 'will run (every deployment)'],
      ['reports/post.sql', 'will run (every deployment)'],
    ]);
    // The archives were extracted into the data folder (once), never next to the drop.
    const cache = path.join(w.dataDir, 'drops', drop.id, 'packages');
    expect(readdirSync(cache).filter((n) => n.endsWith('.complete'))).toHaveLength(3);
    if (kind === 'folder') expect(readdirSync(source).sort()).not.toContain('packages');

    const unsupportedId = drop.steps[3]!.id;
    const blocked = await w.manager.preflight(drop.id, TENANT);
    expect(blocked.blocked).toBe(true);
    expect(blocked.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([`${unsupportedId}:unsupported`]);
    const pre = await w.manager.preflight(drop.id, TENANT, { skipUnsupported: [unsupportedId] });
    expect(pre.checks.filter((c) => c.status === 'fail')).toEqual([]);

    const first = await w.manager.start({ dropId: drop.id, tenantId: TENANT, operator: 'Ola', skipUnsupported: [unsupportedId], onFailure: { kind: 'fail' } });
    expect((await w.manager.wait(first.deploymentId)).state).toBe('succeeded');
    const events = journalOf(w.dataDir, first.deploymentId);
    const ids = drop.steps.map((s) => s.id);
    expect(story(events)).toEqual([
      'started',
      `start ${ids[0]}#1`,
      `finish ${ids[0]}#1 succeeded`,
      `start ${ids[1]}#1`,
      `finish ${ids[1]}#1 succeeded`,
      `start ${ids[2]}#1`,
      `finish ${ids[2]}#1 succeeded`,
      `decision ${ids[3]} skip (Unsupported step, skipped as chosen before the run: ${drop.steps[3]!.unsupportedReason})`,
      `finish ${ids[3]}#1 skipped`,
      'finished succeeded',
    ]);
    expect(events.find((e) => e.type === 'decision')).toMatchObject({ stepId: unsupportedId, decision: 'skip', by: 'Ola' });
    expect(ssisdb.catalog.folders.map((f) => f.name)).toContain('Meridian');
    const journaledScripts = () => server.recordsOf('rpc').filter((r) => /INSERT INTO .*SchemaVersions/i.test(r.sql ?? '')).map((r) => r.params.find((p) => p.name === '@ScriptName')?.value);
    expect(journaledScripts()).toEqual(['scripts/001_create.sql', 'scripts/002_seed.sql']);
    const viewsBatches = () => server.recordsOf('batch').filter((r) => /CREATE VIEW dbo\.v/.test(r.text ?? '')).length;
    const before = viewsBatches();
    expect(before).toBeGreaterThan(0);

    // Second deployment: the migrations are journaled and skipped, the template's scripts run again (Octopus semantics).
    const second = await w.manager.start({ dropId: drop.id, tenantId: TENANT, operator: 'Ola', skipUnsupported: [unsupportedId], onFailure: { kind: 'fail' } });
    expect((await w.manager.wait(second.deploymentId)).state).toBe('succeeded');
    expect(viewsBatches()).toBe(before * 2);
    expect(journaledScripts()).toEqual(['scripts/001_create.sql', 'scripts/002_seed.sql']);
    // A drop without a password carries its "secrets" in clear in its own files (the vendor's choice); nothing else may.
    const extracted = path.join(w.dataDir, 'drops', drop.id, 'files') + path.sep;
    expect(filesContaining(w.dataDir, SECRETS).filter((hit) => !(options.password === undefined && hit.startsWith(extracted)))).toEqual([]);
  });
});

describe('the hospital drop\'s SSIS step template, deployed with the tenant\'s Windows account', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.manager.close();
  });

  it('prompts for the Windows account, and with it deploys the project, its environment and bindings over NTLM', async () => {
    const root = scratch('dr-octo-ssis-template');
    roots.push(root);
    w = world(root);
    const { zip } = await buildOctopusDropZip(path.join(root, 'src'), hospitalDropSpec({ format: 'array', keySize: 256, password: PASSWORD }));
    const drop = await w.drops.open(zip, { octopusPassword: async () => PASSWORD });
    expect(drop.steps.map((s) => [s.id, s.type])).toEqual([
      ['octopus-2-deploy-ssis-project', 'ssis-project'],
      ['octopus-3-run-migrations', 'sql-scripts'],
      ['octopus-4-reports-scripts', 'sql-scripts'],
      ['octopus-5-notify-monitoring', 'unsupported'],
    ]);
    expect(drop.variables.map((v) => [v.name, v.type, v.required])).toEqual([
      ['SqlServer', 'text', true],
      ['ReportsOwner', 'text', false],
      ['SsisDeploy.WindowsUser', 'text', true],
      ['SsisDeploy.WindowsPassword', 'sensitive', true],
    ]);

    // Without the account the plan says what is missing instead of failing at connect time.
    w.tenants.ensure(TENANT, 'St Olaf Hospital');
    const address = `127.0.0.1,${server.port}`;
    await w.tenants.saveValues(TENANT, [{ name: 'SqlServer', value: address }, { name: 'ReportsOwner', value: 'dbo' }], { remember: false, templates: drop.variables });
    const incomplete = await w.manager.plan(drop.id, TENANT);
    expect(JSON.stringify(incomplete.problems)).toContain('SsisDeploy.WindowsUser');

    await w.tenants.saveValues(
      TENANT,
      [
        { name: 'SsisDeploy.WindowsUser', value: `${WIN.domain}\\${WIN.user}` },
        { name: 'SsisDeploy.WindowsPassword', value: WIN.password, sensitive: true },
      ],
      { remember: false, templates: drop.variables },
    );
    const plan = await w.manager.plan(drop.id, TENANT);
    expect(plan.problems).toEqual([]);
    expect(plan.steps[0]!.dryRun.error).toBeUndefined();
    const unsupportedId = drop.steps[3]!.id;
    const pre = await w.manager.preflight(drop.id, TENANT, { skipUnsupported: [unsupportedId] });
    expect(pre.checks.filter((c) => c.status === 'fail')).toEqual([]);

    const run = await w.manager.start({ dropId: drop.id, tenantId: TENANT, operator: 'Ola', skipUnsupported: [unsupportedId], onFailure: { kind: 'fail' } });
    expect((await w.manager.wait(run.deploymentId)).state).toBe('succeeded');
    const ids = drop.steps.map((s) => s.id);
    expect(story(journalOf(w.dataDir, run.deploymentId)).filter((line) => line.startsWith('finish '))).toEqual([
      `finish ${ids[0]}#1 succeeded`,
      `finish ${ids[1]}#1 succeeded`,
      `finish ${ids[2]}#1 succeeded`,
      `finish ${ids[3]}#1 skipped`,
    ]);
    // The SSIS step logged in as the tenant's Windows account (NTLM); no login failed.
    const logins = server.recordsOf('login');
    expect(logins.filter((r) => r.authKind === 'ntlm' && r.user === `${WIN.domain}\\${WIN.user}` && r.domain === WIN.domain).length).toBeGreaterThan(0);
    expect(logins.filter((r) => !r.success)).toEqual([]);
    const catalog = ssisdb.catalog;
    const project = catalog.project('Meridian', 'ClinicalFeeds');
    expect(project).toBeDefined();
    const env = catalog.environments.find((e) => e.name === 'Production' && e.folder_id === catalog.folder('Meridian')!.folder_id);
    expect(env).toBeDefined();
    expect(catalog.variables.filter((v) => v.environment_id === env!.environment_id).map((v) => [v.name, v.sensitive]).sort()).toEqual([
      ['ApiKey', true],
      ['BatchSize', false],
      ['SourceConnection', false],
    ]);
    expect(catalog.variables.find((v) => v.name === 'SourceConnection')!.value.value).toBe(`Data Source=${address};Initial Catalog=Feeds;Integrated Security=SSPI`);
    expect(filesContaining(w.dataDir, SECRETS)).toEqual([]);
  });
});

describe('the hospital drop\'s "Execute SQL Script Files" step with Windows authentication', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.manager.close();
  });

  it('prompts for the SQL deployment Windows account, and with it runs the scripts over NTLM', async () => {
    const root = scratch('dr-octo-sql-windows');
    roots.push(root);
    w = world(root);
    const spec = hospitalDropSpec({ format: 'array', keySize: 256, password: PASSWORD });
    const reports = spec.steps.find((s) => s.name === 'Reports scripts')!;
    const { Username: _user, ...variables } = reports.variables ?? {};
    spec.steps = [{ ...reports, variables: { ...variables, Authentication: 'WindowsIntegrated' }, sensitive: {} }];
    const { zip } = await buildOctopusDropZip(path.join(root, 'src'), spec);
    const drop = await w.drops.open(zip, { octopusPassword: async () => PASSWORD });
    expect(drop.steps.map((s) => s.type)).toEqual(['sql-scripts']);
    expect(drop.steps[0]!.settings.connection).toBe('Data Source=#{SqlServer};Initial Catalog=Reports;User Id=#{SqlDeploy.WindowsUser};Password=#{SqlDeploy.WindowsPassword};TrustServerCertificate=True');
    expect(drop.variables.map((v) => [v.name, v.type, v.required])).toEqual([
      ['SqlServer', 'text', true],
      ['ReportsOwner', 'text', false],
      ['SqlDeploy.WindowsUser', 'text', true],
      ['SqlDeploy.WindowsPassword', 'sensitive', true],
    ]);

    w.tenants.ensure(TENANT, 'St Olaf Hospital');
    await w.tenants.saveValues(TENANT, [{ name: 'SqlServer', value: `127.0.0.1,${server.port}` }], { remember: false, templates: drop.variables });
    const incomplete = await w.manager.plan(drop.id, TENANT);
    expect(JSON.stringify(incomplete.problems)).toContain('SqlDeploy.WindowsUser');

    await w.tenants.saveValues(
      TENANT,
      [
        { name: 'SqlDeploy.WindowsUser', value: `${WIN_SQL.domain}\\${WIN_SQL.user}` },
        { name: 'SqlDeploy.WindowsPassword', value: WIN_SQL.password, sensitive: true },
      ],
      { remember: false, templates: drop.variables },
    );
    const plan = await w.manager.plan(drop.id, TENANT);
    expect(plan.problems).toEqual([]);
    expect(plan.steps[0]!.dryRun.items.map((i) => i.label)).toEqual(['Backup of Reports', 'reports/010_views.sql', 'reports/post.sql']);

    const run = await w.manager.start({ dropId: drop.id, tenantId: TENANT, operator: 'Ola', onFailure: { kind: 'fail' } });
    expect((await w.manager.wait(run.deploymentId)).state).toBe('succeeded');
    expect(server.recordsOf('batch').filter((r) => /CREATE VIEW dbo\.v/.test(r.text ?? '')).length).toBeGreaterThan(0);
    const logins = server.recordsOf('login');
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((r) => r.success && r.authKind === 'ntlm' && r.user === `${WIN_SQL.domain}\\${WIN_SQL.user}`)).toBe(true);
    expect(filesContaining(w.dataDir, SECRETS)).toEqual([]);
  });
});

describe('an Octopus "SQL - Execute Script" step with inline SQL', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.manager.close();
  });

  it('sends the evaluated SQL as one batch with the drop\'s SQL login, on every deployment', async () => {
    const root = scratch('dr-octo-inline');
    roots.push(root);
    w = world(root);
    const spec = hospitalDropSpec({ format: 'array', keySize: 256, password: PASSWORD });
    spec.steps = [
      {
        name: 'Grant readers',
        command: 'run-script',
        // Two statements and a comment with "GO" inside a line: the template never split on GO, so neither do we.
        variables: { SqlScript: "GRANT SELECT ON SCHEMA::rpt TO [#{ReportsOwner}]; -- GO live\nPRINT 'granted to #{ReportsOwner}'", ConnectionString: 'Server=#{SqlServer};Database=Reports;User Id=deploy;Password=#{DbPassword};Encrypt=False' },
        sensitive: { DbPassword: 'Db-Pa55word!' },
      },
    ];
    const { zip } = await buildOctopusDropZip(path.join(root, 'src'), spec);
    const drop = await w.drops.open(zip, { octopusPassword: async () => PASSWORD });
    expect(drop.steps.map((s) => [s.type, s.package])).toEqual([['sql-scripts', undefined]]);
    w.tenants.ensure(TENANT, 'St Olaf Hospital');
    await w.tenants.saveValues(TENANT, [{ name: 'SqlServer', value: `127.0.0.1,${server.port}` }, { name: 'ReportsOwner', value: 'rpt_readers' }], { remember: false, templates: drop.variables });

    const plan = await w.manager.plan(drop.id, TENANT);
    expect(plan.problems).toEqual([]);
    expect(plan.steps[0]!.dryRun.items.map((i) => [i.label, i.action])).toEqual([['Backup of Reports', 'will back up first (COPY_ONLY, verified)'], ['Grant readers (inline SQL)', 'will run (every deployment)']]);
    for (let run = 1; run <= 2; run++) {
      const started = await w.manager.start({ dropId: drop.id, tenantId: TENANT, operator: 'Ola', onFailure: { kind: 'fail' } });
      expect((await w.manager.wait(started.deploymentId)).state).toBe('succeeded');
    }
    const sent = server.recordsOf('batch').filter((r) => /GRANT SELECT ON SCHEMA::rpt/.test(r.text ?? ''));
    expect(sent.map((r) => r.text)).toEqual(Array(2).fill("GRANT SELECT ON SCHEMA::rpt TO [rpt_readers]; -- GO live\nPRINT 'granted to rpt_readers'"));
    expect(server.recordsOf('login').filter((r) => r.user === 'deploy').every((r) => r.success)).toBe(true);
    expect(filesContaining(w.dataDir, SECRETS)).toEqual([]);
  });
});

describe('ContinueOnError and CommandTimeout of the Octopus SQL templates', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.manager.close();
  });

  it('a refused batch is a warning and the deployment goes on when the step says ContinueOnError', async () => {
    const root = scratch('dr-octo-continue');
    roots.push(root);
    w = world(root);
    const spec = hospitalDropSpec({ format: 'array', keySize: 256, password: PASSWORD });
    const connection = 'Server=#{SqlServer};Database=Reports;User Id=deploy;Password=#{DbPassword};Encrypt=False';
    spec.steps = [
      { name: 'Optional cleanup', command: 'run-script', variables: { SqlScript: 'EXEC dbo.purge_old_rows', ConnectionString: connection, ContinueOnError: 'True', CommandTimeout: '120' }, sensitive: { DbPassword: 'Db-Pa55word!' } },
      { name: 'After it', command: 'run-script', variables: { SqlScript: "PRINT 'still here'", ConnectionString: connection, ContinueOnError: 'False' }, sensitive: { DbPassword: 'Db-Pa55word!' } },
    ];
    const { zip } = await buildOctopusDropZip(path.join(root, 'src'), spec);
    const drop = await w.drops.open(zip, { octopusPassword: async () => PASSWORD });
    expect(drop.steps.map((s) => [s.settings.continueOnError, s.settings.commandTimeoutSeconds])).toEqual([
      [true, 120],
      [undefined, undefined],
    ]);
    server.addResponder({ name: 'missing proc', batch: /purge_old_rows/, respond: { error: { number: 2812, message: "Could not find stored procedure 'dbo.purge_old_rows'.", class: 16 } } });
    w.tenants.ensure(TENANT, 'St Olaf Hospital');
    await w.tenants.saveValues(TENANT, [{ name: 'SqlServer', value: `127.0.0.1,${server.port}` }], { remember: false, templates: drop.variables });
    const started = await w.manager.start({ dropId: drop.id, tenantId: TENANT, operator: 'Ola', onFailure: { kind: 'fail' } });
    expect((await w.manager.wait(started.deploymentId)).state).toBe('succeeded');
    const journal = readFileSync(path.join(w.dataDir, 'deployments', started.deploymentId, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; message?: string });
    expect(journal.filter((e) => e.type === 'warning').map((e) => e.message)).toEqual([expect.stringMatching(/purge_old_rows.*\(ignored: the step continues on errors \(ContinueOnError\)\)$/s)]);
    expect(server.recordsOf('batch').some((r) => /still here/.test(r.text ?? ''))).toBe(true);
  });
});

describe('Octopus drop failures', () => {
  it('a wrong password is OCTOPUS_BAD_PASSWORD, and a missing one is asked for', async () => {
    const root = scratch('dr-octo-bad');
    roots.push(root);
    const w = world(root);
    const { zip } = await buildOctopusDropZip(path.join(root, 'src'), deployableSpec({ format: 'dictionary', keySize: 256, password: PASSWORD }));
    expect(await rejectionCodeOf(w.drops.open(zip, { octopusPassword: async () => 'not-the-password' }))).toBe('OCTOPUS_BAD_PASSWORD');
    expect(await rejectionCodeOf(w.drops.open(zip))).toMatch(/^OCTOPUS_PASSWORD/);
    await w.manager.close();
  });

  it('a damaged .secret file is a clear error', async () => {
    const root = scratch('dr-octo-damaged');
    roots.push(root);
    const w = world(root);
    const folder = path.join(root, 'drop');
    await buildOctopusDropFolder(folder, deployableSpec({ format: 'dictionary', keySize: 128, password: PASSWORD }));
    const secretFiles = readdirSync(path.join(folder, 'Variables'), { recursive: true }).map(String).filter((n) => n.endsWith('.secret'));
    expect(secretFiles.length).toBeGreaterThan(0);
    const file = path.join(folder, 'Variables', secretFiles[0]!);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text.slice(0, text.length - 12)}AAAAAAAAAAAA`);
    const code = await rejectionCodeOf(w.drops.open(folder, { octopusPassword: async () => PASSWORD }));
    expect(code).toMatch(/^OCTOPUS_(BAD_PASSWORD|SECRET|VARIABLES)/);
    // Nothing of a refused drop is kept.
    expect(existsSync(path.join(root, 'data', 'drops')) ? readdirSync(path.join(root, 'data', 'drops')).filter((n) => !n.startsWith('.')) : []).toEqual([]);
    await w.manager.close();
  });
});

const cli = (args: string[], dataDir: string, input?: string): Promise<InProcessRun> => runCliInProcess(args, { dataDir, input });

describe('drop-runner inspect with an Octopus drop', () => {
  let root: string;
  let zip: string;
  beforeEach(async () => {
    root = scratch('dr-octo-cli');
    roots.push(root);
    zip = (await buildOctopusDropZip(path.join(root, 'src'), deployableSpec({ format: 'array', keySize: 256, password: PASSWORD }))).zip;
  });

  it('--password-stdin: exits 0 and shows the mapped steps; the password is never printed', async () => {
    const r = await cli(['inspect', zip, '--password-stdin'], path.join(root, 'data'), `${PASSWORD}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('octopus-offline-drop/array');
    expect(r.stdout).toMatch(/\[ssis-project\]/);
    expect(r.stdout).toMatch(/\[unsupported\]/);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  });

  it('a wrong password on stdin exits 2 with OCTOPUS_BAD_PASSWORD; none at all names the missing password', async () => {
    const wrong = await cli(['inspect', zip, '--password-stdin'], path.join(root, 'data'), 'not-it\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^error OCTOPUS_BAD_PASSWORD: /);
    expect(wrong.stderr).toContain('hint: ');
    const none = await cli(['inspect', zip], path.join(root, 'data'));
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error OCTOPUS_PASSWORD/);
  });
});

describe.skipIf(!keyringAvailable)('the remembered drop password (keychain)', () => {
  it('deploy --password-stdin --remember keeps the password for the tenant; inspect --tenant then opens the drop without it', async () => {
    const root = scratch('dr-octo-remember');
    roots.push(root);
    const dataDir = path.join(root, 'data');
    const tenant = `octo-${Date.now()}`;
    const { zip } = await buildOctopusDropZip(path.join(root, 'src'), deployableSpec({ format: 'dictionary', keySize: 128, password: PASSWORD }));
    // plan only needs the drop opened: the double is not needed for the password to be remembered.
    const plan = await cli(['plan', zip, '--password-stdin', '--remember', '--tenant', tenant, '--var', 'SqlServer=127.0.0.1,1', '--var', 'SsisConnectionString=Server=127.0.0.1,1;User Id=A\\b;Password=x'], dataDir, `${PASSWORD}\n`);
    expect(plan.stderr).not.toContain('OCTOPUS_');
    const inspect = await cli(['inspect', zip, '--tenant', tenant], dataDir);
    expect(inspect.stderr).toBe('');
    expect(inspect.code).toBe(0);
    const other = await cli(['inspect', zip, '--tenant', `${tenant}-other`], dataDir);
    expect(other.code).toBe(2);
    const tenants = openTenantStore(dataDir, { secrets: createKeychainSecretStore() });
    await tenants.forget(tenant);
  });
});
if (!keyringAvailable) {
  it.skip('the remembered drop password needs a keychain: run under `bash scripts/with-keyring.sh npx vitest run test/main/octopus`', () => undefined);
}
