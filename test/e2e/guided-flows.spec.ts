import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { JournalEvent } from '../../common/journal-events';
import { ALL_SECRETS, TENANT, tenantValues, WIN, type DeployDouble } from '../main/deploy/deploy-fixture';
import { closeSampleHostWorld, openSampleHostWorld, type SampleHostWorld } from '../support/e2e-sample-world';
import { chooseHost, electronBinary, HOST_VARIABLE, type AppHost } from '../support/app-host';
import { filesLeaking, pdfText, publishFigures, screenshotScreen, secretsIn, type PerfFigure } from '../support/e2e-evidence';
import { RELEASE_2_5_0_CHANGES } from '../support/fixtures/sample-drop';

// The three user flows of issue 8, driven through the real browser host (built CLI + built renderer) against
// the TDS double with SSISDB, which runs here in the Playwright process so a test can make it fail a batch.
// Run under scripts/with-keyring.sh: the host keeps the remembered secrets in gnome-keyring.

const OPERATOR = 'Dana Whitfield';
const TENANT_NAME = "St. Brigid's Regional Hospital";
const STEP_NAMES = [
  'Confirm the interface engine is paused',
  'Update the staging database',
  "Deploy the St. Brigid's transforms",
  'Deploy the Clinical Feeds SSIS project',
  'Confirm the interface engine is running again',
];
/** Variables the drop marks sensitive: typed into masked inputs. */
const SECRET_NAMES = ['SqlPassword', 'StagingConnection', 'SftpPassword', 'ApiKey'];
/** What the keychain holds afterwards: also SsisConnection, whose value carries the Windows account's password. */
const STORED_SECRETS = [...SECRET_NAMES, 'SsisConnection'];

/** Calls the contract the way the renderer does (HTTP with the token, or IPC), for facts the UI shows only visually. */
function api<T>(host: AppHost, name: string, params: unknown): Promise<T> {
  return host.api<T>(name, params);
}

function row(page: Page, variable: string): Locator {
  return page.locator(`.var-row[data-variable="${variable}"]`);
}

/** Connection-string variables: edited through the structured editor, whole strings through its raw view. */
const CONNECTION_NAMES = ['StagingConnection', 'SsisConnection'];

/** The value input of a variable row, whatever its type (text, number, masked secret; a connection's masked raw string). */
function valueInput(page: Page, variable: string): Locator {
  if (CONNECTION_NAMES.includes(variable)) return row(page, variable).getByTestId('raw-connection');
  return row(page, variable).locator('.var-row__value').locator('input.input, textarea, select').first();
}

/** The number on the "Needs attention" tab, and the save bar agreeing with it. */
async function expectAttention(page: Page, count: number): Promise<void> {
  await expect(page.getByRole('tab', { name: /Needs attention/ })).toHaveText(new RegExp(`Needs attention\\D*${count}\\D*$`));
  if (count > 0) await expect(page.locator('.save-bar')).toContainText(`${count} need attention`);
  else await expect(page.locator('.save-bar')).not.toContainText('need attention');
}

/** Checks a secret reads as stored in the keychain and the form holds none of it. */
async function expectStoredSecret(page: Page, name: string): Promise<void> {
  if (CONNECTION_NAMES.includes(name)) {
    await expect(row(page, name).getByTestId('connection-editor')).toContainText('Stored in the keychain');
    await expect(row(page, name).getByTestId('raw-connection')).toHaveCount(0);
    return;
  }
  const input = valueInput(page, name);
  await expect(input).toHaveAttribute('type', 'password');
  await expect(input).toHaveValue('');
  await expect(input).toHaveAttribute('placeholder', /stored in the keychain/);
}

/** Types a value the way an engineer does: clear, then key by key. */
async function typeValue(page: Page, variable: string, value: string): Promise<void> {
  if (CONNECTION_NAMES.includes(variable)) {
    const raw = row(page, variable).locator('details.conn-editor__raw');
    if (!(await raw.evaluate((d) => (d as HTMLDetailsElement).open))) await raw.locator('summary').click();
  }
  const input = valueInput(page, variable);
  await input.click();
  await input.fill('');
  await input.pressSequentially(value);
  await expect(input).toHaveValue(value);
}

