// The conformance kit run the way a vendor runs it, against the SQL double as the "real" server:
// starts `sql-double --ssisdb` on a free port, points DROP_RUNNER_TEST_SQL / DROP_RUNNER_TEST_SSISDB at
// it, runs `npm run test:real` and checks its last line says more than 30 passed and none failed.
// `npm test` runs this once, so the kit cannot rot between visits to a real server.
import { spawn, spawnSync } from 'node:child_process';

const MIN_PASSED = 31;
// npx/npm are .cmd files on Windows, which only a shell can start.
const WINDOWS = process.platform === 'win32';
const login = { user: 'kit', password: 'Kit!dogfood-41' };
const windows = { domain: 'DRTEST', user: 'svc_kit', password: 'W1n!dogfood-42' };

function fail(message) {
  console.error(`kit dogfood: ${message}`);
  process.exit(1);
}

const bundle = spawnSync('npx', ['esbuild', 'scripts/sql-double.ts', '--bundle', '--platform=node', '--format=esm', '--packages=external', '--log-level=warning', '--outfile=.tmp/sql-double.mjs'], { stdio: 'inherit', shell: WINDOWS });
if (bundle.status !== 0) fail('cannot build scripts/sql-double.ts');

const double = spawn(process.execPath, ['.tmp/sql-double.mjs', '--ssisdb', '--tls', '--port', '0', '--login', `${login.user}:${login.password}`, '--windows-user', `${windows.domain}\\${windows.user}:${windows.password}`], { stdio: ['ignore', 'pipe', 'inherit'] });
const stop = () => double.exitCode === null && double.kill('SIGTERM');
process.on('exit', stop);

const port = await new Promise((resolve, reject) => {
  let seen = '';
  const timer = setTimeout(() => reject(new Error('the double did not start within 30 s')), 30_000);
  double.stdout.on('data', (chunk) => {
    seen += chunk;
    const m = /listening on 127\.0\.0\.1:(\d+)/.exec(seen);
    if (m) {
      clearTimeout(timer);
      resolve(Number(m[1]));
    }
  });
  double.on('exit', (code) => reject(new Error(`the double exited with ${code} before listening`)));
}).catch((error) => fail(error.message));

const env = {
  ...process.env,
  DROP_RUNNER_TEST_SQL: `Server=127.0.0.1,${port};User Id=${login.user};Password=${login.password};Encrypt=True;TrustServerCertificate=True`,
  DROP_RUNNER_TEST_SSISDB: `Server=127.0.0.1,${port};Integrated Security=SSPI;User Id=${windows.domain}\\${windows.user};Password=${windows.password};Encrypt=True;TrustServerCertificate=True`,
};
delete env.DROP_RUNNER_TEST_ENV_FILE;
console.log(`kit dogfood: npm run test:real against the double on 127.0.0.1:${port}`);
const kit = spawnSync('npm', ['run', '--silent', 'test:real'], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, shell: WINDOWS });
process.stdout.write(kit.stdout ?? '');
process.stderr.write(kit.stderr ?? '');
stop();

const last = /(\d+) passed, (\d+) failed, (\d+) skipped\s*$/.exec(kit.stdout ?? '');
if (!last) fail('npm run test:real did not end with "N passed, N failed, N skipped"');
const [passed, failed] = [Number(last[1]), Number(last[2])];
if (failed > 0 || kit.status !== 0) fail(`the kit failed on the double: ${last[0].trim()} (exit ${kit.status})`);
if (passed < MIN_PASSED) fail(`only ${passed} kit tests passed on the double; expected more than 30`);
if (!/ran against SQL Server 127\.0\.0\.1/.test(kit.stdout) || !/ran against SSIS catalog on 127\.0\.0\.1/.test(kit.stdout)) fail('the kit did not report which servers it ran against');
console.log(`kit dogfood: ${passed} passed on the double (more than 30), ${failed} failed`);
