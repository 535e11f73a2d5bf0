import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../support/browser-host';

export interface MeasuredRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set of the child process (all its threads), in MB, from getrusage at exit. */
  peakRssMb: number | undefined;
}

// The child prints its own peak RSS as it exits: getrusage(RUSAGE_SELF) covers the drop worker thread too.
const WRAPPER = `
process.on('exit', () => process.stderr.write('\\n@@maxrss ' + process.resourceUsage().maxRSS + '\\n'));
await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'bin', 'drop-runner.js')).href)});
`;

/** Runs the built `drop-runner` in a child process with its own TMPDIR; `onStart` may signal it. */
export function runMeasured(args: string[], options: { tmpDir: string; timeoutMs?: number; onStart?: (child: ChildProcess) => void }): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', WRAPPER, '--', 'drop-runner', ...args], {
      cwd: repoRoot,
      env: { ...process.env, TMPDIR: options.tmpDir, TMP: options.tmpDir, TEMP: options.tmpDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`drop-runner ${args.join(' ')} did not finish in ${options.timeoutMs ?? 20_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const rss = /@@maxrss (\d+)/.exec(stderr)?.[1];
      resolve({ code, signal, stdout, stderr: stderr.replace(/\n@@maxrss \d+\n/, ''), peakRssMb: rss === undefined ? undefined : Number(rss) / 1024 });
    });
    options.onStart?.(child);
  });
}
