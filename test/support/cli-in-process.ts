// The one in-process CLI runner for tests: runs `drop-runner <args>` through runCli with captured output
// (test/support/run-cli.ts runs the built CLI in a child process instead, as an engineer would).
import { Readable } from 'node:stream';
import { runCli } from '../../main/cli/main';

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process. `dataDir` appends `--data-dir`; `input` is what standard input holds. */
export async function runCliInProcess(args: string[], options: { dataDir?: string; input?: string } = {}): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const argv = options.dataDir === undefined ? args : [...args, '--data-dir', options.dataDir];
  const code = await runCli(argv, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    stdin: Readable.from(options.input ? [options.input] : []),
  });
  return { code, stdout, stderr };
}
