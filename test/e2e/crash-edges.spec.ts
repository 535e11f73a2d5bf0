import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalEvent } from '../../common/journal-events';
import { startDeployDouble, tenantValues, type DeployDouble } from '../main/deploy/deploy-fixture';
import { chooseHost, startAppHost, type AppHost } from '../support/app-host';
import { repoRoot } from '../support/browser-host';
import { screenshotScreen } from '../support/e2e-evidence';
import { buildNoTransactionDrop } from '../support/fixtures/no-transaction-drop';

// Issue 20's crash edges through the real UI: a deployment whose `transaction: none` script was killed
// part-way (the CLI child SIGKILLed while the TDS double holds batch 2 of 002_tables.sql) is resumed from the
// Run screen's dialog; a deployment lock whose pid cannot be checked is cleared behind a confirmation.
// Run under scripts/with-keyring.sh: the killed CLI run remembers the tenant's secrets for the host's resume.

const OPERATOR = 'Dana Whitfield';
const LAB_RESULT = /CREATE TABLE cdh\.LabResult/i;
const ADMISSION = /CREATE TABLE cdh\.Admission/i;
const HOST = chooseHost();

test.describe.configure({ mode: 'serial' });

test.describe(`crash edges on the ${HOST.kind} host (${HOST.reason})`, () => {
  let host: AppHost;
  let double: DeployDouble;
  let work: string;
  let zip: string;
  const batches = (re: RegExp) => double.server.recordsOf('batch').filter((b) => re.test(b.text)).length;
  const journalOf = async (id: string) => (await host.api<{ events: JournalEvent[]; state: string }>('deploy.journal', { deploymentId: id }));

  test.beforeAll(async () => {
    double = await startDeployDouble();
    work = mkdtempSync(join(tmpdir(), 'dr-e2e-crash-'));
    zip = await buildNoTransactionDrop(work);
    host = await startAppHost(HOST);
    await host.api('operator.set', { name: OPERATOR });
  });

  test.afterAll(async () => {
    await host?.stop();
    await double?.server.close();
    if (host) rmSync(host.dataDir, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('a script without a transaction killed part-way: Resume shows the batches and the choice; continue re-sends from the batch in flight', async ({ page: browserPage }) => {
    const varFile = join(work, 'values.json');
    writeFileSync(varFile, JSON.stringify(tenantValues(double.server.port)));
    double.server.addResponder({ batch: LAB_RESULT, times: 1, respond: { delayMs: 60_000 } });
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'drop-runner.js'), 'deploy', zip, '--var-file', varFile, '--remember', '--yes', '--operator', OPERATOR, '--data-dir', host.dataDir], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end();
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await double.server.waitForRecord((r) => r.kind === 'batch' && LAB_RESULT.test(r.text), 90_000);
    child.kill('SIGKILL');
    await exited;
    const id = /deployment (\d{8}T\d{6}Z-[\w.-]+)/.exec(out)?.[1];
    expect(id, out).toBeDefined();
    expect(batches(ADMISSION)).toBe(1);

    const page = await host.page(browserPage);
    await page.goto(host.startUrl());
    await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
    await page.goto(`${host.baseUrl()}#/run/${encodeURIComponent(id!)}`);
    const bar = page.getByText('This deployment was interrupted');
    await expect(bar).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Resume', exact: true }).first().click();

    const dialog = page.getByRole('alertdialog', { name: '"002_tables.sql" stopped part-way' });
    await expect(dialog).toBeVisible();
    const list = dialog.getByRole('list', { name: 'Batches of the interrupted script' });
    await expect(list).toContainText(/Batch 1 of \d+ — applied \(002_tables\.sql line \d+\)/);
    await expect(list).toContainText(/Batch 2 of \d+ — in flight when it stopped/);
    const go = dialog.getByRole('button', { name: 'Resume', exact: true });
    await expect(go).toBeDisabled();
    // Skip needs a reason before it can be sent.
    await dialog.getByRole('radio', { name: /Skip the rest of the script/ }).check();
    await expect(go).toBeDisabled();
    await dialog.getByRole('radio', { name: /Continue from the batch in flight/ }).check();
    await expect(go).toBeEnabled();
    await screenshotScreen(page, 'run-interrupted-script');
    await go.click();
    await expect(dialog).toBeHidden({ timeout: 60_000 });

    const check = page.getByRole('alertdialog', { name: 'Manual check: "Confirm the interface engine is running again"' });
    await expect(check).toBeVisible({ timeout: 90_000 });
    await check.getByRole('button', { name: 'Done — continue' }).click();
    await expect.poll(async () => (await journalOf(id!)).state, { timeout: 60_000 }).toBe('succeeded');

    // The double's record across both processes: batch 1 once, the in-flight batch twice.
    expect(batches(ADMISSION)).toBe(1);
    expect(batches(LAB_RESULT)).toBe(2);
    const choice = (await journalOf(id!)).events.find((e) => e.type === 'interrupted-script');
    expect(choice).toMatchObject({ script: '002_tables.sql', appliedBatches: 1, inFlightBatch: 2, choice: 'continue', by: OPERATOR });
    const report = await host.api<{ html: string }>('report.preview', { deploymentId: id });
    expect(report.html).toContain('Interrupted script');
    expect(report.html).toContain('continue from the batch in flight');
  });

  test('a lock whose pid cannot be checked: the Run screen offers to clear it, behind a confirmation; then the deployment can be resumed', async ({ page: browserPage }) => {
    // A deployment whose journal never finished, and a lock of an older format (no process start time) naming it,
    // held by a live pid that is not Drop Runner (this test runner).
    const history = await host.api<Array<{ deploymentId: string }>>('deploy.history', {});
    const source = (await journalOf(history[0]!.deploymentId)).events[0] as Extract<JournalEvent, { type: 'deployment-started' }>;
    const id = '20270101T000000Z-st-brigids-0a0b0c';
    const dir = join(host.dataDir, 'deployments', id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'journal.jsonl'), `${JSON.stringify({ ...source, seq: 1, deploymentId: id, at: '2027-01-01T00:00:00.000Z' })}\n`);
    const lockFile = join(host.dataDir, 'deployments', '.lock');
    writeFileSync(lockFile, JSON.stringify({ pid: process.pid, deploymentId: id, startedAt: '2027-01-01T00:00:00.000Z', host: hostname() }));

    const page = await host.page(browserPage);
    await page.goto(host.startUrl());
    // The host's token is taken from the start URL once the page has loaded; only then navigate by route.
    await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
    await page.goto(`${host.baseUrl()}#/run/${encodeURIComponent(id)}`);
    const bar = page.getByText('This deployment’s lock cannot be checked');
    await expect(bar).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText('This deployment was interrupted')).toHaveCount(0);
    await page.getByRole('button', { name: 'Clear the lock…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Clear the deployment lock?' });
    await expect(confirm).toContainText(`process ${process.pid} is not Drop Runner`);
    await screenshotScreen(page, 'run-clear-lock');
    // "Keep it" changes nothing.
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await expect(confirm).toBeHidden();
    expect(existsSync(lockFile)).toBe(true);
    await page.getByRole('button', { name: 'Clear the lock…' }).click();
    await confirm.getByRole('button', { name: 'Clear the lock', exact: true }).click();
    await expect(confirm).toBeHidden();
    await expect(bar).toHaveCount(0);
    expect(existsSync(lockFile)).toBe(false);
    // With the lock gone the deployment reads as interrupted, and can be resumed.
    await expect(page.getByText('This deployment was interrupted')).toBeVisible({ timeout: 30_000 });
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).toContain(id);
  });

  test('a deployment whose first journal line is damaged stays listed on Home, marked as damaged', async ({ page: browserPage }) => {
    const id = '20270102T000000Z-st-brigids-0d0e0f';
    const dir = join(host.dataDir, 'deployments', id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'journal.jsonl'), '{"seq":1,"at":"2027-01-02T00:00:00.000Z","type":"deploym\u0000garbage\n');
    const page = await host.page(browserPage);
    await page.goto(host.startUrl());
    const card = page.getByRole('region', { name: 'Recent deployments' });
    const item = card.getByRole('listitem').filter({ hasText: id });
    await expect(item).toBeVisible({ timeout: 30_000 });
    await expect(item).toContainText('Damaged journal');
    await expect(item).toContainText('The first line of the journal is not valid JSON.');
  });
});
