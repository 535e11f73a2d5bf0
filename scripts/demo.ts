/**
 * `npm run demo` — try Drop Runner without a SQL Server. Starts the TDS double (test/support) with its
 * SSISDB emulation on a free port, opens the sample drop, creates the demo tenant "st-brigids" whose
 * values point at the double (secrets in the OS keychain like any tenant's), and opens the app on it,
 * clearly labelled as a simulated server.
 *
 * `npm run demo -- --headless [--data-dir <dir>] [--record <file.jsonl>] [--report <dir>]` deploys the
 * sample drop through the same runner without a window and prints the report folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JournalEvent } from '../common/journal-events';
import { deploymentPrinter, printChecks } from '../main/cli/commands/deploy-progress';
import { createDeploymentManager } from '../main/deploy/deployment-manager';
import { DropLibrary } from '../main/drop/drop-library';
import { TrustStore } from '../main/drop/trust-store';
import { appPackage } from '../main/platform/app-version';
import { createConfSettingsStore } from '../main/platform/settings-store';
import { exportReport } from '../main/report/export-report';
import { openTenantStore } from '../main/tenants/open-tenant-store';
import { buildSampleDrop, exampleKeyPaths, repoRoot } from '../test/support/fixtures/sample-drop';
import { createSsisdbEmulation } from '../test/support/ssisdb/index';
import { startTdsServer, type TdsServer } from '../test/support/tds-server/index';
import { openDropIsolated } from '../main/drop/worker/isolated-open';

const TENANT = 'st-brigids';
// Demo-only accounts of the simulated server; they guard nothing real but are still treated as secrets.
const SQL_LOGIN = { user: 'cdh_deploy', password: 'demo-Sql-Passw0rd!' };
const WIN = { domain: 'SBRH', user: 'svc_deploy', password: 'demo-W1ndows-Passw0rd!' };

function fail(code: string, message: string, hint: string, exit = 2): never {
  process.stderr.write(`error ${code}: ${message}\nhint: ${hint}\n`);
  process.exit(exit);
}

const args = process.argv.slice(2);
const flags = new Map<string, string>();
let headless = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--headless') headless = true;
  else if (a === '--help' || a === '-h') {
    process.stdout.write('usage: npm run demo [-- --headless] [--data-dir <dir>] [--record <file.jsonl>] [--report <dir>]\n');
    process.exit(0);
  } else if (['--data-dir', '--record', '--report'].includes(a)) {
    const v = args[++i];
    if (!v) fail('DEMO_USAGE', `${a} needs a value`, `Write ${a} <path>.`);
    flags.set(a.slice(2), path.resolve(v));
  } else fail('DEMO_USAGE', `unknown argument ${a}`, 'Run npm run demo -- --help.');
}

/** The double as the demo needs it: SSISDB, the permission query preflight asks, and procedure bodies left uncompiled. */
async function startDouble(): Promise<TdsServer> {
  const record = flags.get('record');
  if (record) mkdirSync(path.dirname(record), { recursive: true });
  const server = await startTdsServer({ logins: [SQL_LOGIN], windowsUsers: [WIN], ntlmDomain: WIN.domain, serverName: 'SIMULATED-SQL', tls: true, ...(record ? { recordFile: record } : {}) });
  server.use(createSsisdbEmulation({ validationPolls: 1 }));
  server.addResponder({ name: 'permissions', sql: /HAS_PERMS_BY_NAME/i, respond: (req) => ({ rows: [Object.fromEntries([...(req.text ?? '').matchAll(/AS (p\d+)/g)].map((m) => [m[1]!, 1]))] }) });
  return server;
}

function tenantValues(port: number): Array<{ name: string; value: string; sensitive?: boolean }> {
  const server = `127.0.0.1,${port}`;
  return [
    { name: 'SqlServer', value: server },
    { name: 'StagingDatabase', value: 'CDH_Staging' },
    { name: 'SqlAuthMode', value: 'SQL' },
    { name: 'SqlUser', value: SQL_LOGIN.user },
    { name: 'SqlPassword', value: SQL_LOGIN.password },
    // The simulated server has TLS with a self-signed certificate made at start, as many hospital servers do.
    { name: 'StagingConnection', value: `Server=${server};Database=CDH_Staging;User Id=${SQL_LOGIN.user};Password=${SQL_LOGIN.password};Encrypt=True;TrustServerCertificate=True` },
    { name: 'SsisServer', value: server },
    // SSISDB needs Windows authentication; the connection string holds a password, so it is kept as a secret.
    { name: 'SsisConnection', value: `Server=${server};Database=SSISDB;User Id=${WIN.domain}\\${WIN.user};Password=${WIN.password};Encrypt=True;TrustServerCertificate=True`, sensitive: true },
    { name: 'InterfaceEngineHost', value: 'ie01.sbrh.example' },
    { name: 'SftpPassword', value: 'demo-Sftp-Passw0rd!' },
    { name: 'ApiKey', value: 'demo-api-key-0f3a9c' },
    { name: 'CutoverNotes', value: 'Demo deployment against the simulated SQL Server.' },
  ];
}

