/**
 * `npm run sql-double -- --port <n> --record <file.jsonl> [--scenario <file.json>] [--login user:pw]...
 * [--windows-user DOMAIN\\user:pw]... [--database <name>] [--tls | --tls-required]` — runs the TDS server double standalone on
 * 127.0.0.1 so the app (or sqlcmd/tsql) can be pointed at it by hand. Prints
 * `TDS double listening on 127.0.0.1:<port>` once ready; Ctrl+C stops it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTdsServer } from '../test/support/tds-server/index';
import { parseScenario, type Scenario } from '../test/support/tds-server/scenario';
import { createSsisdbEmulation } from '../test/support/ssisdb/index';
import { kitStatements } from '../test/support/real-target/kit-statements';

function usageError(message: string, hint: string): never {
  process.stderr.write(`error SQL_DOUBLE_USAGE: ${message}\nhint: ${hint}\n`);
  process.exit(2);
}

const VALUE_FLAGS = new Set(['port', 'record', 'scenario', 'login', 'windows-user', 'database']);
// Boolean flags: --ssisdb serves the SSISDB catalog emulation (test/support/ssisdb).
const BOOLEAN_FLAGS = new Set(['ssisdb', 'tls', 'tls-required']);
const flags = new Map<string, string[]>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i]!;
  if (arg === '--help' || arg === '-h') {
    process.stdout.write('usage: npm run sql-double -- [--port <n>] [--record <file.jsonl>] [--scenario <file.json>] [--login user:pw] [--windows-user DOMAIN\\user:pw] [--database <name>] [--ssisdb] [--tls | --tls-required]\n');
    process.exit(0);
  }
  const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
  if (m && BOOLEAN_FLAGS.has(m[1]!)) {
    flags.set(m[1]!, ['true']);
    continue;
  }
  if (!m || !VALUE_FLAGS.has(m[1]!)) usageError(`unknown argument ${arg}`, 'Run npm run sql-double -- --help for the accepted flags.');
  const value = m[2] ?? argv[++i];
  if (value === undefined) usageError(`--${m[1]} needs a value`, `Write --${m[1]} <value>.`);
  flags.set(m[1]!, [...(flags.get(m[1]!) ?? []), value]);
}

const portText = flags.get('port')?.at(-1) ?? '0';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) usageError(`--port ${portText} is not a TCP port`, 'Use a number from 0 to 65535 (0 picks a free port).');

let scenario: Scenario = { options: {}, tables: [], backupScenario: {} };
const scenarioFile = flags.get('scenario')?.at(-1);
if (scenarioFile) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(scenarioFile, 'utf8'));
  } catch (err) {
    usageError(`cannot read scenario ${scenarioFile}: ${err instanceof Error ? err.message : String(err)}`, 'Pass a readable JSON file (see test/support/tds-server/README.md).');
  }
  try {
    scenario = parseScenario(json);
  } catch (err) {
    usageError(`scenario ${scenarioFile}: ${err instanceof Error ? err.message : String(err)}`, 'Fix the scenario file; its shape is described in test/support/tds-server/README.md.');
  }
}

const logins = (flags.get('login') ?? []).map((text) => {
  const at = text.indexOf(':');
  if (at <= 0) usageError(`--login ${text.split(':')[0]}:… is not user:password`, 'Write --login sa:YourPassword.');
  return { user: text.slice(0, at), password: text.slice(at + 1) };
});
const windowsUsers = (flags.get('windows-user') ?? []).map((text) => {
  const m = /^([^\\:]+)\\([^:]+):(.*)$/s.exec(text);
  if (!m) usageError(`--windows-user ${text.split(':')[0]}:… is not DOMAIN\\user:password`, 'Write --windows-user "HOSPITAL\\deployer:YourPassword".');
  return { domain: m[1]!, user: m[2]!, password: m[3]! };
});

const server = await startTdsServer({
  ...scenario.options,
  port,
  ...(flags.get('record') ? { recordFile: flags.get('record')!.at(-1)! } : {}),
  ...(logins.length || scenario.options.logins ? { logins: [...(scenario.options.logins ?? []), ...logins] } : {}),
  ...(windowsUsers.length || scenario.options.windowsUsers ? { windowsUsers: [...(scenario.options.windowsUsers ?? []), ...windowsUsers] } : {}),
  ...(flags.get('database') ? { database: flags.get('database')!.at(-1)! } : {}),
  ...(flags.has('tls-required') ? { tls: 'required' as const } : flags.has('tls') ? { tls: true } : {}),
}).catch((err: unknown) => {
  process.stderr.write(`error SQL_DOUBLE_LISTEN: cannot listen on 127.0.0.1:${port}: ${err instanceof Error ? err.message : String(err)}\nhint: Pick another --port or stop the process using it.\n`);
  process.exit(3);
});
for (const t of scenario.tables) {
  server.tables.create(t.name, t.columns);
  for (const row of t.rows) server.tables.insert(t.name, row);
}
Object.assign(server.backups.scenario, scenario.backupScenario);
if (flags.has('ssisdb')) server.use(createSsisdbEmulation());
// CREATE/DROP DATABASE, THROW, WAITFOR and PRINT, so `npm run test:real` can be pointed at this double.
server.use(kitStatements());
process.stdout.write(`TDS double listening on 127.0.0.1:${server.port}${flags.has('ssisdb') ? ' (with SSISDB)' : ''}\n`);
if (server.certificatePem) {
  // The certificate is made at start: print where it is so a client can trust it (NODE_EXTRA_CA_CERTS).
  const certFile = join(mkdtempSync(join(tmpdir(), 'tds-double-tls-')), 'certificate.pem');
  writeFileSync(certFile, server.certificatePem);
  process.stdout.write(`TLS ${flags.has('tls-required') ? 'required' : 'on'}: self-signed certificate ${server.certificateFingerprint} written to ${certFile}\n`);
}

const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
