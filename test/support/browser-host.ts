import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A running `drop-runner serve` process (the real built CLI) with its own data folder. */
export interface RunningHost {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  process: ChildProcess;
  output: () => string;
  /** Stops the host; `removeDataDir` then deletes its data folder (leave it when restarting on the same folder). */
  stop(options?: { removeDataDir?: boolean }): Promise<void>;
}

/** How long `serve` may take to stop after SIGTERM (its own grace for running replies is 3 s). */
const STOP_LIMIT_MS = 15_000;

export const repoRoot = resolve(import.meta.dirname, '..', '..');

/** Starts the built browser host the way `npm start` does and waits for the URL it prints. */
export async function startBrowserHost(options: { dataDir?: string; env?: NodeJS.ProcessEnv; args?: string[] } = {}): Promise<RunningHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'drop-runner-host-'));
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'drop-runner.js'), 'serve', '--data-dir', dataDir, ...(options.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser host did not print its URL in 20 s:\n${output}`)), 20_000);
    const check = () => {
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[0]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`browser host exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    dataDir,
    process: child,
    output: () => output,
    stop: async (stopOptions = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        // A host that ignores SIGTERM is a defect to report, not a test timeout to wait out.
        const stuck = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), STOP_LIMIT_MS))]);
        if (stuck) {
          child.kill('SIGKILL');
          await exited;
          if (stopOptions.removeDataDir) rmSync(dataDir, { recursive: true, force: true });
          throw new Error(`the browser host did not exit within ${STOP_LIMIT_MS / 1000} s of SIGTERM and was killed:\n${output}`);
        }
      }
      if (stopOptions.removeDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
