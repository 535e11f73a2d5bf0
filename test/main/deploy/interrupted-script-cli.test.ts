/**
 * A `transaction: none` script killed part-way (SIGKILL of the CLI child while the double holds batch 2
 * of 002_tables.sql), then `resume` with each --on-interrupted choice. The double's record says which
 * batches the server received across both processes; the journal and the JSON report say what was chosen.
 * Needs `npm run build` (npm test builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../common/journal-events';
import { repoRoot } from '../../support/browser-host';
import { buildNoTransactionDrop } from '../../support/fixtures/no-transaction-drop';
import { runDropRunner } from '../../support/run-cli';
import { ALL_SECRETS, cleanup, filesContaining, journalOf, scratch, story, type DeployDouble, closeCliWorld, openCliWorld, type CliWorld } from './deploy-fixture';

const built = existsSync(path.join(repoRoot, 'dist', 'main', 'cli.js'));
const hasScript = existsSync('/usr/bin/script');
const skipReason = 'SKIPPED: dist/main/cli.js is missing — run `npm run build` first (npm test does)';

let double: DeployDouble;
let root: string;
let dataDir: string;
let varFile: string;
let zip: string;
const zipRoot = scratch('dr-none-zip');

beforeAll(async () => {
  if (built) zip = await buildNoTransactionDrop(zipRoot);
});
afterAll(() => cleanup(zipRoot));
let world: CliWorld;
beforeEach(async () => {
  world = await openCliWorld('dr-interrupted');
  ({ double, root, dataDir, varFile } = world);
});
afterEach(() => closeCliWorld(world));

const cli = (args: string[]) => runDropRunner([...args, '--data-dir', dataDir], { timeoutMs: 120_000 });
const batchesLike = (re: RegExp) => double.server.recordsOf('batch').filter((b) => re.test(b.text)).length;
const ADMISSION = /CREATE TABLE cdh\.Admission/i;
const LAB_RESULT = /CREATE TABLE cdh\.LabResult/i;
const scriptInserts = () => double.server.recordsOf('rpc').filter((r) => /INSERT INTO \[cdh\]\.\[SchemaVersions\]/i.test(r.sql ?? '')).map((r) => r.params.find((p) => p.name === '@ScriptName')?.value);

/** Deploys, and SIGKILLs the CLI while the double holds 002_tables.sql's second batch (LabResult); returns the deployment id. */
async function crashInSecondBatch(): Promise<string> {
  double.server.addResponder({ batch: LAB_RESULT, times: 1, respond: { delayMs: 60_000 } });
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'drop-runner.js'), 'deploy', zip, '--var-file', varFile, '--yes', '--operator', 'Jana', '--data-dir', dataDir], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin.end();
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await double.server.waitForRecord((r) => r.kind === 'batch' && LAB_RESULT.test(r.text), 60_000);
  child.kill('SIGKILL');
  await exited;
  const id = /deployment (\d{8}T\d{6}Z-[\w.-]+)/.exec(out)?.[1];
  expect(id, out).toBeDefined();
  // The journal proves batch 1 came back before the crash.
  const committed = journalOf(dataDir, id!).filter((e): e is Extract<JournalEvent, { type: 'batch-committed' }> => e.type === 'batch-committed' && e.script === '002_tables.sql');
  expect(committed.map((e) => e.batch)).toEqual([1]);
  expect(batchesLike(ADMISSION)).toBe(1);
  expect(batchesLike(LAB_RESULT)).toBe(1);
  return id!;
}

function reportDecisions(dir: string): Array<{ kind: string; reason: string | null; detail: string | null; by: string | null }> {
  const file = readdirSync(dir).find((f) => f.endsWith('.json'))!;
  return (JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { decisions: Array<{ kind: string; reason: string | null; detail: string | null; by: string | null }> }).decisions;
}

