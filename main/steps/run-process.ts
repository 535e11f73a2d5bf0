/**
 * Runs an external tool (SqlPackage, a shell) for a step: output streamed line by line as it comes,
 * so a long publish shows progress; an immediate cancel ends the process tree's leader. The caller
 * redacts lines before they reach the journal.
 */
import { spawn } from 'node:child_process';
import { AppError } from '../../common/errors';

export interface ProcessRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** True when the run was stopped through the abort signal. */
  aborted: boolean;
}

export interface RunProcessOptions {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** One call per complete output line (stderr lines flagged). */
  onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  signal?: AbortSignal;
  /** Text written to the process's stdin, then closed. */
  input?: string;
}

/** Spawns the process and resolves when it exits; PROCESS_START_FAILED when it cannot start. */
export function runProcess(options: RunProcessOptions): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, aborted: true });
      return;
    }
    const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      child.kill('SIGTERM');
      // A tool that ignores SIGTERM still has to go: the operator asked for an immediate stop.
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const split = (stream: 'stdout' | 'stderr') => {
      let rest = '';
      return {
        data: (chunk: Buffer) => {
          rest += chunk.toString('utf8');
          let nl: number;
          while ((nl = rest.indexOf('\n')) !== -1) {
            options.onLine(rest.slice(0, nl).replace(/\r$/, ''), stream);
            rest = rest.slice(nl + 1);
          }
        },
        end: () => {
          if (rest !== '') options.onLine(rest.replace(/\r$/, ''), stream);
          rest = '';
        },
      };
    };
    const out = split('stdout');
    const err = split('stderr');
    child.stdout.on('data', out.data);
    child.stderr.on('data', err.data);
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(new AppError('PROCESS_START_FAILED', `Cannot start ${options.command}: ${error.message}`, 'Check that the program is installed and can be run by this user.', { command: options.command }));
    });
    child.on('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      out.end();
      err.end();
      resolve({ exitCode, signal, aborted });
    });
  });
}
