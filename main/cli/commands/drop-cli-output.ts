import { toErrorShape } from '../../../common/errors';
import { EXIT, type CliContext } from '../cli-types';
import { terminalLines } from '../terminal-text';

// Failures of the machine rather than of the input: the engineer fixes the VM, not the drop.
const ENVIRONMENT_CODES = new Set(['DISK_FULL', 'DROP_NO_SPACE', 'DROP_WRITE_FAILED', 'KEY_WRITE_FAILED', 'SETTINGS_WRITE_FAILED']);

/** Prints `error <CODE>: <message>` and `hint: <hint>` on stderr and returns the exit code for it. */
export function printFailure(ctx: Pick<CliContext, 'stderr'>, error: unknown): number {
  const shape = toErrorShape(error);
  // Messages quote names from the drop; they reach a terminal without its escape sequences.
  ctx.stderr(`error ${shape.code}: ${terminalLines(shape.message)}\nhint: ${terminalLines(shape.hint)}\n`);
  if (shape.code === 'INTERNAL') return EXIT.failed;
  return ENVIRONMENT_CODES.has(shape.code) ? EXIT.environment : EXIT.invalidInput;
}

/** Prints a usage error (exit 2). */
export function printUsage(ctx: Pick<CliContext, 'stderr'>, message: string, usage: string): number {
  ctx.stderr(`error INVALID_ARGUMENTS: ${message}\nhint: Usage: ${usage}\n`);
  return EXIT.invalidInput;
}
