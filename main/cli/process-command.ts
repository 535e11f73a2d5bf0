import { AppError } from '../../common/errors';
import { EXIT } from './cli-types';
import { printFailure } from './failure';

/**
 * Runs a command as the whole process: its result becomes the exit code (set, not forced, so pending
 * output flushes), a throw is INTERNAL, and — the last safety net — a command still waiting when Node has
 * nothing left to run (a deployment waiting for an answer nobody at this terminal can give) ends as
 * COMMAND_STALLED with exit 1 instead of Node's silent exit 0, which would read as success.
 */
export function runAsProcessCommand(command: () => Promise<number>): void {
  let settled = false;
  void command().then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (error: unknown) => {
      settled = true;
      process.stderr.write(`error INTERNAL: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
  process.on('beforeExit', () => {
    if (settled) return;
    settled = true;
    printFailure(
      { stderr: (text) => process.stderr.write(text) },
      new AppError(
        'COMMAND_STALLED',
        'The command was still waiting (for an answer nobody at this terminal can give) when nothing was left to run; it did not finish.',
        'If a deployment was running, resume it in a terminal: `drop-runner history`, then `drop-runner resume <id>`.',
      ),
    );
    process.exitCode = EXIT.failed;
  });
}
