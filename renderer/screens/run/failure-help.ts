/**
 * What the guided-failure dialog tells a field engineer who is not the vendor's developer: things they can
 * check or do on site. Never "edit the scripts": the vendor's scripts are signed, and a changed script is
 * a different release (the drop would no longer verify), so no hint may suggest it.
 */
import type { FoldAttemptError } from '../../../common/journal-fold';

/** Hints for an error (its code, and its message when given), most specific first; always ends with the vendor and the decisions. */
export function failureHints(code: string, deploymentId: string, message = ''): string[] {
  const hints: string[] = [];
  // The server's own words count too: SQL_BATCH_FAILED says little, "permission denied" says what to check.
  const c = `${code} ${message.replace(/\s+/g, '_')}`.toUpperCase();
  if (/LOGIN|AUTH|PERMISSION|DENIED|SECRETS/.test(c)) hints.push('Check the account’s permissions on the server (ask the DBA to grant what the error names), then Retry.');
  if (/CONNECT|NETWORK|UNREACHABLE|TIMEOUT|SOCKET/.test(c)) hints.push('Check that the server is up and reachable from this machine (name, port, firewall), then Retry.');
  if (/LOCK|DEADLOCK|BUSY/.test(c)) hints.push('Another job may hold the object: wait a moment (or ask the DBA what holds it), then Retry.');
  if (/SPACE|DISK|FULL|LOG_FULL/.test(c)) hints.push('Check free disk and database log space on the server, then Retry.');
  if (/SSIS|CATALOG/.test(c)) hints.push('Check the SSIS catalog (SSISDB) exists and the account may deploy to its folder, then Retry.');
  if (hints.length === 0) hints.push('Check the server, the account’s permissions and free disk space, then Retry.');
  hints.push(`If it keeps failing, send the error and deployment id ${deploymentId} to the vendor (the report has everything they need).`);
  hints.push('Skip the step with a reason if it was done another way (e.g. by the DBA under a change number) — the report will say it was not applied by Drop Runner.');
  hints.push('Abort to stop here; clean-up steps marked to run always still run.');
  return hints;
}

/** One sentence comparing the last two failed attempts. */
export function whatChanged(errors: readonly FoldAttemptError[]): string {
  if (errors.length < 2) return '';
  const last = errors[errors.length - 1]!;
  const before = errors[errors.length - 2]!;
  if (last.code === before.code && last.message === before.message) return `Attempt ${last.attempt} failed exactly as attempt ${before.attempt} did: retrying without changing anything on the server will not help.`;
  if (last.code === before.code) return `Attempt ${last.attempt} failed with the same code as attempt ${before.attempt}, but a different message: something changed on the server.`;
  return `Attempt ${last.attempt} failed differently from attempt ${before.attempt} (${before.code} → ${last.code}): the earlier problem may be fixed and a new one shows.`;
}
