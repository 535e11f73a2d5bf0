/**
 * The host the end-to-end flows drive, chosen once: the real Electron shell through Playwright's
 * `_electron` when an Electron binary is installed, otherwise the browser host (`drop-runner serve`
 * in Debian's Chromium). One spec source drives either: it asks the host for the page, the start URL
 * and the contract (`api`), never for how they are reached.
 */
import { _electron as electron, type ElectronApplication, type Page } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startBrowserHost, type RunningHost } from './browser-host';

export type HostKind = 'electron' | 'browser';
/** Forces a host: `browser` (e.g. to compare) or `electron` (fails when no binary is installed). */
export const HOST_VARIABLE = 'DROP_RUNNER_E2E_HOST';

export interface HostChoice {
  kind: HostKind;
  /** Why this host, for the test titles and the log. */
  reason: string;
  electronBinary?: string;
}

/** The Electron binary the `electron` package installed, or null (npm cannot download it on this machine). */
export function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

export function chooseHost(env: NodeJS.ProcessEnv = process.env, binary: string | null = electronBinary()): HostChoice {
  const forced = env[HOST_VARIABLE]?.trim().toLowerCase();
  if (forced && forced !== 'browser' && forced !== 'electron') throw new Error(`${HOST_VARIABLE}=${forced} is neither "browser" nor "electron".`);
  if (forced === 'browser') return { kind: 'browser', reason: `${HOST_VARIABLE}=browser` };
  if (binary) return { kind: 'electron', reason: `Electron binary at ${binary}`, electronBinary: binary };
  if (forced === 'electron') throw new Error(`${HOST_VARIABLE}=electron, but no Electron binary is installed (npm ci downloads it where the network allows).`);
  return { kind: 'browser', reason: 'no Electron binary is installed (npm cannot download it here), so the browser host stands in' };
}

export interface AppHost {
  kind: HostKind;
  dataDir: string;
  /** The page the flow drives: the Electron window, or the given browser page. */
  page(browserPage: Page): Promise<Page>;
  /** The URL that opens the UI at Home (with the browser host's token). */
  startUrl(): string;
  /** The same document without token or route, to navigate by `#/…` routes. */
  baseUrl(): string;
  /** Calls the contract the way the renderer does: HTTP with the token, or the preload's IPC bridge. */
  api<T>(name: string, params: unknown): Promise<T>;
  /** Everything the host process printed so far. */
  output(): string;
  /** Quits and starts again on the same data folder (and keychain), like the next working day. */
  restart(): Promise<void>;
  stop(options?: { removeDataDir?: boolean }): Promise<void>;
}

type Reply<T> = { ok: boolean; result?: T; error?: { code: string; message: string } };
function unwrap<T>(name: string, reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`${name}: ${reply.error?.code} ${reply.error?.message}`);
  return reply.result as T;
}

async function browserHost(dataDir?: string): Promise<AppHost> {
  let host: RunningHost = await startBrowserHost(dataDir ? { dataDir } : {});
  const earlier: string[] = [];
  return {
    kind: 'browser',
    get dataDir() {
      return host.dataDir;
    },
    page: async (browserPage) => browserPage,
    startUrl: () => host.url,
    baseUrl: () => host.url.split('?')[0]!,
    api: async <T,>(name: string, params: unknown) => {
      const response = await fetch(`${host.origin}/api/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Drop-Runner-Token': host.token }, body: JSON.stringify(params) });
      return unwrap<T>(name, (await response.json()) as Reply<T>);
    },
    output: () => [...earlier, host.output()].join('\n'),
    restart: async () => {
      earlier.push(host.output());
      await host.stop();
      host = await startBrowserHost({ dataDir: host.dataDir });
    },
    stop: (options) => host.stop(options),
  };
}

async function electronHost(binary: string, givenDataDir?: string): Promise<AppHost> {
  const dataDir = givenDataDir ?? mkdtempSync(join(tmpdir(), 'drop-runner-electron-'));
  let output = '';
  let app: ElectronApplication;
  let window: Page;
  let start = '';
  const launch = async () => {
    app = await electron.launch({ executablePath: binary, args: [repoRoot, `--data-dir=${dataDir}`], cwd: repoRoot });
    app.process().stdout?.on('data', (d: Buffer) => (output += d.toString()));
    app.process().stderr?.on('data', (d: Buffer) => (output += d.toString()));
    window = await app.firstWindow();
    await window.waitForLoadState('domcontentloaded');
    start = window.url().split('#')[0]!;
  };
  await launch();
  return {
    kind: 'electron',
    dataDir,
    page: async () => window,
    startUrl: () => start,
    baseUrl: () => start,
    api: async <T,>(name: string, params: unknown) =>
      unwrap<T>(name, (await window.evaluate(([n, p]) => (window as unknown as { dropRunner: { invoke(n: string, p: unknown): Promise<unknown> } }).dropRunner.invoke(n as string, p), [name, params] as const)) as Reply<T>),
    output: () => output,
    restart: async () => {
      await app.close();
      await launch();
    },
    stop: async (options) => {
      await app.close().catch(() => undefined);
      if (options?.removeDataDir) (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the chosen host on a data folder (a fresh one when none is given). */
export async function startAppHost(choice: HostChoice, options: { dataDir?: string } = {}): Promise<AppHost> {
  return choice.kind === 'electron' ? electronHost(choice.electronBinary!, options.dataDir) : browserHost(options.dataDir);
}