/** From Home to the Open screen, the zip's path typed; screenshots of both when names are given. */
async function openDrop(page: Page, host: AppHost, zip: string, shots?: { home: string; open: string }): Promise<void> {
  await page.goto(host.startUrl());
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
  if (shots) {
    await expect(page.getByRole('status').filter({ hasText: /^Loading/ })).toHaveCount(0, { timeout: 30_000 });
    await screenshotScreen(page, shots.home);
  }
  await page.getByRole('button', { name: 'Open a drop' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Open a drop' })).toBeVisible();
  await page.getByTestId('drop-path').pressSequentially(zip);
  if (shots) await screenshotScreen(page, shots.open);
}

async function submitOpen(page: Page, release: string): Promise<string> {
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page).toHaveURL(/#\/drop\/[^/]+$/, { timeout: 60_000 });
  await expect(page.getByRole('heading', { level: 1 })).toContainText(release);
  await expect(page.getByText(/^Verified \(/).first()).toBeVisible();
  return decodeURIComponent(/#\/drop\/([^/]+)$/.exec(page.url())![1]!);
}

async function chooseTenantAndGoToVariables(page: Page): Promise<void> {
  const tenant = page.getByLabel('Deploy for tenant');
  await tenant.selectOption(TENANT);
  await expect(tenant).toHaveValue(TENANT);
  await page.getByRole('button', { name: 'Variables', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Variables' })).toBeVisible();
  await expect(page.getByRole('tab', { name: /Needs attention/ })).toBeVisible({ timeout: 30_000 });
}

/** Preflight: every check passes (no warning, no failure) and Deploy is enabled. */
async function expectPreflightClean(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Preflight' })).toBeVisible();
  await expect(page.getByText('Ready to deploy')).toBeVisible({ timeout: 60_000 });
  const summary = page.getByLabel('Check summary');
  await expect(summary).toContainText('0 failed');
  await expect(summary).toContainText('0 warnings');
  await expect(page.locator('.check--fail, .check--warn')).toHaveCount(0);
  expect(await page.locator('.check--pass').count()).toBeGreaterThan(3);
}

/** Deploy from Preflight; the operator name is typed only when not remembered yet. */
async function startDeployment(page: Page, typeOperator: boolean): Promise<string> {
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Start the deployment?' });
  await expect(dialog).toBeVisible();
  const name = dialog.getByLabel('Your name');
  if (typeOperator) {
    await expect(name).toHaveValue('');
    await name.pressSequentially(OPERATOR);
  } else {
    await expect(name).toHaveValue(OPERATOR);
  }
  await dialog.getByRole('button', { name: 'Deploy now' }).click();
  await expect(page).toHaveURL(/#\/run\/[^/]+$/, { timeout: 30_000 });
  return decodeURIComponent(/#\/run\/([^/]+)$/.exec(page.url())![1]!);
}

/** Answers the manual check of a step through its dialog (optionally screenshotting it first). */
async function confirmManualCheck(page: Page, stepName: string, screenshot?: string): Promise<void> {
  const dialog = page.getByRole('alertdialog', { name: `Manual check: "${stepName}"` });
  await expect(dialog).toBeVisible({ timeout: 60_000 });
  if (screenshot) await screenshotScreen(page, screenshot);
  await dialog.getByRole('button', { name: 'Done — continue' }).click();
  await expect(dialog).toBeHidden();
}

async function expectSucceeded(page: Page): Promise<void> {
  await expect(page.locator('.screen__actions').getByText('Succeeded', { exact: true })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText(`${STEP_NAMES.length} of ${STEP_NAMES.length} steps done`)).toBeVisible();
}

/** Report screen: preview shown, then HTML + JSON + PDF exported; returns the written files by format. */
async function exportReport(page: Page, screenshot: string): Promise<Record<'html' | 'json' | 'pdf', string>> {
  await page.getByRole('button', { name: 'Report', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Deployment report' })).toBeVisible();
  await expect(page.frameLocator('iframe[title="Deployment report preview"]').locator('body')).toContainText(TENANT_NAME, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Export HTML + JSON + PDF' }).click();
  const written = page.getByRole('status').or(page.locator('.message-bar')).filter({ hasText: 'Wrote 3 files' });
  await expect(written).toBeVisible({ timeout: 90_000 });
  await screenshotScreen(page, screenshot);
  const files: Partial<Record<'html' | 'json' | 'pdf', string>> = {};
  for (const item of await page.locator('.export-list li').all()) {
    const format = ((await item.locator('strong').textContent()) ?? '').toLowerCase() as 'html' | 'json' | 'pdf';
    files[format] = (await item.locator('code').textContent()) ?? '';
  }
  expect(Object.keys(files).sort()).toEqual(['html', 'json', 'pdf']);
  // The browser host also offers each file as a download (the page cannot open server paths); Electron shows paths only.
  const downloadPdf = page.getByRole('button', { name: 'Download PDF' });
  if (HOST.kind === 'browser') {
    const [download] = await Promise.all([page.waitForEvent('download'), downloadPdf.click()]);
    expect(download.suggestedFilename()).toBe(basename(files.pdf!));
    expect(readFileSync(await download.path()).equals(readFileSync(files.pdf!))).toBe(true);
  } else {
    await expect(downloadPdf).toHaveCount(0);
  }
  return files as Record<'html' | 'json' | 'pdf', string>;
}

const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

interface ReportChecks {
  release: string;
  /** The operator decisions the report must list, as "kind stepId by" (none when omitted). */
  decisions?: string[];
}

/** The exported report: PDF text names release, tenant and every step; no secret in any format. */
function checkExports(files: Record<'html' | 'json' | 'pdf', string>, checks: ReportChecks): { html: string; json: string; pdf: string } {
  const html = readFileSync(files.html, 'utf8');
  const json = readFileSync(files.json, 'utf8');
  const pdf = pdfText(files.pdf);
  // pdftotext wraps long titles; compare with collapsed whitespace.
  const flat = pdf.replace(/\s+/g, ' ');
  expect(flat).toContain(checks.release);
  expect(flat).toContain(TENANT_NAME);
  for (const step of STEP_NAMES) expect(flat, `PDF names step "${step}"`).toContain(step);
  expect(flat).toContain(OPERATOR);
  const report = JSON.parse(json) as { drop: unknown; decisions: Array<{ kind: string; stepId: string | null; stepName: string | null; by: string | null }> };
  expect(JSON.stringify(report.drop)).toContain(checks.release);
  expect(report.decisions.map((d) => `${d.kind} ${d.stepId} ${d.by}`)).toEqual(checks.decisions ?? []);
  for (const d of report.decisions) {
    // The decisions table row: time, kind, step, operator (pdftotext -layout keeps a row on one line).
    const label = d.kind[0]!.toUpperCase() + d.kind.slice(1);
    expect(pdf).toMatch(new RegExp(`${label}\\s{2,}${escapeRe(d.stepName!.split(' ').slice(0, 2).join(' '))}.*\\s{2,}${escapeRe(d.by!.split(' ')[0]!)}`));
    expect(html).toContain(`<th scope="row">${label}</th><td>${escapeHtml(d.stepName!)}</td><td>${escapeHtml(d.by!)}</td>`);
  }
  expect(secretsIn(html, ALL_SECRETS), 'secrets in the HTML report').toEqual([]);
  expect(secretsIn(json, ALL_SECRETS), 'secrets in the JSON report').toEqual([]);
  expect(secretsIn(pdf, ALL_SECRETS), 'secrets in the PDF text').toEqual([]);
  // Secrets are listed by name, masked.
  expect(html).toContain('********');
  return { html, json, pdf };
}

async function journalOf(host: AppHost, deploymentId: string): Promise<JournalEvent[]> {
  return (await api<{ events: JournalEvent[] }>(host, 'deploy.journal', { deploymentId })).events;
}

test.describe.configure({ mode: 'serial' });

/** One source, two hosts: the Electron shell where a binary is installed, else the browser host. */
const HOST = chooseHost();

test.describe(`guided flows on the ${HOST.kind} host (${HOST.reason}): open → variables → preflight → run → report`, () => {
  const world: Partial<SampleHostWorld> = {};
  let host: AppHost;
  let double: DeployDouble;
  const zips: Record<'2.4.0' | '2.5.0', string> = { '2.4.0': '', '2.5.0': '' };
  const values = () => tenantValues(double.server.port);
  const restartHost = () => host.restart();

  test.beforeAll(async () => {
    ({ host, double } = await openSampleHostWorld(HOST, { prefix: 'dr-e2e-drops-', releases: ['2.4.0', '2.5.0'] }, world));
    zips['2.4.0'] = world.zips!['2.4.0']!;
    zips['2.5.0'] = world.zips!['2.5.0']!;
  });

  test.afterAll(() => closeSampleHostWorld(world));

  test('the flows run on the host the fixture chose', async ({ page: browserPage }) => {
    const page = await host.page(browserPage);
    const expected = process.env[HOST_VARIABLE] === 'browser' || !electronBinary() ? 'browser' : 'electron';
    expect(HOST.kind).toBe(expected);
    expect(host.kind).toBe(expected);
    await page.goto(host.startUrl());
    await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
    // The document really comes from that host: our own app:// protocol in Electron, the loopback HTTP host otherwise.
    expect(page.url()).toMatch(expected === 'electron' ? /^app:\/\/drop-runner\// : /^http:\/\/127\.0\.0\.1:\d+\//);
    expect(await page.evaluate(() => typeof (window as unknown as { dropRunner?: unknown }).dropRunner)).toBe(expected === 'electron' ? 'object' : 'undefined');
  });

  test('(a) first release: open the zip, type the values, preflight, deploy with manual checks, export the report', async ({ page: browserPage }) => {
    const page = await host.page(browserPage);
    await openDrop(page, host, zips['2.4.0'], { home: 'home', open: 'open' });
    await submitOpen(page, '2.4.0');
    await expect(page.getByText(TENANT_NAME).first()).toBeVisible();
    await screenshotScreen(page, 'overview');
    await chooseTenantAndGoToVariables(page);

    // A tenant never seen: nothing is remembered; required values without a default need typing.
    await expect(row(page, 'SqlServer')).toContainText('Missing required');
    await expect(row(page, 'SqlServer')).toContainText('Source: No value');
    await expect(row(page, 'StagingDatabase')).toContainText('New');
    await expect(row(page, 'StagingDatabase')).toContainText("Source: The drop's default");
    // Only what needs a value counts: 14 of the 20 have a default, so 6 need attention (5 required, 1 optional new without default).
    await expectAttention(page, 6);
    await expect(row(page, 'StagingDatabase')).toHaveAttribute('data-state', 'new');
    await expect(row(page, 'CutoverNotes')).toHaveAttribute('data-state', 'new-without-default');
    // A secret that only has the drop's default is not "in the keychain".
    await expect(valueInput(page, 'StagingConnection')).toHaveAttribute('placeholder', /the drop's default \(not in the keychain\)/);
    await expect(row(page, 'StagingConnection')).toContainText("Source: The drop's default");
    // A default built from other variables is shown beside its template.
    await expect(row(page, 'SsisServer').getByTestId('resolved-default')).toContainText('#{SqlServer}');

    // Typed but not saved: "Entered (not saved)", never "Missing"; the counter follows.
    await typeValue(page, 'SqlServer', values().SqlServer!);
    await expect(row(page, 'SqlServer')).toHaveAttribute('data-state', 'entered-unsaved');
    await expect(row(page, 'SqlServer')).toContainText('Entered (not saved)');
    await expect(row(page, 'SqlServer')).not.toContainText('Missing required');
    await typeValue(page, 'SqlPassword', values().SqlPassword!);
    await expect(row(page, 'SqlPassword')).toContainText('Source: Typed now (not saved)');
    await expectAttention(page, 4);
    await screenshotScreen(page, 'variables-entered-not-saved');
    const wanted = values();
    for (const [name, value] of Object.entries(wanted)) {
      const toggle = row(page, name).getByRole('switch');
      if ((await toggle.count()) > 0) {
        if ((await toggle.isChecked()) !== (value === 'true')) await toggle.click();
        continue;
      }
      const input = valueInput(page, name);
      const tag = await input.evaluate((el) => el.tagName.toLowerCase());
      const type = await input.getAttribute('type');
      if (SECRET_NAMES.includes(name)) {
        // Secrets go into masked inputs only.
        expect(type, `${name} is masked`).toBe('password');
        await typeValue(page, name, value);
        continue;
      }
      if (tag === 'select') {
        if ((await input.inputValue()) !== value) await input.selectOption(value);
        continue;
      }
      if ((await input.inputValue()) !== value) await typeValue(page, name, value);
    }
    // The optional new variable without a default needs a look too: the engineer writes the cutover note.
    await expectAttention(page, 1);
    await typeValue(page, 'CutoverNotes', 'Change CHG-2041, approved by the CAB.');
    await expectAttention(page, 0);
    await expect(page.getByRole('checkbox', { name: 'Remember on this machine' })).toBeChecked();
    await screenshotScreen(page, 'variables');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('.save-bar').getByText(/unsaved/)).toHaveCount(0, { timeout: 30_000 });
    // Saved: the secrets now read as stored in the keychain, and the form holds none of them.
    for (const name of STORED_SECRETS) await expectStoredSecret(page, name);
    await expectAttention(page, 0);
    for (const name of STORED_SECRETS) await expect(row(page, name)).toContainText('Source: OS keychain');
    // Resolved with the values just saved.
    await expect(row(page, 'ApiBaseUrl').getByTestId('resolved-default')).toContainText(`→ https://${values().InterfaceEngineHost}:8443/api`);
    await expect(row(page, 'SsisServer').getByTestId('resolved-default')).toContainText(`→ ${values().SqlServer}`);
    await screenshotScreen(page, 'variables-saved');

    await page.getByRole('button', { name: 'Preflight', exact: true }).click();
    await expectPreflightClean(page);
    await screenshotScreen(page, 'preflight');

    const deploymentId = await startDeployment(page, true);
    await confirmManualCheck(page, STEP_NAMES[0]!, 'run-manual-check');
    // The last manual check: read the log first, which leaves the run visibly in progress, then decide.
    const last = page.getByRole('alertdialog', { name: `Manual check: "${STEP_NAMES[4]}"` });
    await expect(last).toBeVisible({ timeout: 90_000 });
    await last.getByRole('button', { name: 'Read the log first' }).click();
    await expect(page.getByText('the deployment waits for your confirmation')).toBeVisible();
    await expect(page.getByText('4 of 5 steps done')).toBeVisible();
    await screenshotScreen(page, 'run-in-progress');
    await page.getByRole('button', { name: 'Decide…' }).click();
    await confirmManualCheck(page, STEP_NAMES[4]!);
    await expectSucceeded(page);
    await screenshotScreen(page, 'run-finished');

    // At 1024 px, step names wrap instead of being cut, and a log line can be read whole without copying it.
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: 1024, height: 720 });
    for (const name of await page.locator('.run-steps .link-button').all()) {
      expect(await name.evaluate((el) => getComputedStyle(el).whiteSpace === 'normal' && el.scrollWidth <= Math.ceil(el.getBoundingClientRect().width) + 1)).toBe(true);
    }
    await page.getByRole('switch', { name: 'Wrap lines' }).click();
    await expect(page.locator('.log-list--wrap')).toHaveCount(1);
    // The log follows the tail, so the last manual check's long line is in view.
    const longLine = page.locator('.log-row', { hasText: 'resume the ADT' }).first();
    await longLine.click();
    await page.getByTestId('log-list').press('Enter');
    await expect(page.locator('.log-detail--expanded')).toContainText('Ask the integration team to resume the ADT and lab result channels on ie01.sbrh.example and check that the first messages arrive in cdh.FeedBatch.');
    await screenshotScreen(page, 'run-log-wrapped-expanded-1024');
    if (viewport) await page.setViewportSize(viewport);

    const journal = await journalOf(host, deploymentId);
    // Each manual check is journaled as confirmed, by whom.
    const confirmations = journal.flatMap((e) => (e.type === 'artifact' && e.artifact.action === 'confirmed' ? [`${e.stepId} ${e.artifact.detail ?? ''}`] : []));
    expect(confirmations).toEqual([`pause-interface-engine by ${OPERATOR}`, `resume-interface-engine by ${OPERATOR}`]);

    const files = await exportReport(page, 'report');
    checkExports(files, { release: '2.4.0' });
  });

  test('(b) second release for the same tenant: remembered values prefilled, only the new variable typed', async ({ page: browserPage }) => {
    // The next release comes another day: Drop Runner starts afresh on the same data folder and keychain.
    await restartHost();
    const page = await host.page(browserPage);
    await openDrop(page, host, zips['2.5.0']);
    await submitOpen(page, '2.5.0');
    await chooseTenantAndGoToVariables(page);
    const wanted = values();

    // Remembered values come back, with their source.
    for (const name of ['SqlServer', 'SsisServer', 'InterfaceEngineHost', 'ApiBaseUrl', 'SftpHost']) {
      await expect(valueInput(page, name), name).toHaveValue(wanted[name]!);
      await expect(row(page, name)).toContainText('Source: Remembered');
    }
    // Secrets: stored in the keychain, shown masked and empty, never typed again.
    for (const name of STORED_SECRETS) {
      await expectStoredSecret(page, name);
      await expect(row(page, name)).toContainText('Source: OS keychain');
    }
    // What changed since 2.4.0 is flagged: the new variable, and the default that moved.
    const fresh = row(page, RELEASE_2_5_0_CHANGES.newVariable);
    await expect(fresh.locator('.badge').first()).toHaveText(/New/);
    const changed = row(page, RELEASE_2_5_0_CHANGES.changedDefault.name);
    await expect(changed).toContainText(/Default changed/i);
    await expect(changed).toContainText(`was ${RELEASE_2_5_0_CHANGES.changedDefault.from}`);
    await page.getByRole('tab', { name: /Needs attention/ }).click();
    const attention = await page.locator('.var-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-variable')));
    // The new variable has a default (365): flagged "New", but it needs no decision; the changed default does.
    expect(attention).toEqual([RELEASE_2_5_0_CHANGES.changedDefault.name]);
    await expectAttention(page, 1);
    await screenshotScreen(page, 'variables-second-release');

    // One click decides the changed default; the decision clears it from "needs attention".
    const { name: changedName, from, to } = RELEASE_2_5_0_CHANGES.changedDefault;
    await expect(row(page, changedName).getByRole('button', { name: `Use new default (${to})` })).toBeVisible();
    await row(page, changedName).getByRole('button', { name: `Keep previous value (${from})` }).click();
    await expect(row(page, changedName)).toHaveCount(0);
    await expectAttention(page, 0);
    await page.getByRole('tab', { name: /^All/ }).click();
    await expect(row(page, changedName)).toHaveAttribute('data-state', 'decided');
    await expect(row(page, changedName)).toContainText(`kept the previous value (${from})`);
    await expect(valueInput(page, changedName)).toHaveValue(from);
    await screenshotScreen(page, 'variables-default-decided');

    // The only value typed for 2.5.0.
    await typeValue(page, RELEASE_2_5_0_CHANGES.newVariable, '730');
    await expect(page.locator('.save-bar')).toContainText('1 unsaved');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expectPreflightClean(page);
    await screenshotScreen(page, 'preflight-second-release');

    const deploymentId = await startDeployment(page, false);
    await confirmManualCheck(page, STEP_NAMES[0]!);
    await confirmManualCheck(page, STEP_NAMES[4]!);
    await expectSucceeded(page);
    const journal = await journalOf(host, deploymentId);
    const applied = journal.flatMap((e) => (e.type === 'artifact' && e.stepId === 'staging-db' ? [e.artifact.name] : []));
    expect(applied.join(' ')).toContain('004_lab_result_retention.sql');
    // The server got the typed value of the new variable.
    const batches = double.server.recordsOf('batch').map((b) => b.text);
    expect(batches.some((t) => t.includes("'LabResultRetentionDays'") && t.includes("N'730'"))).toBe(true);

    const files = await exportReport(page, 'report-second-release');
    const { json } = checkExports(files, { release: '2.5.0' });
    expect(json).toContain(RELEASE_2_5_0_CHANGES.newVariable);
    // The decision is in the report's variables section.
    const reported = (JSON.parse(json) as { variables: Array<{ name: string; value: string; decision?: string }> }).variables.find((v) => v.name === changedName);
    expect(reported).toMatchObject({ value: from, decision: 'keep-previous' });
  });

  test('(c) a failing batch: the guided-failure dialog, Retry, success, and the retry in journal and report', async ({ page: browserPage }) => {
    const page = await host.page(browserPage);
    // The staging database was restored from an empty backup, so every script runs again; one batch deadlocks once.
    double.server.tables.clear();
    const deadlock = double.server.addResponder({
      name: 'deadlock-once',
      batch: /CREATE TABLE cdh\.LabResult/i,
      times: 1,
      respond: { error: { number: 1205, message: 'Transaction (Process ID 61) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.', class: 13 } },
    });
    await openDrop(page, host, zips['2.5.0']);
    await submitOpen(page, '2.5.0');
    await chooseTenantAndGoToVariables(page);
    await expect(page.getByRole('tab', { name: /Needs attention/ })).toContainText('0');
    await page.getByRole('button', { name: 'Preflight', exact: true }).click();
    await expectPreflightClean(page);
    const deploymentId = await startDeployment(page, false);
    await confirmManualCheck(page, STEP_NAMES[0]!);

    const failure = page.getByRole('alertdialog', { name: `"${STEP_NAMES[1]}" failed` });
    await expect(failure).toBeVisible({ timeout: 60_000 });
    await expect(failure).toContainText('SQL_BATCH_FAILED');
    await expect(failure).toContainText('deadlock');
    await screenshotScreen(page, 'failure-dialog');
    expect(deadlock.calls).toBe(1);
    await failure.getByRole('button', { name: 'Retry' }).click();
    await expect(failure).toBeHidden();
    await confirmManualCheck(page, STEP_NAMES[4]!);
    await expectSucceeded(page);
    await expect(page.getByText(/attempt 2/)).toBeVisible();
    await screenshotScreen(page, 'run-finished-after-retry');

    const journal = await journalOf(host, deploymentId);
    const story = journal.flatMap((e) =>
      e.type === 'step-finished' ? [`finish ${e.stepId}#${e.attempt} ${e.outcome}`] : e.type === 'decision' ? [`decision ${e.stepId} ${e.decision} by ${e.by}`] : e.type === 'deployment-finished' ? [`finished ${e.outcome}`] : [],
    );
    expect(story).toEqual([
      'finish pause-interface-engine#1 succeeded',
      'finish staging-db#1 failed',
      `decision staging-db retry by ${OPERATOR}`,
      'finish staging-db#2 succeeded',
      'finish transforms#1 succeeded',
      'finish ssis-feeds#1 succeeded',
      'finish resume-interface-engine#1 succeeded',
      'finished succeeded',
    ]);

    const files = await exportReport(page, 'report-after-retry');
    checkExports(files, { release: '2.5.0', decisions: [`retry staging-db ${OPERATOR}`] });
  });

  test('no secret value in the host data folder or the host output, after all three flows', async () => {
    const { hits, filesScanned } = filesLeaking(host.dataDir, ALL_SECRETS);
    expect(filesScanned).toBeGreaterThan(10);
    expect(hits, 'files in the data folder holding a secret').toEqual([]);
    expect(secretsIn(host.output(), ALL_SECRETS), 'secrets in the host output').toEqual([]);
    // The scan is only meaningful if the secrets were really used: the double verified both passwords at login.
    const logins = double.server.recordsOf('login');
    expect(logins.some((l) => l.success && l.checked && l.authKind === 'sql' && l.user === 'cdh_deploy')).toBe(true);
    expect(logins.some((l) => l.success && l.checked && l.authKind === 'ntlm' && l.user?.toLowerCase() === `${WIN.domain}\\${WIN.user}`.toLowerCase())).toBe(true);
  });

  test('figures of the real screens (Variables and Run of the sample drop)', async ({ page: browserPage }) => {
    const page = await host.page(browserPage);
    // The synthetic 500-template and 100,000-line figures are measured by ui-screens.spec.ts; these are the real screens.
    const history = await api<Array<{ deploymentId: string; release: string; state: string }>>(host, 'deploy.history', { tenantId: TENANT });
    expect(history.map((h) => `${h.release} ${h.state}`).sort()).toEqual(['2.4.0 succeeded', '2.5.0 succeeded', '2.5.0 succeeded']);
    const recent = await api<Array<{ dropId: string; release: string }>>(host, 'drop.recent', {});
    const drop250 = recent.find((d) => d.release === '2.5.0')!;
    const base = host.baseUrl();
    await page.goto(host.startUrl());
    await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
    await page.goto(`${base}#/drop/${encodeURIComponent(drop250.dropId)}/tenant/${TENANT}/variables`);
    await page.waitForFunction(() => window.__dropRunnerPerf?.['variables-full-render'], null, { timeout: 30_000 });
    const input = valueInput(page, 'CutoverNotes');
    await input.click();
    for (const ch of 'Paused 06:00') await input.press(ch === ' ' ? 'Space' : ch);
    await expect.poll(() => page.evaluate(() => window.__dropRunnerPerf?.['variables-input-latency']?.count ?? 0)).toBeGreaterThan(0);
    await page.goto(`${base}#/run/${encodeURIComponent(history[0]!.deploymentId)}`);
    await page.waitForFunction(() => window.__dropRunnerPerf?.['run-log-first-render'], null, { timeout: 30_000 });
    const figures = (await page.evaluate(() => window.__dropRunnerPerf)) as Record<string, PerfFigure>;
    const lines = publishFigures('test-results/perf-figures.json', 'guided-flows: sample drop (20 variables, real run log)', figures);
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });
});
