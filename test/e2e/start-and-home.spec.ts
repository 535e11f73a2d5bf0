import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startBrowserHost } from '../support/browser-host';

test('npm start without an Electron binary says so and prints a browser-host URL that serves the UI', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dr-start-'));
  const child = spawn('npm', ['start', '--', '--data-dir', dataDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const url = await expect
      .poll(() => /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output)?.[0], { timeout: 90_000 })
      .toBeTruthy()
      .then(() => /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output)![0]);
    expect(output).toContain('No Electron binary is installed here');
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // The token is moved out of the address bar once the page has it.
    expect(page.url()).not.toContain('token=');
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the Home screen shows this machine’s diagnostics', async ({ page }) => {
  const host = await startBrowserHost();
  try {
    await page.goto(host.url);
    await expect(page.getByText('OS keychain')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText('SQL client library')).toBeVisible();
    await expect(page.getByText(/mssql 12\./)).toBeVisible();
    await page.screenshot({ path: 'test-results/screens/home.png', fullPage: true });
  } finally {
    await host.stop({ removeDataDir: true });
  }
});
