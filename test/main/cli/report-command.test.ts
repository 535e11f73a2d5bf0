import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failedRetrySkipJournal, interruptedJournal } from '../report/journal-fixtures';
import { runCliInProcess, type InProcessRun } from '../../support/cli-in-process';

const dataDir = mkdtempSync(join(tmpdir(), 'dr-report-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const ID = 'dep-20250314-2100-stmarys';
const deploymentDir = join(dataDir, 'deployments', ID);
mkdirSync(deploymentDir, { recursive: true });
writeFileSync(join(deploymentDir, 'journal.jsonl'), failedRetrySkipJournal().map((e) => JSON.stringify(e)).join('\n') + '\n');

// PDF needs a browser; these tests pin "no browser" so they are about the command, not Chromium.
let saved: string | undefined;
beforeEach(() => {
  saved = process.env.DROP_RUNNER_CHROMIUM;
  process.env.DROP_RUNNER_CHROMIUM = join(dataDir, 'no-browser-here');
});
afterEach(() => {
  if (saved === undefined) delete process.env.DROP_RUNNER_CHROMIUM;
  else process.env.DROP_RUNNER_CHROMIUM = saved;
});

const cli = (args: string[]): Promise<InProcessRun> => runCliInProcess(args);

describe('drop-runner report', () => {
  it('writes the report for a deployment id next to its journal and prints the paths', async () => {
    const run = await cli(['report', ID, '--data-dir', dataDir, '--format', 'html,json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Deployment ${ID}: Patient Flow 2.4.0 for St Mary's Hospital — completed-with-skips`);
    expect(run.stdout).toContain(`html  ${join(deploymentDir, `deployment-report-${ID}.html`)}`);
    expect(run.stdout).toContain(`json  ${join(deploymentDir, `deployment-report-${ID}.json`)}`);
    expect(JSON.parse(readFileSync(join(deploymentDir, `deployment-report-${ID}.json`), 'utf8')).summary.skips).toBe(1);
  });

  it('takes a journal file and --out; without a browser the default formats still succeed with a warning', async () => {
    const out = join(dataDir, 'out-default');
    const run = await cli(['report', join(deploymentDir, 'journal.jsonl'), '--out', out, '--data-dir', dataDir]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning REPORT_PDF_UNAVAILABLE');
    expect(run.stderr).toContain('hint:');
    expect(readdirSync(out).sort()).toEqual([`deployment-report-${ID}.html`, `deployment-report-${ID}.json`]);
  });

  it('exits 3 when the PDF was asked for by name and cannot be made', async () => {
    const out = join(dataDir, 'out-pdf');
    const run = await cli(['report', ID, '--data-dir', dataDir, '--out', out, '--format', 'pdf']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('warning REPORT_PDF_UNAVAILABLE');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('--json prints the files and warnings as JSON', async () => {
    const run = await cli(['report', ID, '--data-dir', dataDir, '--out', join(dataDir, 'out-json'), '--format', 'json', '--json']);
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout);
    expect(parsed).toMatchObject({ deploymentId: ID, outcome: 'completed-with-skips', warnings: [] });
    expect(parsed.files).toHaveLength(1);
  });

  it('reports an interrupted run from a journal whose last line was torn by a crash', async () => {
    const dir = join(dataDir, 'torn');
    mkdirSync(dir);
    const lines = interruptedJournal().map((e) => JSON.stringify(e));
    writeFileSync(join(dir, 'journal.jsonl'), `${lines.join('\n')}\n{"seq":99,"at":"2025-03-14T21:0`);
    const run = await cli(['report', join(dir, 'journal.jsonl'), '--format', 'json', '--data-dir', dataDir]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Line ${lines.length + 1} of`);
    expect(run.stdout).toContain('— incomplete');
  });

  it('exit 2 REPORT_JOURNAL_INVALID naming the line of a damaged journal', async () => {
    const dir = join(dataDir, 'damaged');
    mkdirSync(dir);
    const lines = interruptedJournal().map((e) => JSON.stringify(e));
    lines.splice(1, 0, '{not json');
    writeFileSync(join(dir, 'journal.jsonl'), lines.join('\n') + '\n');
    const run = await cli(['report', join(dir, 'journal.jsonl'), '--data-dir', dataDir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error REPORT_JOURNAL_INVALID: Line 2 of the deployment journal .*journal\.jsonl is not valid JSON\.\nhint: /);
  });

  it('exit 2 for an unknown deployment, a bad id, a bad format and a missing argument', async () => {
    const unknown = await cli(['report', 'dep-nope', '--data-dir', dataDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error REPORT_JOURNAL_NOT_FOUND: There is no deployment journal at');
    const weird = await cli(['report', '..', '--data-dir', dataDir]);
    expect(weird.code).toBe(2);
    expect(weird.stderr).toContain('REPORT_JOURNAL_NOT_FOUND');
    const format = await cli(['report', ID, '--data-dir', dataDir, '--format', 'docx']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('error REPORT_FORMAT_INVALID: Unknown report format "docx".');
    const missing = await cli(['report', '--data-dir', dataDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error INVALID_ARGUMENTS');
  });
});
