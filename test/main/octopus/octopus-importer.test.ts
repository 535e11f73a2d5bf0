import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Drop } from '../../../common/drop-model';
import { AppError } from '../../../common/errors';
import { sqlScriptsSettingsSchema, ssisProjectSettingsSchema } from '../../../main/drop/manifest-schema';
import { openDrop } from '../../../main/drop/open-drop';
import { createOctopusImporter, importOctopusDrop, looksLikeOctopusDrop } from '../../../main/octopus/octopus-importer';
import { buildOctopusDropFolder, buildOctopusDropZip, hospitalDropSpec, type OctopusDropSpec } from '../../support/fixtures/octopus-drop-builder';
import { rejectionCodeOf } from '../../support/app-error-code';

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'octopus-import-'));
  temps.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

const PASSWORD = 'Hospital-Drop-Pw1';
const SECRETS = ['Catal0g!Pwd', 'k3y-s3cret-ApiKey', 'Db-Pa55word!', 'R3ports-Pwd'];

const variants: Array<[string, Parameters<typeof hospitalDropSpec>[0]]> = [
  ['legacy dictionary + .secret, AES-128', { format: 'dictionary', keySize: 128, password: PASSWORD }],
  ['legacy dictionary + .secret, AES-256', { format: 'dictionary', keySize: 256, password: PASSWORD }],
  ['legacy dictionary, no password', { format: 'dictionary' }],
  ['2025 array, AES-128', { format: 'array', keySize: 128, password: PASSWORD }],
  ['2025 array, AES-256', { format: 'array', keySize: 256, password: PASSWORD }],
  ['2025 array, no password', { format: 'array' }],
];

describe.each(variants)('importOctopusDrop: %s', (_name, options) => {
  let drop: Awaited<ReturnType<typeof importOctopusDrop>>;

  it('imports the hospital drop', async () => {
    const dir = await tempDir();
    await buildOctopusDropFolder(dir, hospitalDropSpec(options));
    expect(await looksLikeOctopusDrop(dir)).toBe(true);
    drop = await importOctopusDrop(dir, options.password ? { password: options.password } : {});
    expect(drop.formatVersion).toBe(`octopus-offline-drop/${options.format}`);
    expect(drop.octopus.keySizes).toEqual(options.password ? [options.keySize] : []);
    expect(drop.project).toEqual({ id: 'Projects-8', name: 'Meridian' });
    expect(drop.release).toMatchObject({ version: '3.1.0', notes: 'Quarterly feeds release' });
    expect(drop.target).toEqual({ tenantId: 'Tenants-7', tenantName: 'St Olaf Hospital', environment: 'Production' });
    expect(drop.octopus).toMatchObject({ applicationsDirectory: 'C:\\Applications', journalPath: 'C:\\Octopus\\DeploymentJournal.xml' });
  });

  it('maps the steps in script order, absorbing the SSIS package step into the template step', () => {
    expect(drop.steps.map((s) => [s.id, s.type])).toEqual([
      ['octopus-2-deploy-ssis-project', 'ssis-project'],
      ['octopus-3-run-migrations', 'sql-scripts'],
      ['octopus-4-reports-scripts', 'sql-scripts'],
      ['octopus-5-notify-monitoring', 'unsupported'],
    ]);
  });

  it('maps the SSIS template with its environment and project parameter bindings', () => {
    const ssis = drop.steps[0]!;
    expect(ssis.package).toBe('Packages/Meridian.ClinicalFeeds.2.4.0.nupkg');
    expect(ssis.settings).toEqual({
      // The template's Integrated Security becomes the tenant's Windows account (NTLM from Node).
      connection: 'Data Source=#{SqlServer};Initial Catalog=SSISDB;User Id=#{SsisDeploy.WindowsUser};Password=#{SsisDeploy.WindowsPassword}',
      ispac: 'ClinicalFeeds.ispac',
      folder: 'Meridian',
      projectName: 'ClinicalFeeds',
      environment: 'Production',
      environmentVariables: [
        { name: 'SourceConnection', value: 'Data Source=#{SqlServer};Initial Catalog=Feeds;Integrated Security=SSPI', type: 'String', sensitive: false, description: 'From Octopus variable SourceConnection' },
        { name: 'BatchSize', value: '500', type: 'Int32', sensitive: false, description: 'From Octopus variable BatchSize' },
        { name: 'ApiKey', value: '#{ApiKey}', type: 'String', sensitive: true, description: 'From Octopus variable ApiKey' },
      ],
      parameterBindings: [
        { objectType: 'project', parameter: 'SourceConnection', variable: 'SourceConnection' },
        { objectType: 'project', parameter: 'BatchSize', variable: 'BatchSize' },
        { objectType: 'project', parameter: 'ApiKey', variable: 'ApiKey' },
      ],
    });
  });

  it('maps the deploy-package SQL step and the "Execute SQL Script Files" template', () => {
    const [, migrations, reports, other] = drop.steps;
    expect(migrations).toMatchObject({ package: 'Packages/Meridian.Database.1.2.0_B47863CDE8E3F24E95873F4B59FE990E.nupkg', settings: { connection: '#{ConnectionString}', transaction: 'per-script' } });
    expect(reports).toMatchObject({
      package: 'Packages/Meridian.Reports@S1.0.0@B47863CDE8E3F24E95873F4B59FE990E.zip',
      settings: { connection: 'Data Source=#{SqlServer};Initial Catalog=Reports;User Id=report_deploy;Password=#{Password};TrustServerCertificate=True', scripts: ['reports/010_views.sql', 'reports/post.sql'], transaction: 'none', runAlways: ['**'] },
    });
    expect(other!.unsupportedReason).toMatch(/PowerShell script/);
  });

  it('turns unresolved and empty values into tenant prompts, and bakes the rest', () => {
    expect(drop.variables.map((v) => [v.name, v.required, v.origin])).toEqual([
      ['SqlServer', true, 'octopus'],
      ['ReportsOwner', false, 'octopus'],
      ['SsisDeploy.WindowsUser', true, 'octopus'],
      ['SsisDeploy.WindowsPassword', true, 'octopus'],
    ]);
    const baked = new Map(drop.baked.filter((b) => !b.step).map((b) => [b.name, b]));
    expect(baked.get('DatabaseName')).toEqual({ name: 'DatabaseName', value: 'Meridian', sensitive: false });
    expect(baked.has('SqlServer')).toBe(false);
    expect(baked.get('DbPassword')).toMatchObject({ sensitive: true });
    expect(baked.get('Password')).toMatchObject({ sensitive: true });
    expect(drop.baked.find((b) => b.name === 'Octopus.Action.Name' && b.step === 'Run migrations')?.value).toBe('Run migrations');
  });

  it('produces settings that the native drop.json schemas accept', () => {
    for (const step of drop.steps) {
      if (step.type === 'sql-scripts') expect(sqlScriptsSettingsSchema.safeParse(step.settings).error).toBeUndefined();
      if (step.type === 'ssis-project') expect(ssisProjectSettingsSchema.safeParse(step.settings).error).toBeUndefined();
    }
  });

  it('never puts a secret into step settings or prompts', () => {
    const visible = JSON.stringify({ steps: drop.steps, variables: drop.variables });
    for (const secret of SECRETS) expect(visible).not.toContain(secret);
  });
});