// A data folder the demo made for itself is removed when the demo ends (with the demo tenant's
// keychain items); one passed with --data-dir is the user's and is kept.
const ownDataDir = !flags.has('data-dir');
const dataDir = flags.get('data-dir') ?? mkdtempSync(path.join(tmpdir(), 'drop-runner-demo-'));
mkdirSync(dataDir, { recursive: true });
const demoTenant: { forget?: () => Promise<void> } = {};
let cleaned = false;
async function cleanUp(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  if (!ownDataDir) return;
  await demoTenant.forget?.().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
async function exitDemo(code: number): Promise<never> {
  await cleanUp();
  process.exit(code);
}
const server = await startDouble();
process.stdout.write(`Simulated SQL Server (TDS double with SSISDB) listening on 127.0.0.1:${server.port} — nothing real is changed.\nData folder: ${dataDir}${ownDataDir ? ' (removed when the demo ends; pass --data-dir to keep one)' : ''}\n`);

// The sample zip is only needed until it is opened: the data folder keeps the verified copy.
const zipDir = mkdtempSync(path.join(tmpdir(), 'drop-runner-demo-drop-'));
const zip = await buildSampleDrop({ outDir: zipDir });
const settings = createConfSettingsStore(dataDir, 'settings');
if (!settings.get<string>('operator.name')) settings.set('operator.name', 'Demo operator');
const trust = TrustStore.open(dataDir);
try {
  trust.add(readFileSync(exampleKeyPaths().publicKeyPath, 'utf8'), 'Example publisher (demo only)');
} catch {
  // Already trusted in this data folder.
}
const drops = new DropLibrary(dataDir, settings, () => ({ trustedKeys: TrustStore.open(dataDir).keys() }), openDropIsolated);
const drop = await drops.open(zip).finally(() => rmSync(zipDir, { recursive: true, force: true }));
const tenants = openTenantStore(dataDir);
tenants.ensure(TENANT, drop.target.tenantName);
demoTenant.forget = () => tenants.forget(TENANT);
const keychain = await tenants.checkSecrets();
if (keychain) {
  process.stderr.write(`warning ${keychain.code}: ${keychain.message}\nhint: ${keychain.hint}\nThe demo values are used for this run only; nothing is stored in plain text.\n`);
}
await tenants.saveValues(TENANT, tenantValues(server.port), { remember: !keychain, templates: drop.variables });
process.stdout.write(`Sample drop ${drop.project.name} ${drop.release.version} opened (id ${drop.id}); demo tenant "${TENANT}" ${keychain ? 'filled for this run' : 'remembered (secrets in the OS keychain)'}.\n`);
// Say where the secrets went when that store forgets them at reboot (a headless Linux machine's kernel keyring).
const store = keychain ? undefined : await tenants.secrets.probe().catch(() => undefined);
if (store && !store.lasting) process.stdout.write(`Secrets are in ${store.description}.\n`);

/** What the journal (and so the report's header) says about the target; the same words as `serve --simulated-port`. */
const simulatedNote = (port: number) => `Simulated SQL Server (the Drop Runner TDS test double) on 127.0.0.1:${port}: nothing is deployed to a real server.`;

if (headless) {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close().finally(() => exitDemo(130)));
  const manager = createDeploymentManager({ dataDir, drops, tenants, settings, appVersion: appPackage().version, simulatedServer: simulatedNote(server.port) });
  const out = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
  const preflight = await manager.preflight(drop.id, TENANT);
  process.stdout.write('Preflight:\n');
  printChecks(out, preflight.checks);
  if (preflight.blocked) {
    await server.close();
    await cleanUp();
    fail('PREFLIGHT_BLOCKED', 'the demo preflight failed', 'See the failing checks above.', 3);
  }
  const print = deploymentPrinter(out, false);
  manager.onEvent((name, payload) => {
    if (name === 'journal' && 'event' in payload) print(payload.event as JournalEvent);
  });
  // The demo stands in for the operator at the manual checks (the instructions are printed in the log).
  const { deploymentId } = await manager.start({ dropId: drop.id, tenantId: TENANT, operator: settings.get<string>('operator.name')!, confirmManualChecks: true, onFailure: { kind: 'fail' }, preflight });
  const summary = await manager.wait(deploymentId);
  // The report is the demo's output: it goes next to a kept data folder, or to a folder of its own that stays.
  const reportDir = flags.get('report') ?? (ownDataDir ? mkdtempSync(path.join(tmpdir(), 'drop-runner-demo-report-')) : path.join(dataDir, 'reports', deploymentId));
  const report = await exportReport(manager.journal(deploymentId).events, reportDir, { formats: ['html', 'json'], appVersion: appPackage().version });
  await server.close();
  process.stdout.write(`\nDeployment ${deploymentId}: ${summary.state}.\nReport folder: ${reportDir}\n`);
  for (const f of report.files) process.stdout.write(`  ${f.format.padEnd(4)} ${f.path}\n`);
  if (flags.get('record')) process.stdout.write(`What the simulated server received: ${flags.get('record')}\n`);
  await exitDemo(summary.state === 'succeeded' ? 0 : 1);
}

// The app: Electron when its binary is installed, else the browser host. Both need the built files.
const root = repoRoot();
const outputs = ['dist/main/cli.js', 'dist/main/electron-main.js', 'dist/main/drop-worker.cjs', 'dist/renderer/index.html'].map((f) => path.join(root, f));
if (!outputs.every((f) => existsSync(f))) {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) fail('DEMO_BUILD_FAILED', 'npm run build failed', 'Fix the build, then run npm run demo again.', 1);
}
function electronBinary(): string | null {
  try {
    const p = createRequire(path.join(root, 'package.json'))('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}
const electron = electronBinary();
const appArgs = ['--data-dir', dataDir, '--simulated-port', String(server.port)];
const child = electron
  ? spawn(electron, [root, ...appArgs], { cwd: root, stdio: 'inherit' })
  : (process.stdout.write('No Electron binary here: opening the browser host. Open the URL below; the sample drop is under "Recent drops".\n'),
    spawn(process.execPath, [path.join(root, 'dist', 'main', 'cli.js'), 'serve', ...appArgs], { cwd: root, stdio: 'inherit' }));
const stop = (signal: NodeJS.Signals) => child.kill(signal);
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
child.on('exit', (code) => {
  void server.close().then(() => exitDemo(code ?? 0));
});
