/**
 * The real CLI in a child process (built bin/drop-runner.js) against the TDS double in this process:
 * exit codes, the terminal log, preflight blocking, the machine lock, SIGINT, and a SIGKILL in the
 * middle of a script step followed by `resume`. Needs `npm run build` (npm test builds first).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDropRunner } from '../../support/run-cli';
import { repoRoot } from '../../support/browser-host';
import { ALL_SECRETS, filesContaining, journalOf, sampleDropZip, startDeployDouble, story, TENANT, tenantValues, type DeployDouble, closeCliWorld, openCliWorld, type CliWorld } from './deploy-fixture';
import { buildSampleDrop } from '../../support/fixtures/sample-drop';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';

const built = existsSync(path.join(repoRoot, 'dist', 'main', 'cli.js'));
const skipReason = 'SKIPPED: dist/main/cli.js is missing — run `npm run build` first (npm test does)';

let double: DeployDouble;
let root: string;
let dataDir: string;
let varFile: string;
let zip: string;

beforeAll(async () => {
  zip = await sampleDropZip();
});
let world: CliWorld;
beforeEach(async () => {
  world = await openCliWorld('dr-cli');
  ({ double, root, dataDir, varFile } = world);
});
afterEach(() => closeCliWorld(world));

const cli = (args: string[], timeoutMs = 120_000) => runDropRunner([...args, '--data-dir', dataDir], { timeoutMs });

/** Spawns the CLI without waiting, for signals. */
function spawnCli(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'drop-runner.js'), ...args, '--data-dir', dataDir], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  child.stdin.end();
  return { child, output: () => out, exit };
}

/** Polls a condition (no fixed sleeps: the machine is shared and slow). */
async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const deployArgs = (...extra: string[]) => ['deploy', zip, '--var-file', varFile, '--yes', '--operator', 'Jana', ...extra];
const deploymentIdIn = (text: string) => /deployment (\d{8}T\d{6}Z-[\w.-]+)/.exec(text)?.[1];
const scriptInserts = () => double.server.recordsOf('rpc').filter((r) => /INSERT INTO \[cdh\]\.\[SchemaVersions\]/i.test(r.sql ?? '')).map((r) => r.params.find((p) => p.name === '@ScriptName')?.value);

