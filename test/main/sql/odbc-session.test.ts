/**
 * The ODBC session (msnodesqlv8) against the TDS double, through unixODBC and FreeTDS's ODBC driver
 * with a SQL login — the same code that opens Windows integrated sessions on Windows, where only the
 * connection string differs (Trusted_Connection=yes and Microsoft's ODBC Driver 18). It needs
 * `npm run odbc-driver` (npm test and CI run it); where the driver cannot load, the suite is skipped
 * with the exact reason in its title.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEventInput } from '../../../common/journal-events';
import { openSqlSession, SqlRequestFailure, type SqlServerMessage } from '../../../main/sql/connect';
import { resolveConnectionSettings, type SqlConnectionSettings } from '../../../main/sql/connection-settings';
import { testSqlConnection } from '../../../main/sql/connection-test';
import { runSqlScripts } from '../../../main/sql/script-runner';
import { rejectionOf } from '../../support/app-error-code';
import { FREETDS_DRIVER, whyNoOdbcPath } from '../../support/odbc-driver';
import { runDropRunner } from '../../support/run-cli';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';

const reason = whyNoOdbcPath();
const SECRET = 'Odbc;Test=pw1';
const LOGIN = { user: 'odbc_deploy', password: SECRET };

describe.skipIf(reason !== undefined)(`ODBC session: msnodesqlv8 → unixODBC → FreeTDS → TDS double${reason ? ` — SKIPPED: ${reason}` : ''}`, () => {
  let server: TdsServer;
  let settings: SqlConnectionSettings;
  const work = mkdtempSync(path.join(tmpdir(), 'dr-odbc-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  beforeEach(async () => {
    server = await startTdsServer({ logins: [LOGIN], databases: ['master', 'CDH_Staging'] });
    server.addResponder({ name: 'print', batch: /^\s*PRINT '/i, respond: (req) => ({ info: [{ message: /PRINT '([^']*)'/i.exec(req.text ?? '')![1]!, lineNumber: 1 }] }) });
    // The password holds ODBC's special characters (} ; =): the connection string must brace it right.
    settings = resolveConnectionSettings({
      connectionString: `Driver={${FREETDS_DRIVER}};Server=127.0.0.1,${server.port};Database=CDH_Staging;User Id=${LOGIN.user};Password="${SECRET}";Encrypt=False`,
    });
  });
  afterEach(async () => {
    await server.close();
  });

  it('a connection string naming Driver= opens an ODBC session, and the double sees a SQL login from FreeTDS', async () => {
    expect(settings).toMatchObject({ odbcDriver: FREETDS_DRIVER, authentication: 'sql', user: LOGIN.user });
    const session = await openSqlSession(settings);
    try {
      expect(session.driver).toBe('odbc');
      expect(session.target).toContain('ODBC FreeTDS');
      expect(session.target).not.toContain(SECRET);
      expect((await session.query('SELECT DB_NAME() AS db'))[0]).toEqual({ db: 'CDH_Staging' });
    } finally {
      await session.close();
    }
    const [login] = server.recordsOf('login');
    expect(login).toMatchObject({ success: true, authKind: 'sql', user: LOGIN.user, database: 'CDH_Staging', appName: 'Drop Runner', checked: true });
    expect(session.isOpen).toBe(false);
  });

  it('batch: PRINT reaches onMessage without the driver prefix, and row counts add up', async () => {
    server.addResponder({ sql: 'UPDATE dbo.Ward', respond: { rowCount: 3 } });
    const messages: SqlServerMessage[] = [];
    const session = await openSqlSession(settings, { onMessage: (m) => messages.push(m) });
    try {
      await session.batch("PRINT 'schema ready'");
      expect(messages.map((m) => m.message)).toEqual(['schema ready']);
      expect(await session.batch('UPDATE dbo.Ward SET name = 1')).toEqual({ rowCount: 3 });
    } finally {
      await session.close();
    }
  });

  it('query: named parameters keep their names (declared from ? placeholders) and rows come back as objects', async () => {
    const seen: unknown[] = [];
    server.addResponder({ sql: 'HAS_PERMS_BY_NAME', respond: (req) => (seen.push(req.param('db')), { rows: [{ can_backup: req.param('db') === 'CDH_Staging' ? 1 : 0 }] }) });
    const session = await openSqlSession(settings);
    try {
      const rows = await session.query("SELECT HAS_PERMS_BY_NAME(@db, 'DATABASE', 'BACKUP DATABASE') AS can_backup", [{ name: 'db', type: 'nvarchar', value: 'CDH_Staging' }]);
      expect(rows).toEqual([{ can_backup: 1 }]);
      expect(seen).toEqual(['CDH_Staging']);
      // On the wire: sp_executesql with the driver's positional @P1, assigned to @db by the declaration.
      const rpc = server.recordsOf('rpc').find((r) => r.sql?.includes('HAS_PERMS_BY_NAME'))!;
      expect(rpc.sql).toMatch(/^DECLARE @db nvarchar\(max\) = @P1;\n/);
      await expect(session.query('SELECT @x AS x', [{ name: 'x; DROP TABLE t', type: 'int', value: 1 }])).rejects.toThrow(/not a plain T-SQL identifier/);
    } finally {
      await session.close();
    }
  });

  it('a server error keeps its number and message (class at least 11), and the session stays usable', async () => {
    server.addResponder({ sql: 'dbo.Missing', respond: { error: { number: 208, message: "Invalid object name 'dbo.Missing'.", lineNumber: 2 } } });
    const session = await openSqlSession(settings);
    try {
      const failure = await session.batch('SELECT 1\nSELECT * FROM dbo.Missing').then(() => undefined, (e: unknown) => e);
      expect(failure).toBeInstanceOf(SqlRequestFailure);
      const f = failure as SqlRequestFailure;
      expect(f.driverCode).toBe('EREQUEST');
      expect(f.errors[0]).toMatchObject({ number: 208, message: "Invalid object name 'dbo.Missing'." });
      expect(f.errors[0]!.class).toBeGreaterThanOrEqual(11);
      expect(session.isOpen).toBe(true);
      expect((await session.query('SELECT 2 AS two'))[0]).toEqual({ two: 2 });
    } finally {
      await session.close();
    }
  });

  it('transactions: begin, commit, rollback and a rollback by the server are all seen by transactionOpen()', async () => {
    server.addResponder({ sql: 'doomed', respond: { error: { number: 1205, message: 'Transaction was deadlocked.', rollback: true } } });
    const session = await openSqlSession(settings);
    try {
      expect(await session.transactionOpen()).toBe(false);
      await session.beginTransaction();
      expect(await session.transactionOpen()).toBe(true);
      await session.commit();
      expect(await session.transactionOpen()).toBe(false);
      await session.beginTransaction();
      await session.rollback();
      expect(await session.transactionOpen()).toBe(false);
      await session.beginTransaction();
      await expect(session.batch('UPDATE doomed SET a = 1')).rejects.toBeInstanceOf(SqlRequestFailure);
      expect(await session.transactionOpen()).toBe(false);
    } finally {
      await session.close();
    }
    expect(server.recordsOf('transaction').map((r) => `${r.op}:${r.source}`)).toEqual(['begin:batch', 'commit:batch', 'begin:batch', 'rollback:batch', 'begin:batch', 'rollback:error']);
  });

  it('a connection the server drops fails the request as ESOCKET; the session then says closed and refuses the next one', async () => {
    server.addResponder({ sql: 'KILL_ME', respond: { drop: true } });
    const session = await openSqlSession(settings);
    try {
      const failure = await session.batch('SELECT 1 -- KILL_ME').then(() => undefined, (e: unknown) => e);
      expect(failure).toMatchObject({ driverCode: 'ESOCKET' });
      expect(session.isOpen).toBe(false);
      expect(await session.transactionOpen()).toBe(false);
      await expect(session.batch('SELECT 2')).rejects.toMatchObject({ driverCode: 'ECLOSE' });
    } finally {
      await session.close();
    }
  });

  it('cancelCurrent answers false where the ODBC driver cannot run a statement asynchronously (FreeTDS), and the batch finishes', async () => {
    server.addResponder({ sql: 'WAITFOR', respond: { delayMs: 300 } });
    const session = await openSqlSession(settings);
    try {
      const running = session.batch("WAITFOR DELAY '00:00:00.300'");
      expect(session.cancelCurrent()).toBe(false);
      await expect(running).resolves.toEqual({ rowCount: 0 });
      expect(server.recordsOf('attention')).toHaveLength(0);
    } finally {
      await session.close();
    }
  });

  it('login failures, a missing database and an unreachable server have the codes tedious gives, and no password anywhere', async () => {
    const wrong = await rejectionOf(openSqlSession({ ...settings, password: 'Wrong}pw' }));
    expect(wrong).toMatchObject({ code: 'SQL_LOGIN_FAILED', details: { reason: 'login-failed', number: 18456 } });
    expect(wrong.hint).toMatch(/SQL login name and password/);
    const noDb = await rejectionOf(openSqlSession({ ...settings, database: 'NoSuchDb' }));
    expect(noDb).toMatchObject({ code: 'SQL_LOGIN_FAILED', details: { reason: 'database-missing' } });
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(port));
      });
    });
    const unreachable = await rejectionOf(openSqlSession({ ...settings, port: closed, connectTimeoutMs: 2000 }));
    expect(unreachable).toMatchObject({ code: 'SQL_CONNECT_FAILED', details: { reason: 'unreachable' } });
    for (const e of [wrong, noDb, unreachable]) {
      const text = JSON.stringify({ message: e.message, hint: e.hint, details: e.details });
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('Wrong}pw');
      expect(e.message).not.toContain('[FreeTDS]');
    }
  });

  it('an ODBC driver that is not installed is SQL_ODBC_DRIVER_UNAVAILABLE with reason no-odbc-driver', async () => {
    const missing = await rejectionOf(openSqlSession({ ...settings, odbcDriver: 'ODBC Driver 18 for SQL Server' }));
    expect(missing).toMatchObject({ code: 'SQL_ODBC_DRIVER_UNAVAILABLE', details: { reason: 'no-odbc-driver' } });
    expect(missing.hint).toMatch(/Install that ODBC driver/);
  });

  it('Test connection works over ODBC: who the server says we are, and that the session is not encrypted', async () => {
    const result = await testSqlConnection(settings);
    expect(result).toMatchObject({ login: LOGIN.user, database: 'CDH_Staging', authScheme: 'SQL', encrypted: false, serverName: 'TDSDOUBLE' });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('drop-runner sql test --connection-stdin with Driver= connects through ODBC and says so, without the password', async () => {
    const input = `Driver={${FREETDS_DRIVER}};Server=127.0.0.1,${server.port};Database=CDH_Staging;User Id=${LOGIN.user};Password="${SECRET}";Encrypt=False`;
    const run = await runDropRunner(['sql', 'test', '--connection-stdin', '--json'], { input });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, result: { login: LOGIN.user, database: 'CDH_Staging', authScheme: 'SQL', encrypted: false, target: expect.stringContaining('ODBC FreeTDS') } });
    expect(run.stdout + run.stderr).not.toContain(SECRET);
    const wrong = await runDropRunner(['sql', 'test', '--connection-stdin'], { input: input.replace(SECRET, 'Wrong;pw=2') });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/error SQL_LOGIN_FAILED/);
    expect(wrong.stdout + wrong.stderr).not.toContain('Wrong;pw=2');
  });

  it('the sql-scripts runner deploys over ODBC unchanged: PRINT in the log, one transaction per script, a failing batch rolled back', async () => {
    const pkg = path.join(work, `pkg-${Date.now()}`);
    const files: Record<string, string> = {
      '001-schema.sql': "CREATE TABLE #work (id int)\nGO\nPRINT 'schema ready'\nGO\n",
      '002-data.sql': "INSERT #work VALUES (1)\nGO\nUPDATE broken SET id = 2\nGO\n",
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(pkg, name)), { recursive: true });
      writeFileSync(path.join(pkg, name), text);
    }
    server.addResponder({ sql: 'UPDATE broken', respond: { error: { number: 50001, message: 'Ward data is wrong', lineNumber: 1 } } });
    const events: JournalEventInput[] = [];
    const outcome = await runSqlScripts({ stepId: 'db', packageRoot: pkg, connection: settings, variables: {}, release: '2.5.0', onEvent: (e) => events.push(e) }).then(
      (r) => r,
      (e: unknown) => e,
    );
    // The server's error, with the file line the runner works out from the batch, as with tedious.
    expect(outcome).toMatchObject({ code: 'SQL_BATCH_FAILED', details: { script: '002-data.sql', batch: 2, line: 3, number: 50001 } });
    expect((outcome as Error).message).toContain('Ward data is wrong');
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
    expect(logs).toContain('001-schema.sql: schema ready');
    expect(logs.some((l) => l.includes('Connected to') && l.includes('ODBC FreeTDS'))).toBe(true);
    // Per-script transactions, sent as T-SQL (ODBC has no transaction-manager request): the first
    // script committed, the second rolled back when its batch failed.
    expect(server.recordsOf('transaction').map((r) => `${r.op}:${r.source}`)).toEqual(['begin:batch', 'commit:batch', 'begin:batch', 'rollback:batch']);
    // ODBC cannot see the transaction state, so the session asks — once after each script and once after
    // the failure, never after every batch.
    expect(server.recordsOf('batch').filter((r) => r.text === 'SELECT @@TRANCOUNT AS [trancount]')).toHaveLength(2);
    // Only one connection did the work (plus none other), as with tedious.
    expect(server.recordsOf('login').filter((l) => l.success)).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });
});

describe('the ODBC suite is never skipped silently', () => {
  it('names the reason whenever it cannot run', () => {
    if (reason === undefined) expect(whyNoOdbcPath()).toBeUndefined();
    else expect(reason).toMatch(/msnodesqlv8 is not usable here|FreeTDS's ODBC driver is not registered/);
  });
});