describe('Octopus drops through openDrop', () => {
  it('opens a zip with the importer hook and a lazily supplied password', async () => {
    const work = await tempDir();
    const { zip } = await buildOctopusDropZip(work, hospitalDropSpec({ format: 'array', keySize: 256, password: PASSWORD }));
    let asked = 0;
    const drop: Drop = await openDrop(zip, {
      dataDir: join(work, 'data'),
      octopusImporter: createOctopusImporter({
        password: async () => {
          asked++;
          return PASSWORD;
        },
      }),
    });
    expect(asked).toBe(1);
    expect(drop.format).toBe('octopus');
    expect(drop.provenance.sourceKind).toBe('zip');
    expect(drop.steps.map((s) => s.type)).toEqual(['ssis-project', 'sql-scripts', 'sql-scripts', 'unsupported']);
    expect(drop.files.some((f) => f.path === 'Calamari/Calamari.exe')).toBe(true);
    // Step packages are files of the opened drop.
    for (const s of drop.steps) if (s.package) expect(drop.files.map((f) => f.path)).toContain(s.package);
    expect(drop.packages.find((p) => p.path.endsWith('ClinicalFeeds.2.4.0.nupkg'))?.nested?.[0]?.projectName).toBe('ClinicalFeeds');
  });

  it('opens a folder with a wrong password as OCTOPUS_BAD_PASSWORD', async () => {
    const dir = await tempDir();
    await buildOctopusDropFolder(dir, hospitalDropSpec({ format: 'dictionary', keySize: 256, password: PASSWORD }));
    expect(await rejectionCodeOf(openDrop(dir, { dataDir: join(dir, '..', 'data-x'), octopusImporter: createOctopusImporter({ password: 'hospital-drop-pw1' }) }))).toBe('OCTOPUS_BAD_PASSWORD');
  });
});

