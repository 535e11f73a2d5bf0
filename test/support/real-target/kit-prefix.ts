/**
 * The one prefix every object of a kit run carries: `drtest_<run>_`. The run id comes from
 * `npm run test:real` (shared by all test files) or is made up per process.
 */
import { randomBytes } from 'node:crypto';
import { RUN_ID_VARIABLE } from './kit-env';

export const PREFIX_ROOT = 'drtest_';

function runId(): string {
  const given = process.env[RUN_ID_VARIABLE]?.trim();
  if (given) {
    if (!/^[a-z0-9]{4,16}$/.test(given)) throw new Error(`${RUN_ID_VARIABLE}=${given} must be 4 to 16 lowercase letters or digits.`);
    return given;
  }
  return randomBytes(4).toString('hex');
}

/** drtest_<run>_<pid>_ : unique per run and per test file (vitest runs each file in its own process). */
export const KIT_PREFIX = `${PREFIX_ROOT}${runId()}_${process.pid}_`;

/** The prefix as a LIKE pattern: `_` is a wildcard in LIKE, so it is escaped as `[_]`. */
export function likePattern(prefix: string): string {
  return `${prefix.replace(/_/g, '[_]')}%`;
}

/** Refuses to go on when something with our prefix exists that this run did not create. */
export function assertPrefixFree(kind: string, existing: string[], created: Set<string>, where: string): void {
  const foreign = existing.filter((name) => !created.has(name));
  if (foreign.length) {
    throw new Error(`The conformance kit refuses to run: ${kind} ${foreign.join(', ')} on ${where} already use the prefix ${KIT_PREFIX}, and this run did not create them. Remove them or run again (a new run picks a new prefix).`);
  }
}
