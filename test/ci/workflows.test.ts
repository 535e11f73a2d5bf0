/**
 * The CI workflows refer only to things that exist: npm scripts in package.json, test files on disk,
 * variables the kit and the e2e fixture read, the installer targets electron-builder makes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveConnectionSettings } from '../../main/sql/connection-settings';
import { HOST_VARIABLE } from '../support/app-host';
import { ENV_FILE_VARIABLE, SQL_VARIABLE, SSISDB_VARIABLE } from '../support/real-target/kit-env';

const root = path.resolve(import.meta.dirname, '..', '..');
const dir = path.join(root, '.github', 'workflows');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, unknown> }
interface Job { 'runs-on': string; env?: Record<string, unknown>; services?: Record<string, { image: string; env?: Record<string, unknown>; ports?: string[] }>; steps: Step[] }
interface Workflow { name: string; on: unknown; jobs: Record<string, Job> }

const workflows: Record<string, Workflow> = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => [f, parse(readFileSync(path.join(dir, f), 'utf8')) as Workflow]),
);
const allJobs = Object.values(workflows).flatMap((w) => Object.entries(w.jobs));
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? s.run.split('\n').map((l) => l.trim()).filter(Boolean) : []));

/** Every DROP_RUNNER_* variable a workflow may set, and where it is read. */
const KNOWN_VARIABLES: Record<string, string> = {
  [SQL_VARIABLE]: 'test/support/real-target/kit-env.ts',
  [SSISDB_VARIABLE]: 'test/support/real-target/kit-env.ts',
  [ENV_FILE_VARIABLE]: 'test/support/real-target/kit-env.ts',
  [HOST_VARIABLE]: 'test/support/app-host.ts',
  DROP_RUNNER_TEST_CHROMIUM: 'playwright.config.ts',
};

describe('.github/workflows', () => {
  it('parse, and there are a Windows job and a SQL Server job', () => {
    expect(Object.keys(workflows).sort()).toEqual(['sql-server.yml', 'windows.yml']);
    for (const w of Object.values(workflows)) {
      expect(w.name).toBeTruthy();
      expect(Object.keys(w.jobs).length).toBeGreaterThan(0);
    }
    expect(allJobs.map(([, j]) => j['runs-on']).sort()).toEqual(['ubuntu-latest', 'windows-latest']);
  });

  it('every npm command and test file they run exists', () => {
    for (const [id, job] of allJobs) {
      for (const line of runs(job)) {
        const script = /^npm (?:run(?: --silent)? ([\w:-]+)|(test|ci)\b)/.exec(line);
        if (script?.[1]) expect(pkg.scripts, `${id}: ${line}`).toHaveProperty([script[1]]);
        if (script?.[2] === 'test') expect(pkg.scripts.test, `${id}: ${line}`).toBe('node scripts/test-all.mjs');
        for (const file of line.match(/test\/[\w./-]+\.test\.ts/g) ?? []) expect(existsSync(path.join(root, file)), `${id}: ${file}`).toBe(true);
      }
    }
  });

  it('every DROP_RUNNER_* variable they set is one the kit or the e2e fixture reads', () => {
    for (const [id, job] of allJobs) {
      const names = Object.keys({ ...job.env, ...Object.assign({}, ...job.steps.map((s) => s.env ?? {})) }).filter((n) => n.startsWith('DROP_RUNNER_'));
      for (const name of names) {
        expect(KNOWN_VARIABLES, `${id} sets ${name}`).toHaveProperty([name]);
        expect(readFileSync(path.join(root, KNOWN_VARIABLES[name]!), 'utf8'), `${name} in ${KNOWN_VARIABLES[name]}`).toContain(name);
      }
    }
  });

  it('Windows: npm ci downloads Electron, npm test runs the Electron specs, Credential Manager, dist artifacts match electron-builder', () => {
    const job = workflows['windows.yml']!.jobs.windows!;
    expect(job['runs-on']).toMatch(/^windows-/);
    const lines = runs(job);
    expect(lines.some((l) => l.startsWith('npm ci'))).toBe(true);
    expect(job.env?.ELECTRON_SKIP_BINARY_DOWNLOAD).toBeUndefined();
    expect(job.env?.[HOST_VARIABLE]).toBe('electron');
    expect(lines).toContain('npm test');
    expect(lines).toContain('npx vitest run test/main/platform/secret-store-windows.test.ts');
    expect(lines).toContain('npm run dist');
    expect(existsSync(path.join(root, 'test/e2e/electron-only.spec.ts'))).toBe(true);
    const config = createRequire(import.meta.url)(path.join(root, 'build', 'electron-builder.config.cjs')) as { directories: { output: string }; win: { target: Array<{ target: string }> } };
    expect(config.win.target.map((t) => t.target).sort()).toEqual(['nsis', 'zip']);
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact') && String(s.with?.path).includes('.exe'))!;
    expect(String(upload.with!.path).split('\n').map((l) => l.trim()).filter(Boolean)).toEqual([`${config.directories.output}/*.exe`, `${config.directories.output}/*.zip`]);
  });

  it('SQL Server: the 2022 service container, DROP_RUNNER_TEST_SQL pointing at it, SqlPackage, npm run test:real, no SSISDB', () => {
    const job = workflows['sql-server.yml']!.jobs['sql-server']!;
    expect(job['runs-on']).toBe('ubuntu-latest');
    const service = Object.values(job.services ?? {})[0]!;
    expect(service.image).toBe('mcr.microsoft.com/mssql/server:2022-latest');
    expect(service.env?.ACCEPT_EULA).toBe('Y');
    const published = Number(String(service.ports?.[0]).split(':')[0]);
    const settings = resolveConnectionSettings({ connectionString: String(job.env?.[SQL_VARIABLE]) });
    expect(settings).toMatchObject({ server: '127.0.0.1', port: published, authentication: 'sql', user: 'sa', password: service.env?.MSSQL_SA_PASSWORD });
    expect(job.env?.[SSISDB_VARIABLE]).toBeUndefined();
    const lines = runs(job);
    expect(lines).toContain('dotnet tool install -g microsoft.sqlpackage');
    expect(lines).toContain('npm run test:real');
    expect(pkg.scripts['test:real']).toContain('scripts/test-real.ts');
  });
});
