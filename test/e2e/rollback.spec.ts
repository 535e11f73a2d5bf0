import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalOf, SECRETS, TENANT, tenantValues, type DeployDouble } from '../main/deploy/deploy-fixture';
import { closeSampleHostWorld, openSampleHostWorld, type SampleHostWorld } from '../support/e2e-sample-world';
import { chooseHost, type AppHost } from '../support/app-host';
import { screenshotScreen } from '../support/e2e-evidence';
import { runDropRunner } from '../support/run-cli';

// Issue 15 in the UI: the change request's back-out plan, and the Report screen's Roll back… with the
// typed confirmation of the database name. The deployment itself runs through the CLI into the host's
// data folder (the guided flows cover deploying from the UI). Run under scripts/with-keyring.sh.

const HOST = chooseHost();

test.describe(`back-out plan and roll back on the ${HOST.kind} host`, () => {
  const world: Partial<SampleHostWorld> = {};
  let host: AppHost;
  let double: DeployDouble;
  let deploymentId: string;
  let dropId: string;

  test.beforeAll(async () => {
    ({ host, double } = await openSampleHostWorld(HOST, { prefix: 'dr-e2e-rollback-' }, world));
    const { dir } = world as SampleHostWorld;
    const zip = world.zips!['2.4.0']!;
    const cli = (args: string[]) => runDropRunner([...args, '--data-dir', host.dataDir], { timeoutMs: 120_000 });
    const values = tenantValues(double.server.port);
    const secretNames = [...Object.keys(SECRETS), 'StagingConnection', 'SsisConnection'];
    const varFile = join(dir, 'plain.env');
    writeFileSync(varFile, Object.entries(values).filter(([n]) => !secretNames.includes(n)).map(([n, v]) => `${n}=${v}`).join('\n'));
    expect((await cli(['tenant', 'set', TENANT, ...secretNames.map((n) => `${n}=${values[n]}`), '--secret'])).code).toBe(0);
    expect((await cli(['plan', zip, '--var-file', varFile, '--remember'])).code).toBe(0);
    const run = await cli(['deploy', zip, '--yes', '--operator', 'Jana Novak']);
    expect(run.code, run.stderr).toBe(0);
    deploymentId = /deployment (\S+)/.exec(run.stdout)![1]!;
    const first = journalOf(host.dataDir, deploymentId)[0]!;
    dropId = first.type === 'deployment-started' ? first.drop.id : '';
  });

  test.afterAll(() => closeSampleHostWorld(world));

  test('the change request has a back-out plan: database, folder, expected size, restore T-SQL', async ({ page: browserPage }) => {
    const page = await host.page(browserPage);
    const { html } = await host.api<{ html: string }>('plan.changeRequest', { dropId, tenantId: TENANT });
    await page.setContent(html);
    const section = page.locator('section', { has: page.getByRole('heading', { name: /Back-out plan/ }) });
    await expect(section).toContainText('CDH_Staging');
    await expect(section).toContainText('COPY_ONLY, CHECKSUM');
    await expect(section).toContainText('RESTORE DATABASE [CDH_Staging] FROM DISK');
    await section.scrollIntoViewIfNeeded();
    await screenshotScreen(page, 'change-request-back-out-plan');
  });

  test('Report → Roll back…: the restore needs the database name typed, then it runs and opens its own report', async ({ page: browserPage }) => {
    const page = await host.page(browserPage);
    await page.goto(host.startUrl());
    await page.evaluate((id) => (location.hash = `#/report/${encodeURIComponent(id)}`), deploymentId);
    await expect(page.getByRole('heading', { level: 1, name: 'Deployment report' })).toBeVisible();
    await expect(page.frameLocator('iframe[title="Deployment report preview"]').locator('body')).toContainText('Back-out plan — what was kept', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Roll back…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back this deployment?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('radio', { name: /Database CDH_Staging/ }).check();
    const restore = dialog.getByRole('button', { name: 'Restore the database' });
    await expect(restore).toBeDisabled();
    const name = dialog.getByLabel('Type CDH_Staging to confirm');
    await name.pressSequentially('cdh_staging');
    await expect(restore).toBeDisabled();
    await name.fill('');
    await name.pressSequentially('CDH_Staging');
    await expect(restore).toBeEnabled();
    await screenshotScreen(page, 'report-roll-back-typed-confirmation');
    expect(double.server.backups.operations.some((o) => o.kind === 'restore')).toBe(false);
    await restore.click();
    await expect(dialog.getByText('Rollback succeeded')).toBeVisible({ timeout: 60_000 });
    await screenshotScreen(page, 'report-roll-back-done');
    expect(double.server.backups.operations.filter((o) => o.kind !== 'backup' && o.kind !== 'verify').map((o) => [o.kind, o.ok])).toEqual([
      ['single-user', true],
      ['restore', true],
      ['multi-user', true],
    ]);
    await dialog.getByRole('button', { name: "Open the rollback's report" }).click();
    await expect(page).toHaveURL(/#\/report\/[^/]*rollback/);
    await expect(page.frameLocator('iframe[title="Deployment report preview"]').locator('body')).toContainText('CDH_Staging', { timeout: 60_000 });
  });
});