describe('importOctopusDrop failures', () => {
  async function built(spec: OctopusDropSpec): Promise<{ dir: string; script: string }> {
    const dir = await tempDir();
    const { script } = await buildOctopusDropFolder(dir, spec);
    return { dir, script };
  }

  it('wrong password: OCTOPUS_BAD_PASSWORD (both formats)', async () => {
    for (const format of ['dictionary', 'array'] as const) {
      const { dir } = await built(hospitalDropSpec({ format, password: PASSWORD }));
      expect(await rejectionCodeOf(importOctopusDrop(dir, { password: 'nope' }))).toBe('OCTOPUS_BAD_PASSWORD');
    }
  });

  it('no password for an encrypted drop: OCTOPUS_PASSWORD_REQUIRED', async () => {
    const { dir } = await built(hospitalDropSpec({ format: 'array', password: PASSWORD }));
    expect(await rejectionCodeOf(importOctopusDrop(dir))).toBe('OCTOPUS_PASSWORD_REQUIRED');
  });

  it('a damaged .secret after others decrypted: OCTOPUS_VARIABLES_DAMAGED naming the file', async () => {
    const { dir } = await built(hospitalDropSpec({ format: 'dictionary', keySize: 128, password: PASSWORD }));
    const secret = join(dir, 'Variables', 'Hospital Offline.Meridian.Run migrations.secret');
    const bytes = await readFile(secret);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await writeFile(secret, bytes);
    try {
      await importOctopusDrop(dir, { password: PASSWORD });
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('OCTOPUS_VARIABLES_DAMAGED');
      expect((e as AppError).message).toContain('Run migrations.secret');
      expect((e as AppError).message).not.toContain(PASSWORD);
    }
  });

  it('a truncated .secret: OCTOPUS_VARIABLES_DAMAGED', async () => {
    const { dir } = await built(hospitalDropSpec({ format: 'dictionary', password: PASSWORD }));
    const secret = join(dir, 'Variables', 'Hospital Offline.Meridian.Deploy SSIS project.secret');
    await writeFile(secret, (await readFile(secret)).subarray(0, 30));
    expect(await rejectionCodeOf(importOctopusDrop(dir, { password: PASSWORD }))).toBe('OCTOPUS_VARIABLES_DAMAGED');
  });

  it('a plain .secret that is not JSON: OCTOPUS_VARIABLES_DAMAGED without quoting it', async () => {
    const { dir } = await built(hospitalDropSpec({ format: 'dictionary' }));
    await writeFile(join(dir, 'Variables', 'Hospital Offline.Meridian.Run migrations.secret'), 'DbPassword: Db-Pa55word!');
    try {
      await importOctopusDrop(dir);
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('OCTOPUS_VARIABLES_DAMAGED');
      expect(JSON.stringify((e as AppError).toShape())).not.toContain('Pa55word');
    }
  });

  it('a variables file the script names but the drop lacks: OCTOPUS_FILE_MISSING with the line', async () => {
    const { dir, script } = await built(hospitalDropSpec({ format: 'array' }));
    await rm(join(dir, 'Variables', 'Hospital Offline.Meridian.Reports scripts.variables.json'));
    try {
      await importOctopusDrop(dir);
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('OCTOPUS_FILE_MISSING');
      expect((e as AppError).message).toMatch(new RegExp(`^${script.replace(/\./g, '\\.')} line \\d+:`));
    }
  });

  it('no root script: OCTOPUS_SCRIPT_MISSING; a script without Calamari calls: OCTOPUS_SCRIPT_EMPTY', async () => {
    const { dir, script } = await built(hospitalDropSpec({ format: 'array' }));
    await writeFile(join(dir, script), 'Write-Host "nothing to do"\r\n');
    expect(await rejectionCodeOf(importOctopusDrop(dir))).toBe('OCTOPUS_SCRIPT_EMPTY');
    await rm(join(dir, script));
    expect(await rejectionCodeOf(importOctopusDrop(dir))).toBe('OCTOPUS_SCRIPT_MISSING');
    expect(await looksLikeOctopusDrop(dir)).toBe(false);
  });

  it('variables JSON of the wrong shape: OCTOPUS_VARIABLES_INVALID', async () => {
    const { dir } = await built(hospitalDropSpec({ format: 'array' }));
    await writeFile(join(dir, 'Variables', 'Hospital Offline.Meridian.Reports scripts.variables.json'), '[{"v": "no name"}]');
    expect(await rejectionCodeOf(importOctopusDrop(dir))).toBe('OCTOPUS_VARIABLES_INVALID');
  });
});
