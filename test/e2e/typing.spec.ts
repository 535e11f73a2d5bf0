import { expect, test, type Locator, type Page } from '@playwright/test';
import { TENANT, tenantValues, type DeployDouble } from '../main/deploy/deploy-fixture';
import { chooseHost, type AppHost } from '../support/app-host';
import { closeSampleHostWorld, openSampleHostWorld, type SampleHostWorld } from '../support/e2e-sample-world';

// Keystrokes are never lost. On a busy machine the render carrying a keystroke can come late; a
// controlled React input then wrote its stale value back into the field and the key just typed
// vanished ("TrutServerCertificate": 4 of 40 strings, measured on this page with the main thread kept
// busy, before renderer/ui/use-typed-value.ts). The page is kept busy the same way here and the
// engineer types the long values of the Variables screen key by key, many times over.

const HOST = chooseHost();

/** A slow hospital VM: the page's main thread is kept busy 25 ms of every 30. */
function keepPageBusy(page: Page): Promise<void> {
  return page.evaluate(() => {
    window.setInterval(() => {
      const start = performance.now();
      while (performance.now() - start < 25);
    }, 30);
  });
}

test.describe(`typing on a busy page (${HOST.kind} host)`, () => {
  const world: Partial<SampleHostWorld> = {};
  let host: AppHost;
  let double: DeployDouble;
  let zip: string;

  test.beforeAll(async () => {
    ({ host, double } = await openSampleHostWorld(HOST, { prefix: 'dr-e2e-typing-' }, world));
    zip = world.zips!['2.4.0']!;
  });

  test.afterAll(() => closeSampleHostWorld(world));

  async function typeRounds(input: Locator, value: string, rounds: number): Promise<string[]> {
    const wrong: string[] = [];
    for (let round = 0; round < rounds; round++) {
      await input.click();
      await input.fill('');
      await input.pressSequentially(value);
      const got = await input.inputValue();
      if (got !== value) wrong.push(got);
    }
    return wrong;
  }

  test('every key of a connection string, a secret and a text value arrives, with the page busy', async ({ page: browserPage }) => {
    test.setTimeout(240_000);
    const page: Page = await host.page(browserPage);
    await page.goto(host.startUrl());
    await page.getByRole('button', { name: 'Open a drop' }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'Open a drop' })).toBeVisible();
    await page.getByTestId('drop-path').fill(zip);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(page).toHaveURL(/#\/drop\/[^/]+$/, { timeout: 60_000 });
    await page.getByLabel('Deploy for tenant').selectOption(TENANT);
    await page.getByRole('button', { name: 'Variables', exact: true }).click();
    await expect(page.getByRole('tab', { name: /Needs attention/ })).toBeVisible({ timeout: 30_000 });

    await keepPageBusy(page);

    const values = tenantValues(double.server.port);
    const staging = page.locator('.var-row[data-variable="StagingConnection"]');
    await staging.locator('details.conn-editor__raw summary').click();
    const wrongConnection = await typeRounds(staging.getByTestId('raw-connection'), values.StagingConnection!, 20);
    const secret = page.locator('.var-row[data-variable="SqlPassword"] .var-row__value input.input').first();
    await expect(secret).toHaveAttribute('type', 'password');
    const wrongSecret = await typeRounds(secret, `${values.SqlPassword!}-${values.SqlPassword!}`, 10);
    const notes = page.locator('.var-row[data-variable="CutoverNotes"] .var-row__value').locator('input.input, textarea').first();
    const wrongText = await typeRounds(notes, 'Cut over after the 02:00 HL7 batch; Dr. Okafor on call, ext. 4471.', 10);

    // Reported as the strings that came out wrong; the secret's are counted, never printed.
    expect(wrongConnection.map((w) => w.replace(values.SqlPassword!, '********'))).toEqual([]);
    expect(wrongSecret.length, 'secret values typed wrongly').toBe(0);
    expect(wrongText).toEqual([]);
  });

  // The other screens' fields are plain controlled inputs (renderer/ui/text-input.tsx). Measured with this
  // test: under the same load the Open screen's path keeps every key (20 of 20) as it is — the loss above
  // needs a render still pending from elsewhere when the key arrives, which the Variables form has and
  // this screen does not — so they stay plain, and this test keeps watching one of them.
  test('a plain text field (the Open screen path) keeps every key too, with the page busy', async ({ page: browserPage }) => {
    test.setTimeout(180_000);
    const page: Page = await host.page(browserPage);
    await page.goto(host.startUrl());
    await page.getByRole('button', { name: 'Open a drop' }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'Open a drop' })).toBeVisible();
    await keepPageBusy(page);
    const wrong = await typeRounds(page.getByTestId('drop-path'), 'C:\\Drops\\St Brigid\\PatientFlow-2.4.0-st-brigid (approved CAB-4471).zip', 20);
    expect(wrong).toEqual([]);
  });
});
