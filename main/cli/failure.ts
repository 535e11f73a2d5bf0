/**
 * The CLI's one error path: every command prints a failure with `printFailure`, and the exit code comes
 * from one table, so an error code means the same exit code whichever command met it. docs/operations.md
 * ("Exit codes") lists the same table for the scripts that branch on it.
 */
import { toErrorShape, type ErrorShape } from '../../common/errors';
import { EXIT, type CliContext } from './cli-types';
import { terminalLines } from './terminal-text';

/** Who can fix it: the person running the command (input), the machine's owner (environment), the vendor (bug). */
export type FailureCategory = 'input' | 'environment' | 'bug' | 'cancelled';

// Failures of the machine rather than of the input: the engineer fixes the VM, the keychain, the disk or the
// network, not the drop or the command line.
export const ENVIRONMENT_CODES: ReadonlySet<string> = new Set([
  'SECRETS_UNAVAILABLE',
  'NOT_READY',
  'DEPLOY_LOCKED',
  'DEPLOY_LOCK_LIVE',
  'DEPLOY_LOCK_FAILED',
  'DEPLOY_STILL_RUNNING',
  'DROP_NO_SPACE',
  'DROP_WRITE_FAILED',
  'DISK_FULL',
  'KEY_WRITE_FAILED',
  'SETTINGS_WRITE_FAILED',
  'REPORT_WRITE_FAILED',
  'REPORT_PDF_UNAVAILABLE',
  'TENANT_EXPORT_WRITE_FAILED',
  'SQL_CONNECT_FAILED',
  'SQL_LOGIN_FAILED',
  'SQL_UNREACHABLE',
  'SQL_CERTIFICATE_UNTRUSTED',
  'SQL_ENCRYPTION_MISMATCH',
  'SQL_DATABASE_UNAVAILABLE',
  'SCRIPT_INTERPRETER_MISSING',
  'PROCESS_START_FAILED',
]);

/** The category of a coded error. PREFLIGHT_BLOCKED says in its details whether the machine or the input blocked it. */
export function failureCategory(error: Pick<ErrorShape, 'code' | 'details'>): FailureCategory {
  if (error.code === 'INTERNAL') return 'bug';
  if (error.code === 'CANCELLED') return 'cancelled';
  if (error.code === 'PREFLIGHT_BLOCKED') {
    return (error.details as { failureKind?: string } | undefined)?.failureKind === 'environment' ? 'environment' : 'input';
  }
  return ENVIRONMENT_CODES.has(error.code) ? 'environment' : 'input';
}

const EXIT_BY_CATEGORY: Record<FailureCategory, number> = {
  input: EXIT.invalidInput,
  environment: EXIT.environment,
  bug: EXIT.failed,
  cancelled: EXIT.cancelled,
};

/** The exit code for a coded error (see the table in docs/operations.md). */
export function exitCodeFor(error: Pick<ErrorShape, 'code' | 'details'>): number {
  return EXIT_BY_CATEGORY[failureCategory(error)];
}

/** Prints `error <CODE>: <message>` and `hint: <hint>` on stderr and returns the exit code for it. */
export function printFailure(ctx: Pick<CliContext, 'stderr'>, error: unknown): number {
  const shape = toErrorShape(error);
  // Messages quote names from the drop; they reach a terminal without its escape sequences.
  ctx.stderr(`error ${shape.code}: ${terminalLines(shape.message)}\nhint: ${terminalLines(shape.hint)}\n`);
  return exitCodeFor(shape);
}

/** Prints a usage error (exit 2). */
export function printUsage(ctx: Pick<CliContext, 'stderr'>, message: string, usage: string): number {
  return printFailure(ctx, { code: 'INVALID_ARGUMENTS', message, hint: `Usage: ${usage}` });
}
