/**
 * Honest outcomes and run conditions through the built CLI against the TDS double, with a three-step
 * drop: the first step fails, the second is an ordinary step, the third is marked `runCondition:
 * "always"` (the clean-up a hospital needs whatever happened: resume the interface engine).
 *
 * - `--on-failure skip` → outcome completed-with-skips, exit 4, the report's headline is not green and
 *   names the skipped step and the reason;
 * - `--on-failure abort` → exit 1, the always step ran (its batch is in the double's record), the
 *   ordinary step is not-run (its batch is not).
 * Needs `npm run build`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/browser-host';
import { manifestBytes, manifestFor, nativeEntries, writeZip, type FileMap } from '../../support/fixtures/native-drop';
import { runDropRunner } from '../../support/run-cli';
import { cleanup, journalOf, scratch, SQL_LOGIN, startDeployDouble, story, type DeployDouble } from './deploy-fixture';

const built = existsSync(path.join(repoRoot, 'dist', 'main', 'cli.js'));
const skipReason = 'SKIPPED: dist/main/cli.js is missing — run `npm run build` first (npm test does)';

const FAILING = 'CREATE TABLE dbo.ReferralQueue (Id int NOT NULL)';
const ORDINARY = 'INSERT INTO dbo.FeedSettings (Name) VALUES (N\'ordinary step\')';
const ALWAYS = 'EXEC dbo.ResumeInterfaceEngine @Channel = N\'ADT\'';

const FILES: FileMap = {
  'sql/schema/001_referral_queue.sql': `${FAILING};\nGO\n`,
  'sql/data/001_feed_settings.sql': `${ORDINARY};\nGO\n`,
  'sql/cleanup/001_resume_engine.sql': `${ALWAYS};\nGO\n`,
};

async function threeStepDrop(dir: string): Promise<string> {
  const manifest = manifestFor(FILES, {
    steps: [
      { id: 'schema', name: 'Create the referral queue', type: 'sql-scripts', package: 'sql/schema', settings: { connection: '#{Conn}' } },
      { id: 'data', name: 'Load feed settings', type: 'sql-scripts', package: 'sql/data', settings: { connection: '#{Conn}' } },
      { id: 'resume-engine', name: 'Resume the interface engine', type: 'sql-scripts', package: 'sql/cleanup', runCondition: 'always', settings: { connection: '#{Conn}' } },
    ],
  });
  return writeZip(path.join(dir, 'three-step.zip'), nativeEntries(FILES, { manifest: manifestBytes(manifest) }));
}

let double: DeployDouble;
let root: string;
let dataDir: string;
let zip: string;

beforeEach(async () => {
  double = await startDeployDouble();
  double.server.addResponder({ batch: /CREATE TABLE dbo\.ReferralQueue/i, respond: { error: { number: 262, message: 'CREATE TABLE permission denied in database CDH_Staging.', class: 14 } } });
  root = scratch('dr-runcond');
  dataDir = path.join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  zip = await threeStepDrop(root);
});
afterEach(async () => {
  await double.server.close();
  cleanup(root);
});

const conn = () => `Server=127.0.0.1,${double.server.port};Database=CDH_Staging;User Id=${SQL_LOGIN.user};Password=${SQL_LOGIN.password};Encrypt=False`;
const deploy = (...extra: string[]) => runDropRunner(['deploy', zip, '--var', `Conn=${conn()}`, '--operator', 'Jana', '--data-dir', dataDir, ...extra], { timeoutMs: 120_000 });
const deploymentIdIn = (text: string) => /deployment (\d{8}T\d{6}Z-[\w.-]+)/.exec(text)?.[1];
const batchesSent = () => double.server.recordsOf('batch').map((b) => b.text);

describe.skipIf(!built)(`run conditions and honest outcomes on the TDS double (${built ? 'built CLI' : skipReason})`, () => {
  it('--on-failure skip: completed-with-skips, exit 4, the report headline is not green and names the skipped step and the reason', async () => {
    const reportDir = path.join(root, 'report');
    const run = await deploy('--on-failure', 'skip', '--report', reportDir);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    const id = deploymentIdIn(run.stdout)!;
    expect(story(journalOf(dataDir, id)).filter((l) => l.startsWith('finish') || l.startsWith('finished') || l.startsWith('decision'))).toEqual([
      'finish schema#1 failed SQL_BATCH_FAILED',
      'decision schema skip (skipped by --on-failure skip (unattended run))',
      'finish data#1 succeeded',
      'finish resume-engine#1 succeeded',
      'finished completed-with-skips',
    ]);
    expect(run.stdout).toContain('Outcome: completed-with-skips');
    expect(run.stdout).toMatch(/Not applied:\n {2}- Create the referral queue \(schema\): Failed, then skipped by the operator — reason: skipped by --on-failure skip \(unattended run\)/);
    // Both later steps reached the server.
    expect(batchesSent().some((t) => t.includes('dbo.FeedSettings'))).toBe(true);
    expect(batchesSent().some((t) => t.includes('dbo.ResumeInterfaceEngine'))).toBe(true);

    const json = JSON.parse(readFileSync(path.join(reportDir, `deployment-report-${id}.json`), 'utf8')) as {
      execution: { outcome: string };
      notApplied: Array<{ stepId: string; why: string; reason: string }>;
    };
    expect(json.execution.outcome).toBe('completed-with-skips');
    expect(json.notApplied).toEqual([expect.objectContaining({ stepId: 'schema', why: 'Failed, then skipped by the operator', reason: 'skipped by --on-failure skip (unattended run)' })]);
    const html = readFileSync(path.join(reportDir, `deployment-report-${id}.html`), 'utf8');
    const head = html.slice(html.indexOf('class="summary-head"'), html.indexOf('class="summary-grid"'));
    expect(head).not.toContain('tone-ok');
    expect(head).toContain('tone-warn');
    expect(head).toContain('Not fully applied');
    expect(head).toContain('skipped: &quot;Create the referral queue&quot; (skipped by --on-failure skip (unattended run))');
    expect(head).not.toMatch(/Succeeded/);
    // The Not applied section comes right after the summary, before the drop's identity.
    expect(html.indexOf('Not applied — what is left to do')).toBeGreaterThan(html.indexOf('summary-head'));
    expect(html.indexOf('Not applied — what is left to do')).toBeLessThan(html.indexOf('Drop identity'));
  });

  it('--on-failure abort: exit 1, the always step ran (in the double’s record), the ordinary step is not-run', async () => {
    const reportDir = path.join(root, 'report');
    const run = await deploy('--on-failure', 'abort', '--report', reportDir);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const id = deploymentIdIn(run.stdout)!;
    expect(story(journalOf(dataDir, id)).filter((l) => !l.startsWith('started'))).toEqual([
      'start schema#1',
      'finish schema#1 failed SQL_BATCH_FAILED',
      'decision schema abort',
      'stopped aborted',
      'start resume-engine#1',
      'finish resume-engine#1 succeeded',
      'finished aborted',
    ]);
    expect(batchesSent().some((t) => t.includes('dbo.ResumeInterfaceEngine'))).toBe(true);
    expect(batchesSent().some((t) => t.includes('dbo.FeedSettings'))).toBe(false);
    expect(run.stdout).toMatch(/Not applied:\n {2}- Create the referral queue \(schema\): Failed: SQL_BATCH_FAILED .*\n {2}- Load feed settings \(data\): Never ran: the deployment stopped before it\n/);
    expect(run.stdout).toContain('Clean-up steps that ran after the deployment stopped:\n  - Resume the interface engine (resume-engine): succeeded');

    const json = JSON.parse(readFileSync(path.join(reportDir, `deployment-report-${id}.json`), 'utf8')) as {
      execution: { outcome: string };
      steps: Array<{ id: string; outcome: string; cleanup: boolean; runCondition: string }>;
      cleanup: Array<{ stepId: string; outcome: string }>;
    };
    expect(json.execution.outcome).toBe('aborted');
    expect(json.steps.map((s) => [s.id, s.outcome, s.runCondition, s.cleanup])).toEqual([
      ['schema', 'failed', 'success', false],
      ['data', 'not-run', 'success', false],
      ['resume-engine', 'succeeded', 'always', true],
    ]);
    expect(json.cleanup).toEqual([{ stepId: 'resume-engine', name: 'Resume the interface engine', outcome: 'succeeded' }]);
  });

  it('a "failure" step in a run where nothing failed is skipped by its condition, journaled with why; the release is still a success (exit 0)', async () => {
    const files: FileMap = { 'sql/data/001_feed_settings.sql': `${ORDINARY};\nGO\n`, 'sql/undo/001_restore.sql': 'EXEC dbo.RestoreFeedSettings;\nGO\n' };
    const manifest = manifestFor(files, {
      steps: [
        { id: 'data', name: 'Load feed settings', type: 'sql-scripts', package: 'sql/data', settings: { connection: '#{Conn}' } },
        { id: 'undo', name: 'Restore the feed settings', type: 'sql-scripts', package: 'sql/undo', runCondition: 'failure', settings: { connection: '#{Conn}' } },
      ],
    });
    zip = await writeZip(path.join(root, 'on-failure.zip'), nativeEntries(files, { manifest: manifestBytes(manifest) }));
    const run = await deploy();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const events = journalOf(dataDir, deploymentIdIn(run.stdout)!);
    const undo = events.find((e) => e.type === 'step-finished' && e.stepId === 'undo');
    expect(undo).toMatchObject({ outcome: 'skipped', skip: { cause: 'run-condition', reason: 'It runs only when an earlier step fails, and none did.' } });
    expect(events.some((e) => e.type === 'step-started' && e.stepId === 'undo')).toBe(false);
    expect(batchesSent().some((t) => t.includes('dbo.RestoreFeedSettings'))).toBe(false);
    expect(run.stdout).toContain('Outcome: succeeded');
    expect(run.stdout).not.toContain('Not applied');
  });
});
