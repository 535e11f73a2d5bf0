// `npm test`: the whole suite in one command — typecheck, lint, build, unit + integration (vitest) and
// end-to-end (Playwright in Debian Chromium). It ends with the plain line `N passed, N failed, N skipped`
// that CI reads, counting every test case plus one case each for typecheck, lint and build.
// It brings up what the suites need: missing Debian packages (installed when root on Debian, else named
// in one command and those suites skip visibly), and on Linux a private D-Bus session with an unlocked
// gnome-keyring (scripts/with-keyring.sh), so the Secret Service suites run without a desktop.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { canStartKeyringSession, ensureDebianPackages } from './test-environment.mjs';

if (process.platform === 'linux' && process.env.DROP_RUNNER_IN_KEYRING !== '1') {
  const packages = ensureDebianPackages();
  if (!packages.ok) {
    console.log(`\nSome suites will be SKIPPED: missing Debian packages ${packages.missing.join(' ')}.\nTo run them: ${packages.command}\n`);
  }
  // Re-run this script inside a private keyring session; the session ends (and its keyring is thrown away) with it.
  if (canStartKeyringSession()) {
    const inner = spawnSync('bash', ['scripts/with-keyring.sh', process.execPath, 'scripts/test-all.mjs', ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(inner.status ?? 1);
  }
  console.log('\nSecret Service suites will be SKIPPED (no dbus-run-session / gnome-keyring-daemon); the kernel-keyring suites still run.\n');
}

mkdirSync('test-results', { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const started = Date.now();
  // npx/npm are .cmd files on Windows, which only a shell can start.
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { ok: result.status === 0, seconds };
}

function gate(label, command, args) {
  const { ok, seconds } = run(label, command, args);
  totals[ok ? 'passed' : 'failed'] += 1;
  lines.push(`${label}: ${ok ? 'passed' : 'FAILED'} (${seconds} s)`);
  return ok;
}

// The ODBC session suites need msnodesqlv8 built against unixODBC (its prebuilt crashes Node 20). Built
// once and kept in node_modules; where it cannot be built they are skipped with this script's reason,
// unless DROP_RUNNER_REQUIRE_ODBC=1 (CI), where a failed build is a failed gate.
if (process.platform === 'linux') {
  if (process.env.DROP_RUNNER_REQUIRE_ODBC === '1') gate('ODBC driver (msnodesqlv8) built', 'node', ['scripts/build-odbc-driver.mjs']);
  else run('ODBC driver (msnodesqlv8) for the ODBC suites', 'node', ['scripts/build-odbc-driver.mjs']);
}

gate('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
gate('lint', 'npx', ['eslint', '.']);
const built = gate('build', 'node', ['scripts/build.mjs']);

rmSync('test-results/vitest.json', { force: true });
const vitest = run('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/vitest.json']);
if (existsSync('test-results/vitest.json')) {
  const r = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  // A file that fails to load has no test results; count it so it cannot pass silently.
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
  totals.failed += brokenFiles;
  // Tests a crashed worker never ran (a file's count minus what it reported) and a non-zero exit with no
  // failed test (an unhandled error, a worker that died) are failures too, never a silent pass.
  const neverRan = Math.max(0, (r.numTotalTests ?? 0) - r.numPassedTests - r.numFailedTests - r.numPendingTests - (r.numTodoTests ?? 0));
  const crashed = !vitest.ok && r.numFailedTests === 0 && brokenFiles === 0 && neverRan === 0 ? 1 : 0;
  totals.failed += neverRan + crashed;
  const notes = [brokenFiles ? `${brokenFiles} files failed to load` : '', neverRan ? `${neverRan} never ran (a worker crashed)` : '', crashed ? 'vitest exited non-zero (unhandled error)' : ''].filter(Boolean);
  lines.push(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped${notes.length ? `, ${notes.join(', ')}` : ''} (${vitest.seconds} s)`);
} else {
  totals.failed += 1;
  lines.push('vitest: no results file (the run crashed)');
}

// The end-to-end specs drive Debian's Chromium; without it they are skipped, visibly and counted, not failed.
const chromium = process.env.DROP_RUNNER_TEST_CHROMIUM ?? '/usr/bin/chromium';
if (built && !existsSync(chromium)) {
  totals.skipped += 1;
  lines.push(`playwright: SKIPPED — no Chromium at ${chromium} (install it: sudo apt-get install -y chromium, or set DROP_RUNNER_TEST_CHROMIUM)`);
} else if (built) {
  rmSync('test-results/playwright.json', { force: true });
  const pw = run('playwright', 'npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/playwright.json' });
  if (existsSync('test-results/playwright.json')) {
    const s = JSON.parse(readFileSync('test-results/playwright.json', 'utf8')).stats;
    totals.passed += s.expected;
    totals.failed += s.unexpected + (s.flaky ?? 0);
    totals.skipped += s.skipped;
    lines.push(`playwright: ${s.expected} passed, ${s.unexpected} failed, ${s.flaky ?? 0} flaky, ${s.skipped} skipped (${pw.seconds} s)`);
  } else {
    totals.failed += 1;
    lines.push('playwright: no results file (the run crashed)');
  }
} else {
  lines.push('playwright: not run (the build failed)');
}

// The conformance kit (npm run test:real) against `sql-double --ssisdb`, so it cannot rot.
gate('conformance kit on the double', 'node', ['scripts/kit-dogfood.mjs']);

console.log('\n=== summary');
for (const line of lines) console.log(line);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 ? 0 : 1);
