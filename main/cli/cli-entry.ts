import { AppError } from '../../common/errors';
import { EXIT } from './cli-types';
import { printFailure } from './failure';
import { runCli } from './main';

// The bundled entry point of `drop-runner`. The exit code is set, not forced, so pending output flushes.
let settled = false;
void runCli(process.argv.slice(2)).then(
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

// Last safety net: a command still waiting when Node has nothing left to run (a deployment waiting for an
// answer nobody at this terminal can give) would otherwise end with exit 0, as if it had succeeded.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  printFailure(
    { stderr: (text) => process.stderr.write(text) },
    new AppError('COMMAND_STALLED', 'The command was still waiting (for an answer nobody at this terminal can give) when nothing was left to run; it did not finish.', 'If a deployment was running, resume it in a terminal: `drop-runner history`, then `drop-runner resume <id>`.'),
  );
  process.exitCode = EXIT.failed;
});
