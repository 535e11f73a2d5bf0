/**
 * Secrets end to end: tenant secrets remembered in the real keychain (gnome-keyring under
 * scripts/with-keyring.sh), a deployment in a new process (the CLI) that reads them from there, and
 * then every file of the data folder, the journal, the report and the CLI output searched for every
 * secret value. Also `npm run demo -- --headless` as a newcomer would run it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/browser-host';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { keychainScope, scopedService } from '../../../main/tenants/scoped-secrets';
import { secretService } from '../../../main/tenants/tenant-model';
import { hasKeyringSession, runDropRunner } from '../../support/run-cli';
import { ALL_SECRETS, cleanup, filesContaining, journalOf, sampleDropZip, scratch, startDeployDouble, tenantValues, SECRETS, WIN, type DeployDouble } from './deploy-fixture';

const built = existsSync(path.join(repoRoot, 'dist', 'main', 'cli.js'));
let double: DeployDouble;
let root: string;
beforeEach(async () => {
  double = await startDeployDouble();
  root = scratch('dr-secrets');
});
afterEach(async () => {
  await double.server.close();
  cleanup(root);
});

describe.skipIf(!hasKeyringSession || !built)(
  `secrets remembered in the keychain (${!hasKeyringSession ? 'SKIPPED: no D-Bus session — run under `bash scripts/with-keyring.sh npx vitest run test/main/deploy`' : !built ? 'SKIPPED: run `npm run build` first' : 'gnome-keyring'})`,
  () => {
    it('a deployment in a new process reads them from the keychain; no secret in the data folder, journal, report or output', async () => {
      const dataDir = path.join(root, 'data');
      const zip = await sampleDropZip();
      const values = tenantValues(double.server.port);
      const secretNames = [...Object.keys(SECRETS), 'StagingConnection'];
      const plain = Object.entries(values).filter(([n]) => !secretNames.includes(n) && n !== 'SsisConnection');
      const varFile = path.join(root, 'plain.env');
      writeFileSync(varFile, plain.map(([n, v]) => `${n}=${v}`).join('\n'));
      // Secrets go in through `tenant set --secret` (the keychain), plain values through --remember.
      const setSecrets = await runDropRunner(['tenant', 'set', 'st-brigids', ...secretNames.map((n) => `${n}=${values[n]}`), `SsisConnection=${values.SsisConnection}`, '--secret', '--data-dir', dataDir]);
      expect(setSecrets.code, setSecrets.stderr).toBe(0);
      const remember = await runDropRunner(['plan', zip, '--var-file', varFile, '--remember', '--data-dir', dataDir]);
      expect(remember.code, remember.stdout + remember.stderr).toBe(0);
      // The tenant's service carries this data folder's scope (main/tenants/scoped-secrets.ts).
      const service = scopedService(secretService('st-brigids'), keychainScope(createConfSettingsStore(dataDir, 'tenants')));
      const lookup = spawnSync('secret-tool', ['search', '--all', 'service', service], { encoding: 'utf8' });
      // Only the item names are compared, so a failure here never prints a secret.
      expect([...(lookup.stdout + lookup.stderr).matchAll(/attribute\.username = (\S+)/g)].map((m) => m[1]).sort()).toEqual([...secretNames, 'SsisConnection'].sort());

      const reportDir = path.join(root, 'report');
      const run = await runDropRunner(['deploy', zip, '--yes', '--operator', 'Jana', '--report', reportDir, '--data-dir', dataDir], { timeoutMs: 120_000 });
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const id = /deployment (\S+)/.exec(run.stdout)![1]!;
      const started = journalOf(dataDir, id)[0]!;
      expect(started.type === 'deployment-started' && started.variables.find((v) => v.name === 'SqlPassword')).toMatchObject({ sensitive: true, value: '********', source: 'remembered' });
      expect(started.type === 'deployment-started' && started.variables.find((v) => v.name === 'SsisConnection')).toMatchObject({ sensitive: true, value: '********' });

      const everySecret = [...ALL_SECRETS, values.StagingConnection!, values.SsisConnection!];
      expect(everySecret).toContain(WIN.password);
      for (const s of everySecret) expect(run.stdout + run.stderr + remember.stdout + remember.stderr).not.toContain(s);
      expect(filesContaining(dataDir, everySecret)).toEqual([]);
      expect(filesContaining(reportDir, everySecret)).toEqual([]);
    });
  },
);

describe('npm run demo -- --headless', () => {
  it('deploys the sample drop on the simulated server and prints the report folder, with no secret in the data folder or the report', async () => {
    // Inside the checkout, so the bundle resolves node_modules like `npm run demo` does.
    const bundle = path.join(repoRoot, '.tmp', `demo-test-${process.pid}.mjs`);
    await build({ entryPoints: [path.join(repoRoot, 'scripts', 'demo.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundle, logLevel: 'warning' });
    const dataDir = path.join(root, 'demo-data');
    const reportDir = path.join(root, 'demo-report');
    const run = spawnSync(process.execPath, [bundle, '--headless', '--data-dir', dataDir, '--report', reportDir, '--record', path.join(root, 'record.jsonl')], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    rmSync(bundle, { force: true });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Simulated SQL Server');
    expect(run.stdout).toMatch(/Deployment \S+: succeeded\./);
    expect(run.stdout).toContain(`Report folder: ${reportDir}`);
    const demoSecrets = ['demo-Sql-Passw0rd!', 'demo-W1ndows-Passw0rd!', 'demo-Sftp-Passw0rd!', 'demo-api-key-0f3a9c'];
    for (const s of demoSecrets) expect(run.stdout + run.stderr).not.toContain(s);
    expect(filesContaining(dataDir, demoSecrets)).toEqual([]);
    expect(filesContaining(reportDir, demoSecrets)).toEqual([]);
    // Backups before change are on by default: the report names the verified backup file.
    const reportJson = readdirSync(reportDir, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.json'))!;
    const report = JSON.parse(readFileSync(path.join(reportDir, reportJson), 'utf8')) as { backOut: { backups: Array<{ database: string; file: string; verified: boolean }> } };
    expect(report.backOut.backups).toEqual([expect.objectContaining({ database: 'CDH_Staging', verified: true, file: expect.stringMatching(/CDH_Staging_DropRunner_\d{8}-\d{6}_\w+\.bak$/) })]);
    const html = readFileSync(path.join(reportDir, reportJson.replace(/\.json$/, '.html')), 'utf8');
    expect(html).toContain('Back-out plan');
    expect(html).toContain(report.backOut.backups[0]!.file.replace(/\\/g, '\\'));
  });

  it('without --data-dir, removes its own data folder and the sample zip folder when it ends, leaving only the report asked for', async () => {
    const bundle = path.join(repoRoot, '.tmp', `demo-clean-test-${process.pid}.mjs`);
    await build({ entryPoints: [path.join(repoRoot, 'scripts', 'demo.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundle, logLevel: 'warning' });
    const tmp = path.join(root, 'demo-tmpdir');
    mkdirSync(tmp);
    const reportDir = path.join(root, 'demo-clean-report');
    const run = spawnSync(process.execPath, [bundle, '--headless', '--report', reportDir], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000, env: { ...process.env, TMPDIR: tmp } });
    rmSync(bundle, { force: true });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('removed when the demo ends');
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(reportDir).length).toBeGreaterThan(0);
  });
});

