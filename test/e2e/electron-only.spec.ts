import { expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronBinary, startAppHost, type AppHost } from '../support/app-host';
import { repoRoot } from '../support/browser-host';
import { _electron as electron } from '@playwright/test';

// What only the Electron shell does: the app:// protocol, the IPC sender check, printToPDF, a file
// dropped through the preload and the application menu. The browser host has none of these, so on a
// machine without an Electron binary every test here is reported as skipped with this reason — never
// as passed. The Windows CI job (npm ci downloads Electron there) runs them.
const binary = electronBinary();
test.skip(binary === null, 'Electron-only behaviour: no Electron binary is installed here (npm cannot download it); the Windows CI job runs this spec');
test.describe.configure({ mode: 'serial' });

let app: ElectronApplication;
let window: Page;
let dataDir: string;

test.beforeAll(async () => {
  if (!binary) return;
  dataDir = mkdtempSync(join(tmpdir(), 'dr-electron-only-'));
  app = await electron.launch({ executablePath: binary, args: [repoRoot, `--data-dir=${dataDir}`], cwd: repoRoot });
  window = await app.firstWindow();
  await expect(window.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible({ timeout: 30_000 });
});
test.afterAll(async () => {
  await app?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('the UI is served by our own app:// protocol, with the contract on window.dropRunner and no Node', async () => {
  expect(window.url()).toMatch(/^app:\/\/drop-runner\/index\.html/);
  expect(await window.evaluate(() => location.protocol)).toBe('app:');
  expect(await window.evaluate(async () => (await fetch('app://drop-runner/index.html')).ok)).toBe(true);
  expect(await window.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');
  const info = (await window.evaluate(() => (window as unknown as { dropRunner: { invoke(n: string, p: unknown): Promise<{ ok: boolean }> } }).dropRunner.invoke('app.info', {}))) as { ok: boolean };
  expect(info.ok).toBe(true);
});

test('IPC refuses a request from a window that is not the Drop Runner window, even with the same preload', async () => {
  const reply = await app.evaluate(async ({ app: electronApp, BrowserWindow }) => {
    // The same preload the Drop Runner window uses (electron-main.ts puts it there).
    const preload = `${electronApp.getAppPath()}/dist/preload/preload.cjs`;
    const stranger = new BrowserWindow({ show: false, webPreferences: { preload, sandbox: true, contextIsolation: true } });
    try {
      await stranger.loadURL('data:text/html,<p>not Drop Runner</p>');
      return (await stranger.webContents.executeJavaScript("window.dropRunner.invoke('app.info', {})")) as { ok: boolean; error?: { code: string } };
    } finally {
      stranger.destroy();
    }
  });
  expect(reply).toMatchObject({ ok: false, error: { code: 'IPC_SENDER_REFUSED' } });
});

test('printToPDF renders the window into a PDF', async () => {
  const size = await app.evaluate(async ({ BrowserWindow }) => {
    const pdf = await BrowserWindow.getAllWindows()[0]!.webContents.printToPDF({ printBackground: true });
    return { length: pdf.length, head: pdf.subarray(0, 5).toString('latin1') };
  });
  expect(size.head).toBe('%PDF-');
  expect(size.length).toBeGreaterThan(1000);
});

test('a file handed over by the shell reaches the app through the preload as its path; a made-up file is refused', async () => {
  const zip = join(dataDir, 'dropped.zip');
  writeFileSync(zip, 'PK');
  await window.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'electron-only-file';
    document.body.append(input);
  });
  await window.setInputFiles('#electron-only-file', zip);
  const real = await window.evaluate(() => {
    const file = (document.getElementById('electron-only-file') as HTMLInputElement).files![0]!;
    return (window as unknown as { dropRunner: { fileToPath(f: File): Promise<unknown> } }).dropRunner.fileToPath(file);
  });
  expect(real).toEqual({ ok: true, path: zip });
  const madeUp = await window.evaluate(() => (window as unknown as { dropRunner: { fileToPath(f: File): Promise<unknown> } }).dropRunner.fileToPath(new File(['x'], 'x.zip')));
  expect(madeUp).toMatchObject({ ok: false, error: { code: 'FILE_HAS_NO_PATH' } });
  await window.evaluate(() => document.getElementById('electron-only-file')?.remove());
});

test('the application menu has File, Edit, View and Help, and File › Open drop… opens the Open screen', async () => {
  const labels = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()!.items.map((i) => i.label.replace(/&/g, '')));
  expect(labels).toEqual(['File', 'Edit', 'View', 'Help']);
  const accelerator = await app.evaluate(({ Menu }) => {
    const file = Menu.getApplicationMenu()!.items[0]!.submenu!;
    const open = file.items.find((i) => i.label.replace(/&/g, '') === 'Open drop…')!;
    open.click();
    return open.accelerator;
  });
  expect(accelerator).toBe('CmdOrCtrl+O');
  await expect(window.getByRole('heading', { level: 1, name: 'Open a drop' })).toBeVisible();
});

test('the guided flows run in this shell too (the host fixture picks Electron here)', async () => {
  // The flows themselves are test/e2e/guided-flows.spec.ts; here only the fixture's choice is checked.
  const host: AppHost = await startAppHost({ kind: 'electron', reason: 'electron-only spec', electronBinary: binary! });
  try {
    const page = await host.page(window);
    expect(page.url()).toMatch(/^app:\/\//);
    expect(await host.api<{ version: string }>('app.info', {})).toHaveProperty('version');
  } finally {
    await host.stop({ removeDataDir: true });
  }
});