describe.skipIf(!built)(`resume after a crash inside a script without a transaction (${built ? 'built CLI' : skipReason})`, () => {
  it('refuses to guess (exit 2, DEPLOY_SCRIPT_INTERRUPTED naming the batches); continue re-sends only the batch in flight onwards', async () => {
    const id = await crashInSecondBatch();

    const refused = await cli(['resume', id, '--var-file', varFile, '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('error DEPLOY_SCRIPT_INTERRUPTED');
    expect(refused.stderr).toContain('002_tables.sql (step staging-db): batch 1 of');
    expect(refused.stderr).toContain('batch 2 was running when it stopped');
    expect(refused.stderr).toContain('--on-interrupted continue');
    const noReason = await cli(['resume', id, '--var-file', varFile, '--yes', '--on-interrupted', 'skip']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('error INVALID_ARGUMENTS');
    const bad = await cli(['resume', id, '--on-interrupted', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--on-interrupted "maybe"');
    // Nothing was sent by the refused resumes.
    expect(batchesLike(ADMISSION)).toBe(1);

    const reportDir = path.join(root, 'report');
    const resumed = await cli(['resume', id, '--var-file', varFile, '--yes', '--on-interrupted', 'continue', '--report', reportDir]);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('Interrupted script 002_tables.sql: batches known applied 1 of');
    expect(batchesLike(ADMISSION)).toBe(1);
    expect(batchesLike(LAB_RESULT)).toBe(2);
    expect(scriptInserts()).toEqual(['001_create_schema.sql', '002_tables.sql', '003_seed_reference.sql']);
    const choice = journalOf(dataDir, id).find((e) => e.type === 'interrupted-script');
    expect(choice).toMatchObject({ stepId: 'staging-db', script: '002_tables.sql', appliedBatches: 1, inFlightBatch: 2, choice: 'continue', by: 'Jana' });
    const reported = reportDecisions(reportDir).find((d) => d.kind === 'interrupted-script');
    expect(reported?.detail).toContain('002_tables.sql: batches 1–1');
    expect(reported?.detail).toContain('batch 2 in flight');
    expect(reported?.detail).toContain('continue from the batch in flight');
    // The new journal events, the refusal and the report carry no secret.
    for (const secret of ALL_SECRETS) expect(refused.stderr + resumed.stdout + resumed.stderr).not.toContain(secret);
    expect(filesContaining(dataDir, ALL_SECRETS)).toEqual([]);
    expect(filesContaining(reportDir, ALL_SECRETS)).toEqual([]);
  });

  it('rerun sends the whole script again, from its first batch', async () => {
    const id = await crashInSecondBatch();
    const resumed = await cli(['resume', id, '--var-file', varFile, '--yes', '--on-interrupted', 'rerun']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(batchesLike(ADMISSION)).toBe(2);
    expect(batchesLike(LAB_RESULT)).toBe(2);
    expect(story(journalOf(dataDir, id)).at(-1)).toBe('finished succeeded');
  });

  it('skip --reason sends nothing more of the script, does not record it as applied, and carries the reason to the report', async () => {
    const id = await crashInSecondBatch();
    const reportDir = path.join(root, 'report');
    const resumed = await cli(['resume', id, '--var-file', varFile, '--yes', '--on-interrupted', 'skip', '--reason', 'finished by hand, ticket 4411', '--report', reportDir]);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(batchesLike(ADMISSION)).toBe(1);
    expect(batchesLike(LAB_RESULT)).toBe(1);
    expect(scriptInserts()).toEqual(['001_create_schema.sql', '003_seed_reference.sql']);
    const artifact = journalOf(dataDir, id).find((e) => e.type === 'artifact' && e.artifact.name === '002_tables.sql');
    expect(artifact).toMatchObject({ artifact: { action: 'skipped after interruption' } });
    const reported = reportDecisions(reportDir).find((d) => d.kind === 'interrupted-script');
    expect(reported).toMatchObject({ reason: 'finished by hand, ticket 4411', by: 'Jana' });
    expect(reported?.detail).toContain('skip the rest of the script');
  });

  it('abort ends the deployment as aborted without sending anything (exit 1); it can no longer be resumed', async () => {
    const id = await crashInSecondBatch();
    const before = double.server.recordsOf('batch').length;
    const aborted = await cli(['resume', id, '--var-file', varFile, '--yes', '--on-interrupted', 'abort']);
    expect(aborted.code, aborted.stdout + aborted.stderr).toBe(1);
    // The resume's preflight only probes; no script batch reaches the server.
    expect(batchesLike(ADMISSION)).toBe(1);
    expect(batchesLike(LAB_RESULT)).toBe(1);
    expect(double.server.recordsOf('batch').slice(before).filter((b) => /CREATE|INSERT|MERGE/i.test(b.text))).toEqual([]);
    expect(story(journalOf(dataDir, id)).at(-1)).toBe('finished aborted');
    const again = await cli(['resume', id]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('error DEPLOY_NOT_INTERRUPTED');
  });

  it.skipIf(!hasScript)(`on a terminal, resume shows the batches and asks; an unknown answer is asked again, skip asks for the reason${hasScript ? '' : ' (SKIPPED: util-linux `script` is not installed)'}`, async () => {
    const id = await crashInSecondBatch();
    const command = [process.execPath, path.join(repoRoot, 'bin', 'drop-runner.js'), 'resume', id, '--var-file', varFile, '--yes', '--data-dir', dataDir].map((a) => `'${a}'`).join(' ');
    // `script` gives the CLI a real pseudo-terminal; the answers are typed into it line by line.
    const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let answered = false;
      const onData = (d: Buffer) => {
        out += d.toString();
        if (!answered && out.includes('or abort? ')) {
          answered = true;
          child.stdin.write('later\nskip\nthe DBA finished it, ticket 4412\n');
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => resolve({ code, out }));
    });
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('002_tables.sql (step staging-db): batch 1 of');
    expect(run.out).toMatch(/applied: batch 1 \(002_tables\.sql line \d+\)/);
    expect(run.out).toContain('in flight: batch 2');
    expect(run.out).toContain('Why is it safe to skip');
    expect(batchesLike(LAB_RESULT)).toBe(1);
    expect(journalOf(dataDir, id).find((e) => e.type === 'interrupted-script')).toMatchObject({ choice: 'skip', reason: 'the DBA finished it, ticket 4412' });
  });
});
