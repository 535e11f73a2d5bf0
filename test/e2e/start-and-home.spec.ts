import { expect, test } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
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

// A headless Linux machine with no D-Bus session: the keychain is the kernel keyring, and Home says how long it keeps secrets.
// Whether this kernel lets the binding use its keyring (some containers block keyctl): asked in a fresh process.
const kernelKeyring =
  process.platform === 'linux' &&
  spawnSync(
    process.execPath,
    ['-e', "const {Entry}=require('@napi-rs/keyring');const o={linux:{store:'keyutils'}};try{new Entry('drop-runner/probe','warm',o)}catch{};const e=new Entry('drop-runner/probe','e2e-'+process.pid,o);e.setPassword('x');e.deletePassword();console.log('ok')"],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: undefined } },
  ).stdout.trim() === 'ok';
test('on Linux without a Secret Service, Home shows the kernel keyring as a warning that says secrets last until restart', async ({ page }) => {
  test.skip(!kernelKeyring, 'SKIPPED: no Linux kernel keyring usable here (not Linux, or keyctl blocked)');
  const host = await startBrowserHost({ env: { DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined, DROP_RUNNER_KEYCHAIN: undefined } });
  try {
    await page.goto(host.url);
    const keychain = page.locator('.diag-list__item', { hasText: 'OS keychain' });
    await expect(keychain).toBeVisible({ timeout: 30_000 });
    await expect(keychain).toHaveClass(/diag-list__item--warn/);
    await expect(keychain).toContainText('the Linux kernel keyring');
    await expect(keychain).toContainText('until this machine restarts');
    await expect(keychain).toContainText('To keep secrets across restarts');
    await expect(page.getByText('Ready', { exact: true })).toBeVisible();
  } finally {
    await host.stop({ removeDataDir: true });
  }
});
