import { runCli } from './main';

// The bundled entry point of `drop-runner`. The exit code is set, not forced, so pending output flushes.
void runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error INTERNAL: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
