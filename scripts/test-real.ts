/**
 * `npm run test:real` — the conformance kit against real targets: the sql-scripts, dacpac and
 * ssis-project suites of test/conformance on the SQL Server named by DROP_RUNNER_TEST_SQL and the SSIS
 * catalog named by DROP_RUNNER_TEST_SSISDB (environment, or the KEY=VALUE file named by
 * DROP_RUNNER_TEST_ENV_FILE). Everything it creates carries the prefix drtest_<run>_ and is removed
 * afterwards. It prints the server versions it ran against and ends with `N passed, N failed, N skipped`.
 * Without either variable every test is skipped, visibly, and it exits 0.
 * Extra arguments go to vitest (e.g. `npm run test:real -- -t drift`).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { readKitEnv, REAL_ONLY_VARIABLE, RUN_ID_VARIABLE, SQL_VARIABLE, SSISDB_VARIABLE } from '../test/support/real-target/kit-env';

let kit;
try {
  kit = readKitEnv();
} catch (error) {
  process.stderr.write(`error KIT_ENV_INVALID: ${(error as Error).message}\n`);
  process.exit(2);
}

const runId = randomBytes(4).toString('hex');
console.log('Drop Runner conformance kit');
console.log(`  ${SQL_VARIABLE}: ${kit.sql ? 'set' : 'not set — the sql-scripts and dacpac suites are skipped'}`);
console.log(`  ${SSISDB_VARIABLE}: ${kit.ssisdb ? 'set' : 'not set — the ssis-project suite is skipped'}`);
if (!kit.sql && !kit.ssisdb) console.log(`  Neither variable is set (environment or DROP_RUNNER_TEST_ENV_FILE): nothing to test against, every kit test is skipped.`);
else console.log(`  values from: ${kit.source}; every database and catalog folder is named drtest_${runId}_…`);

const notes = path.join('.tmp', 'real-target');
rmSync(notes, { recursive: true, force: true });
mkdirSync('test-results', { recursive: true });
const report = path.join('test-results', 'test-real.json');
rmSync(report, { force: true });

const env = {
  ...process.env,
  [REAL_ONLY_VARIABLE]: '1',
  [RUN_ID_VARIABLE]: runId,
  ...(kit.sql ? { [SQL_VARIABLE]: kit.sql } : {}),
  ...(kit.ssisdb ? { [SSISDB_VARIABLE]: kit.ssisdb } : {}),
};
// One file at a time: the suites share the server, and the double's tables are server-wide.
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', 'test/conformance', '--no-file-parallelism', '--testTimeout=300000', '--hookTimeout=600000', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit', env, shell: process.platform === 'win32' },
);

const totals = { passed: 0, failed: 0, skipped: 0 };
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests?: number; testResults?: Array<{ status: string; assertionResults?: unknown[] }> };
  totals.passed = r.numPassedTests;
  totals.failed = r.numFailedTests + (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  totals.skipped = r.numPendingTests + (r.numTodoTests ?? 0);
} else {
  totals.failed = 1;
  console.log('The test run crashed before writing its results.');
}

console.log('\n=== conformance kit');
const ran = existsSync(notes) ? readdirSync(notes).map((f) => JSON.parse(readFileSync(path.join(notes, f), 'utf8')) as { kind: string; description: string; version: string }) : [];
const seen = new Set<string>();
for (const note of ran) {
  const line = `ran against ${note.description}: ${note.version}`;
  if (!seen.has(line)) console.log(line);
  seen.add(line);
}
if (!ran.length) console.log('ran against no server (skipped)');
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 && vitest.status === 0 ? 0 : 1);