describe.skipIf(!built)(`drop-runner deploy / resume / history (${built ? 'built CLI' : skipReason})`, () => {
  it('deploys the sample drop: exit 0, a line per step, the report written, no secret anywhere', async () => {
    const reportDir = path.join(root, 'report');
    const run = await cli(deployArgs('--report', reportDir));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('▶ [2/5] Update the staging database');
    expect(run.stdout).toContain('✔ [4/5] Deploy the Clinical Feeds SSIS project succeeded');
    expect(run.stdout).toContain('Deployment succeeded');
    expect(run.stdout).toContain(`Report: ${reportDir}`);
    const id = deploymentIdIn(run.stdout)!;
    expect(story(journalOf(dataDir, id)).at(-1)).toBe('finished succeeded');
    const history = await cli(['history', '--json']);
    expect(JSON.parse(history.stdout)).toMatchObject([{ deploymentId: id, state: 'succeeded', outcome: 'succeeded', tenantId: 'st-brigids' }]);
    for (const secret of ALL_SECRETS) {
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
    expect(filesContaining(dataDir, ALL_SECRETS)).toEqual([]);
    expect(filesContaining(reportDir, ALL_SECRETS)).toEqual([]);
  });

  it('plan prints every step with its dry run and masks the secrets; exit 0', async () => {
    const run = await cli(['plan', zip, '--var-file', varFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('2. Update the staging database [sql-scripts]');
    expect(run.stdout).toContain('001_create_schema.sql: will run');
    expect(run.stdout).toContain('project ClinicalFeeds: deploy');
    const json = await cli(['plan', zip, '--var-file', varFile, '--json']);
    const plan = JSON.parse(json.stdout) as { steps: Array<{ settings: Record<string, unknown> }> };
    // The connection string variable is sensitive as a whole; other settings stay readable.
    expect(plan.steps[1]!.settings).toMatchObject({ connection: '********', journalTable: 'cdh.SchemaVersions' });
    for (const secret of ALL_SECRETS) expect(run.stdout + json.stdout).not.toContain(secret);
  });

  it('plan lists each missing value once, with the defaults and steps that wait for it, and CLI fixes', async () => {
    const values = tenantValues(double.server.port);
    const { InterfaceEngineHost: _a, ApiBaseUrl: _b, SqlServer: _c, SsisServer: _d, StagingConnection: _e, SsisConnection: _f, ...rest } = values;
    writeFileSync(varFile, JSON.stringify(rest));
    const run = await cli(['plan', zip, '--var-file', varFile]);
    expect(run.code).toBe(2);
    const problems = run.stdout.slice(run.stdout.indexOf('Problems:'));
    expect(problems).toMatch(/^Problems: 2 to fix \(\d+ reports, grouped by cause\)/);
    expect(problems.match(/^ {2}[A-Z_]+: /gm)).toHaveLength(2);
    expect(problems).toContain('VARIABLE_REQUIRED: Interface engine host: a value is required');
    expect(problems).toMatch(/needed by the value of: .*ApiBaseUrl/);
    expect(problems).toMatch(/needed by steps?: /);
    expect(problems).toContain('fix: pass --var SqlServer=VALUE');
    expect(run.stdout).not.toMatch(/Variables screen/);
    expect(run.stdout).toMatch(/waits for: #\{/);
    const json = JSON.parse((await cli(['plan', zip, '--var-file', varFile, '--json'])).stdout) as { problems: unknown[]; problemGroups: Array<{ variable?: string }> };
    expect(json.problemGroups.map((g) => g.variable).sort()).toEqual(['InterfaceEngineHost', 'SqlServer']);
    expect(json.problems.length).toBeGreaterThan(json.problemGroups.length);
  });

  it('refuses manual checks without --yes (exit 2) and names them', async () => {
    const run = await cli(['deploy', zip, '--var-file', varFile]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error MANUAL_CHECK_NEEDS_YES');
    expect(run.stderr).toContain('Confirm the interface engine is paused');
  });

  it('--on-failure retry:1 recovers a one-off failing batch: exit 0', async () => {
    double.server.addResponder({ batch: /CREATE TABLE cdh\.LabResult/i, times: 1, respond: { error: { number: 1205, message: 'deadlock victim', class: 13 } } });
    const retry = await cli(deployArgs('--on-failure', 'retry:1'));
    expect(retry.code, retry.stdout + retry.stderr).toBe(0);
    expect(retry.stdout).toContain('decision: retry');
    expect(story(journalOf(dataDir, deploymentIdIn(retry.stdout)!))).toContain('finish staging-db#2 succeeded');
  });

  it('--on-failure abort: exit 1 and the journal says aborted; a bad --on-failure is exit 2', async () => {
    double.server.addResponder({ batch: /CREATE TABLE cdh\.LabResult/i, respond: { error: { number: 1205, message: 'deadlock victim', class: 13 } } });
    const abort = await cli(deployArgs('--on-failure', 'abort'));
    expect(abort.code).toBe(1);
    expect(abort.stdout).toContain('error SQL_BATCH_FAILED');
    // The sample drop's last manual check (resume the interface engine) is runCondition always: it still runs, as clean-up.
    expect(story(journalOf(dataDir, deploymentIdIn(abort.stdout)!)).slice(-5)).toEqual([
      'decision staging-db abort',
      'stopped aborted',
      'start resume-interface-engine#1',
      'finish resume-interface-engine#1 succeeded',
      'finished aborted',
    ]);
    expect(abort.stdout).toContain('Outcome: aborted');
    expect(abort.stdout).toMatch(/Not applied:\n {2}- .*\(staging-db\): Failed: SQL_BATCH_FAILED/);
    expect(abort.stdout).toMatch(/Clean-up steps that ran after the deployment stopped:\n {2}- Confirm the interface engine is running again \(resume-interface-engine\): succeeded/);

    const bad = await cli(deployArgs('--on-failure', 'sometimes'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--on-failure "sometimes"');
  });

  it('--on-failure skip: the step is skipped with the recorded reason and the rest runs (exit 4: not fully applied)', async () => {
    double.server.addResponder({ batch: /CREATE TABLE cdh\.LabResult/i, respond: { error: { number: 1205, message: 'deadlock victim', class: 13 } } });
    const skip = await cli(deployArgs('--on-failure', 'skip'));
    expect(skip.code).toBe(4);
    expect(skip.stdout).toContain('Outcome: completed-with-skips — Not fully applied (skipped steps)');
    expect(skip.stdout).toMatch(/Not applied:\n {2}- .*\(staging-db\): Failed, then skipped by the operator — reason: skipped by --on-failure skip \(unattended run\)/);
    const s = story(journalOf(dataDir, deploymentIdIn(skip.stdout)!));
    expect(s).toContain('decision staging-db skip (skipped by --on-failure skip (unattended run))');
    const history = JSON.parse((await cli(['history', '--json'])).stdout) as Array<{ deploymentId: string; outcome: string }>;
    expect(history.find((d) => d.deploymentId === deploymentIdIn(skip.stdout))?.outcome).toBe('completed-with-skips');
    expect(s).toContain('finish transforms#1 succeeded');
  });

  it('preflight blocks an unreachable server (exit 3) and a missing variable (exit 2), each with its hint, before any change', async () => {
    const values = tenantValues(double.server.port);
    const closed = await startDeployDouble();
    const closedPort = closed.server.port;
    await closed.server.close();
    writeFileSync(varFile, JSON.stringify({ ...values, StagingConnection: values.StagingConnection!.replace(`,${double.server.port}`, `,${closedPort}`) }));
    const unreachable = await cli(deployArgs());
    expect(unreachable.code).toBe(3);
    expect(unreachable.stdout).toMatch(/FAIL .*Connect to 127\.0\.0\.1,\d+ \/ CDH_Staging.*SQL_CONNECT_FAILED/);
    expect(unreachable.stdout).toContain('hint: Nothing listens on that port');
    expect(unreachable.stderr).toContain('error PREFLIGHT_BLOCKED');

    const { InterfaceEngineHost: _dropped, ...missing } = values;
    writeFileSync(varFile, JSON.stringify(missing));
    const incomplete = await cli(deployArgs());
    expect(incomplete.code).toBe(2);
    expect(incomplete.stdout).toMatch(/FAIL .*Interface engine host: a value is required/);
    // The terminal names what can be typed here, not a screen of the app.
    expect(incomplete.stdout).toContain('fix: pass --var InterfaceEngineHost=VALUE (or put InterfaceEngineHost=VALUE in a --var-file) for this run, or remember it with `drop-runner tenant set st-brigids InterfaceEngineHost=VALUE`');
    expect(incomplete.stdout).not.toMatch(/screen/i);
    // One failing check for the missing value, naming what waits for it, not one more per default and step.
    expect(incomplete.stdout.match(/FAIL .*InterfaceEngineHost|FAIL .*Interface engine host/g)).toHaveLength(1);
    expect(existsSync(path.join(dataDir, 'deployments')) ? scriptInserts() : []).toEqual([]);
    expect(double.server.recordsOf('batch').filter((b) => /CREATE|INSERT|MERGE/i.test(b.text))).toEqual([]);
  });

  it('SIGINT cancels gracefully (exit 130); a second deployment while one runs gets DEPLOY_LOCKED naming it (exit 3)', async () => {
    // The batch is held until the test lets it go, so the first deployment surely holds the lock meanwhile.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    double.server.addResponder({ batch: /CREATE TABLE cdh\.Admission/i, respond: async () => (await gate, {}) });
    const first = spawnCli(deployArgs());
    await double.server.waitForRecord((r) => r.kind === 'batch' && /CREATE TABLE cdh\.Admission/i.test(r.text), 60_000);
    const second = await cli(deployArgs());
    expect(second.code).toBe(3);
    const firstId = deploymentIdIn(first.output())!;
    expect(second.stderr).toContain(`error DEPLOY_LOCKED: Another deployment is running on this machine: ${firstId}`);
    first.child.kill('SIGINT');
    await until(() => readFileSync(path.join(dataDir, 'deployments', firstId, 'journal.jsonl'), 'utf8').includes('"cancel-requested"'));
    release();
    expect(await first.exit).toBe(130);
    expect(story(journalOf(dataDir, firstId)).slice(-6)).toEqual([
      'cancel graceful',
      'finish staging-db#1 cancelled',
      'stopped cancelled',
      'start resume-interface-engine#1',
      'finish resume-interface-engine#1 succeeded',
      'finished cancelled',
    ]);
  });

  it('tenant decide records keep-previous for a changed default (FeedBatchSize 500 → 1000 in 2.5.0), the way the Variables screen does', async () => {
    const first = await cli(deployArgs());
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const next = await buildSampleDrop({ outDir: root, release: '2.5.0' });
    const notChanged = await cli(['tenant', 'decide', TENANT, next, 'SqlServer=use-new']);
    expect(notChanged.code).toBe(2);
    expect(notChanged.stderr).toContain('error VARIABLE_NO_DEFAULT_CHANGE');
    const typo = await cli(['tenant', 'decide', TENANT, next, 'FeedBatchSize=maybe']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('is not NAME=keep-previous or NAME=use-new');
    expect(openTenantStore(dataDir).get(TENANT)?.decisions?.FeedBatchSize).toBeUndefined();

    const kept = await cli(['tenant', 'decide', TENANT, next, 'FeedBatchSize=keep-previous']);
    expect(kept.code, kept.stdout + kept.stderr).toBe(0);
    expect(kept.stdout).toContain(`FeedBatchSize: the previous value is kept for ${TENANT}`);
    expect(openTenantStore(dataDir).get(TENANT)?.decisions?.FeedBatchSize).toMatchObject({ decision: 'keep-previous' });
    // Remembered as the tenant's value: the old default, 500.
    expect(openTenantStore(dataDir).get(TENANT)?.values.FeedBatchSize).toMatchObject({ value: '500' });
  });

  it('unattended (no terminal, --yes): a failed backup never waits for an answer; the step fails (exit 1), and --on-failure retry:1 retries the backup', async () => {
    double.server.backups.scenario.failBackup = { error: 3201 };
    const failed = await cli(deployArgs());
    expect(failed.code, failed.stdout + failed.stderr).toBe(1);
    expect(failed.stdout + failed.stderr).toContain('BACKUP_FAILED');
    expect(failed.stdout + failed.stderr).toContain('nobody can answer at this terminal');
    const id = deploymentIdIn(failed.stdout)!;
    expect(journalOf(dataDir, id).at(-1)).toMatchObject({ type: 'deployment-finished', outcome: 'failed' });

    const before = double.server.backups.operations.length;
    double.server.backups.scenario.failBackup = { error: 3201 };
    const retried = await cli(deployArgs('--on-failure', 'retry:1'));
    expect(retried.code, retried.stdout + retried.stderr).toBe(0);
    expect(double.server.backups.operations.slice(before).filter((o) => o.kind === 'backup').map((o) => o.ok)).toEqual([false, true]);
  });

  it('a deployment killed (SIGKILL) in the middle of a script step is interrupted; resume completes it without applying any script twice', async () => {
    double.server.addResponder({ batch: /CREATE TABLE cdh\.LabResult/i, times: 1, respond: { delayMs: 60_000 } });
    const backupsBefore = double.server.backups.operations.length;
    const first = spawnCli(deployArgs());
    await double.server.waitForRecord((r) => r.kind === 'batch' && /CREATE TABLE cdh\.LabResult/i.test(r.text), 60_000);
    const id = deploymentIdIn(first.output())!;
    first.child.kill('SIGKILL');
    await first.exit;
    expect(readFileSync(path.join(dataDir, 'deployments', '.lock'), 'utf8')).toContain(id);

    const history = await cli(['history']);
    expect(history.stdout).toMatch(new RegExp(`${id}.*interrupted`));
    expect(history.stdout).toContain(`drop-runner resume ${id}`);

    const resumed = await cli(['resume', id, '--var-file', varFile, '--yes']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Resuming Clinical Data Hub 2.4.0');
    const s = story(journalOf(dataDir, id));
    expect(s).toContain('interrupted staging-db');
    expect(s.slice(s.indexOf('interrupted staging-db'))).toEqual([
      'interrupted staging-db',
      'resumed',
      'start staging-db#2',
      'finish staging-db#2 succeeded',
      'start transforms#1',
      'finish transforms#1 succeeded',
      'start ssis-feeds#1',
      'finish ssis-feeds#1 succeeded',
      'start resume-interface-engine#1',
      'finish resume-interface-engine#1 succeeded',
      'finished succeeded',
    ]);
    // The double's record: each script journaled exactly once across both processes.
    expect(scriptInserts()).toEqual(['001_create_schema.sql', '002_tables.sql', '003_seed_reference.sql']);
    expect(double.server.recordsOf('batch').filter((b) => /CREATE TABLE \[cdh\]\.FeedBatch/i.test(b.text))).toHaveLength(1);
    expect(existsSync(path.join(dataDir, 'deployments', '.lock'))).toBe(false);
    // One backup across both processes: the resumed attempt finds the first one in the journal. A second
    // would already hold the first scripts' changes, and the back-out plan must name the one from before.
    expect(double.server.backups.operations.slice(backupsBefore).filter((o) => o.kind === 'backup').map((o) => o.database)).toEqual(['CDH_Staging']);
    const events = journalOf(dataDir, id);
    expect(events.filter((e) => e.type === 'artifact' && e.artifact.kind === 'backup')).toHaveLength(1);
    expect(events.some((e) => e.type === 'log' && e.stepId === 'staging-db' && e.message.startsWith('CDH_Staging was already backed up in this deployment'))).toBe(true);

    const again = await cli(['resume', id]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('error DEPLOY_NOT_INTERRUPTED');
  });
});
