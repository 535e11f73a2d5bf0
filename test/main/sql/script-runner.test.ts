import { rejectionOf } from '../../support/app-error-code';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEventInput } from '../../../common/journal-events';
import { openSqlSession } from '../../../main/sql/connect';
import { resolveConnectionSettings, type SqlConnectionSettings } from '../../../main/sql/connection-settings';
import { runSqlScripts, type RunSqlScriptsOptions } from '../../../main/sql/script-runner';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';

const work = mkdtempSync(path.join(tmpdir(), 'dr-sql-run-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SECRET = 'Hunter2-Secret!';
let server: TdsServer;
let connection: SqlConnectionSettings;
let pkg: string;
let n = 0;

function writePackage(files: Record<string, string>): string {
  const dir = path.join(work, `pkg${++n}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const SCRIPTS = {
  '001-schema.sql': "CREATE TABLE #work (id int)\nGO\nPRINT 'schema ready'\nGO\n",
  '002-data.sql': "INSERT #work VALUES (1)\nGO\nUPDATE #work SET id = 2\nGO\n-- the third batch\nSELECT id,\n  'boom-$(Suffix)' AS tag\nFROM #work\nGO\nSELECT 4\n",
  '010-views.sql': 'CREATE VIEW v AS SELECT 1 AS one\nGO 2\n',
  'always/permissions.sql': 'GRANT SELECT ON v TO reader\n',
};

beforeEach(async () => {
  server = await startTdsServer({ logins: [{ user: 'deploy', password: SECRET }], database: 'master' });
  // The double does not emulate PRINT; answer it with an INFO token the way SQL Server does.
  server.addResponder({
    name: 'print',
    batch: /^\s*PRINT '/i,
    respond: (req) => ({ info: [{ message: /PRINT '([^']*)'/i.exec(req.text ?? '')![1]!, lineNumber: 1 }] }),
  });
  connection = resolveConnectionSettings({ server: `127.0.0.1,${server.port}`, database: 'Stage', user: 'deploy', password: SECRET, encrypt: 'optional' });
  pkg = writePackage(SCRIPTS);
});
afterEach(async () => {
  await server.close();
});

async function run(extra: Partial<RunSqlScriptsOptions> = {}) {
  const events: JournalEventInput[] = [];
  const result = await runSqlScripts({
    stepId: 'db',
    packageRoot: pkg,
    connection,
    variables: { Suffix: 'one' },
    release: '2.4.0',
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { result, events };
}



// Journal, drift, run-always, transactions, applock and cancel are in the conformance kit
// (test/conformance/sql-scripts.test.ts), which runs on this double in `npm test` and on a real SQL
// Server in `npm run test:real`. What stays here needs the double itself: refused or silent servers
// and NTLM logins with accounts the test makes up.
describe('runSqlScripts on the TDS double: logins and unreachable servers', () => {
  it('login and connection failures are SQL_LOGIN_FAILED / SQL_CONNECT_FAILED with hints', async () => {
    const bad = await rejectionOf(run({ connection: { ...connection, password: 'wrong' } }));
    expect(bad.code).toBe('SQL_LOGIN_FAILED');
    expect(bad.details).toMatchObject({ number: 18456 });
    expect(bad.hint).toMatch(/SQL login name and password/);
    expect(bad.message).not.toContain('wrong');
    const port = server.port;
    await server.close();
    const refused = await rejectionOf(run({ connection: { ...connection, port, connectTimeoutMs: 3000 } }));
    expect(refused.code).toBe('SQL_CONNECT_FAILED');
    expect(refused.hint).toMatch(/port/);
    server = await startTdsServer();
  });

  it('logs in with Windows authentication (NTLM, DOMAIN\\user)', async () => {
    await server.close();
    server = await startTdsServer({ windowsUsers: [{ domain: 'HOSP', user: 'svc-deploy', password: SECRET }] });
    const windows = resolveConnectionSettings({ server: `127.0.0.1,${server.port}`, authentication: 'windows', user: 'HOSP\\svc-deploy', password: SECRET, encrypt: 'optional' });
    const session = await openSqlSession(windows);
    await session.close();
    expect(server.recordsOf('login')[0]).toMatchObject({ success: true, authKind: 'ntlm', domain: 'HOSP', checked: true });
    await expect(openSqlSession({ ...windows, password: 'wrong' })).rejects.toMatchObject({ code: 'SQL_LOGIN_FAILED' });
  });

  it('a server that accepts TCP but never answers is SQL_CONNECT_FAILED with the timeout hint', async () => {
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const error = await rejectionOf(openSqlSession({ ...connection, port, connectTimeoutMs: 1000 }));
      expect(error.code).toBe('SQL_CONNECT_FAILED');
      expect(error.details).toMatchObject({ driverCode: 'ETIMEOUT' });
      expect(error.hint).toMatch(/did not answer in time/);
    } finally {
      silent.close();
    }
  });
});
