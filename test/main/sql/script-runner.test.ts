import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import type { JournalEventInput } from '../../../common/journal-events';
import { openSqlSession } from '../../../main/sql/connect';
import { resolveConnectionSettings, type SqlConnectionSettings } from '../../../main/sql/connection-settings';
import { parseJournalTableName } from '../../../main/sql/journal-table';
import { runSqlScripts, type RunSqlScriptsOptions } from '../../../main/sql/script-runner';
import { takeScriptsLock } from '../../../main/sql/scripts-lock';
import { startTdsServer, type TdsRecord, type TdsServer } from '../../support/tds-server/index';

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

const batches = () => server.recordsOf('batch').map((r) => r.text);
const transactions = () => server.recordsOf('transaction').map((r) => `${r.op}:${r.source}`);
const artifacts = (events: JournalEventInput[]) => events.flatMap((e) => (e.type === 'artifact' ? [`${e.artifact.name}=${e.artifact.action}`] : []));

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the run to fail');
}

describe('runSqlScripts on the TDS double', () => {
  it('creates the journal table, applies scripts in order on one connection, per-script transactions', async () => {
    const { result, events } = await run();
    expect(result.outcome).toBe('succeeded');
    expect(result.journalTableCreated).toBe(true);
    expect(result.ran).toEqual(['001-schema.sql', '002-data.sql', '010-views.sql', 'always/permissions.sql']);

    const logins = server.recordsOf('login');
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({ success: true, database: 'Stage', checked: true });
    // Every request after login came on that one connection (#work survives from script 1 to 2).
    expect(new Set(server.records.filter((r) => r.kind !== 'login').map((r) => r.connectionId))).toEqual(new Set([logins[0]!.connectionId]));

    const sent = batches().filter((t) => !t.startsWith('set ansi_nulls') && !/SchemaVersions/.test(t));
    expect(sent).toEqual([
      'CREATE TABLE #work (id int)',
      "PRINT 'schema ready'",
      'INSERT #work VALUES (1)',
      'UPDATE #work SET id = 2',
      "-- the third batch\nSELECT id,\n  'boom-one' AS tag\nFROM #work",
      'SELECT 4',
      'CREATE VIEW v AS SELECT 1 AS one',
      'CREATE VIEW v AS SELECT 1 AS one',
      'GRANT SELECT ON v TO reader',
    ]);
    expect(batches().some((t) => /CREATE TABLE \[dbo\]\.\[SchemaVersions\]/.test(t))).toBe(true);
    expect(transactions()).toEqual(['begin:tm', 'commit:tm', 'begin:tm', 'commit:tm', 'begin:tm', 'commit:tm', 'begin:tm', 'commit:tm']);

    const inserts = server.recordsOf('rpc').filter((r) => /INSERT INTO \[dbo\]\.\[SchemaVersions\]/.test(r.sql ?? ''));
    expect(inserts.map((r) => r.params.find((p) => p.name === '@ScriptName')?.value)).toEqual(['001-schema.sql', '002-data.sql', '010-views.sql']);
    expect(inserts[0]!.params.find((p) => p.name === '@Release')?.value).toBe('2.4.0');
    expect(inserts[0]!.params.find((p) => p.name === '@ContentHash')?.value).toMatch(/^[0-9a-f]{64}$/);
    const rows = server.tables.rows('dbo.SchemaVersions');
    expect(rows.map((r) => [r.ScriptName, r.Release])).toEqual([
      ['001-schema.sql', '2.4.0'],
      ['002-data.sql', '2.4.0'],
      ['010-views.sql', '2.4.0'],
    ]);

    expect(artifacts(events)).toEqual(['001-schema.sql=applied', '002-data.sql=applied', '010-views.sql=applied', 'always/permissions.sql=ran (always)']);
    expect(events.some((e) => e.type === 'log' && e.message === '001-schema.sql: schema ready')).toBe(true);
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.some((e) => e.type === 'progress' && e.item === '002-data.sql — batch 3/4')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ percent: 100 });
    expect(JSON.stringify(events)).not.toContain(SECRET);
  });

  it('a second run applies nothing but the run-always script', async () => {
    await run();
    server.clearRecords();
    const { result, events } = await run();
    expect(result.ran).toEqual(['always/permissions.sql']);
    expect(result.journalTableCreated).toBe(false);
    expect(batches().filter((t) => !t.startsWith('set ansi_nulls') && !/SchemaVersions/.test(t))).toEqual(['GRANT SELECT ON v TO reader']);
    expect(artifacts(events)).toEqual([
      '001-schema.sql=skipped (already applied)',
      '002-data.sql=skipped (already applied)',
      '010-views.sql=skipped (already applied)',
      'always/permissions.sql=ran (always)',
    ]);
  });

  it('a script changed after it was applied is drift: a warning by default, SQL_SCRIPT_DRIFT when set to error', async () => {
    await run();
    writeFileSync(path.join(pkg, '002-data.sql'), 'SELECT 42\n');
    const { result, events } = await run();
    expect(result.plan.find((p) => p.name === '002-data.sql')?.action).toBe('skip-drift');
    expect(events.some((e) => e.type === 'warning' && /002-data\.sql was changed after it was applied/.test(e.message))).toBe(true);
    expect(artifacts(events)).toContain('002-data.sql=drift');
    expect(batches()).not.toContain('SELECT 42');

    const error = await failure(run({ settings: { drift: 'error' } }));
    expect(error.code).toBe('SQL_SCRIPT_DRIFT');
    expect(error.details).toMatchObject({ script: '002-data.sql' });
  });

  it('an error in batch 3 of script 2 names that file and line, and the double saw the rollback', async () => {
    server.addResponder({ name: 'boom', batch: /boom-one/, respond: { error: { number: 207, message: "Invalid column name 'marker'.", class: 16, state: 1, lineNumber: 3 } } });
    const events: JournalEventInput[] = [];
    const error = await failure(run({ onEvent: (e) => events.push(e) }));
    expect(error.code).toBe('SQL_BATCH_FAILED');
    // Batch 3 starts on file line 5 ("-- the third batch"); server line 3 is file line 7.
    expect(error.details).toMatchObject({ file: '002-data.sql', batch: 3, line: 7, number: 207, class: 16, state: 1 });
    expect(error.message).toBe("002-data.sql line 7 (batch 3): Msg 207, Level 16, State 1: Invalid column name 'marker'.");
    expect(transactions()).toEqual(['begin:tm', 'commit:tm', 'begin:tm', 'rollback:tm']);
    const inserted = server.recordsOf('rpc').filter((r) => /INSERT INTO/.test(r.sql ?? '')).map((r) => r.params.find((p) => p.name === '@ScriptName')?.value);
    expect(inserted).toEqual(['001-schema.sql']);
    expect(server.tables.rows('dbo.SchemaVersions').map((r) => r.ScriptName)).toEqual(['001-schema.sql']);
    expect(batches()).not.toContain('SELECT 4');
    expect(artifacts(events)).toEqual(['001-schema.sql=applied']);
  });

  it('transaction mode step uses one transaction; none uses none', async () => {
    const step = await run({ settings: { transaction: 'step' } });
    expect(transactions()).toEqual(['begin:tm', 'commit:tm']);
    expect(artifacts(step.events)).toHaveLength(4);
    await server.close();
    server = await startTdsServer({ logins: [{ user: 'deploy', password: SECRET }] });
    connection = { ...connection, port: server.port };
    await run({ settings: { transaction: 'none' } });
    expect(transactions()).toEqual([]);
  });

  it('with transaction mode step, a failure in script 2 rolls back script 1 too', async () => {
    server.addResponder({ batch: /boom-one/, respond: { error: { number: 50000, message: 'stop', lineNumber: 1 } } });
    const events: JournalEventInput[] = [];
    const error = await failure(run({ settings: { transaction: 'step' }, onEvent: (e) => events.push(e) }));
    expect(error.code).toBe('SQL_BATCH_FAILED');
    expect(transactions()).toEqual(['begin:tm', 'rollback:tm']);
    // Nothing was committed, so nothing may be reported as applied.
    expect(artifacts(events)).toEqual([]);
    expect(server.tables.rows('dbo.SchemaVersions')).toEqual([]);
  });

  it('a dry run lists exactly what would run, in order, and changes nothing', async () => {
    const { result, events } = await run({ dryRun: true });
    expect(result.plan.map((p) => [p.name, p.action, p.batchCount])).toEqual([
      ['001-schema.sql', 'apply', 2],
      ['002-data.sql', 'apply', 4],
      ['010-views.sql', 'apply', 2],
      ['always/permissions.sql', 'run-always', 1],
    ]);
    expect(batches().filter((t) => !t.startsWith('set ansi_nulls'))).toEqual([]);
    expect(server.recordsOf('rpc').every((r) => /^SELECT /.test(r.sql ?? ''))).toBe(true);
    expect(transactions()).toEqual([]);
    expect(events.some((e) => e.type === 'log' && /does not exist yet; every script is pending/.test(e.message))).toBe(true);

    await run();
    writeFileSync(path.join(pkg, '011-new.sql'), 'SELECT 11\n');
    server.clearRecords();
    const second = await run({ dryRun: true });
    expect(second.result.plan.map((p) => [p.name, p.action])).toEqual([
      ['001-schema.sql', 'skip-applied'],
      ['002-data.sql', 'skip-applied'],
      ['010-views.sql', 'skip-applied'],
      ['011-new.sql', 'apply'],
      ['always/permissions.sql', 'run-always'],
    ]);
    expect(batches().filter((t) => !t.startsWith('set ansi_nulls'))).toEqual([]);
  });

  it('an undefined variable stops the step before any batch is sent', async () => {
    const error = await failure(run({ variables: {} }));
    expect(error.code).toBe('SQL_UNDEFINED_VARIABLE');
    expect(error.details).toMatchObject({ variable: 'Suffix', file: '002-data.sql', line: 7 });
    expect(batches().filter((t) => !t.startsWith('set ansi_nulls') && !/SchemaVersions/.test(t))).toEqual([]);
  });

  it(':on error ignore turns a batch error into a warning and carries on', async () => {
    pkg = writePackage({ 'a.sql': ":on error ignore\nSELECT 'fails'\nGO\n:on error exit\nSELECT 'fine'\n" });
    server.addResponder({ batch: /'fails'/, respond: { error: { number: 2714, message: 'There is already an object named x.', lineNumber: 1 } } });
    const { result, events } = await run();
    expect(result.ran).toEqual(['a.sql']);
    expect(events.some((e) => e.type === 'warning' && /a\.sql line 2 \(batch 1\): Msg 2714.*ignored/.test(e.message))).toBe(true);
  });

  it('secrets are masked by the redact function in logs, warnings and errors', async () => {
    pkg = writePackage({ 'a.sql': `PRINT 'pw is ${SECRET}'\nGO\nSELECT 'boom'\n` });
    server.addResponder({ batch: /'boom'/, respond: { error: { number: 15118, message: `Password validation failed for '${SECRET}'.`, lineNumber: 1 } } });
    const events: JournalEventInput[] = [];
    const redact = (s: string) => s.split(SECRET).join('********');
    const error = await failure(run({ redact, onEvent: (e) => events.push(e) }));
    expect(error.message).toContain('********');
    expect(JSON.stringify(events) + error.message + JSON.stringify(error.details)).not.toContain(SECRET);
    expect(events.some((e) => e.type === 'log' && e.message === "a.sql: pw is ********")).toBe(true);
  });

  it('immediate cancel sends ATTENTION, rolls back on the same connection and reports cancelled', async () => {
    server.addResponder({ name: 'slow', batch: /UPDATE #work/, respond: { delayMs: 20_000 } });
    const immediate = new AbortController();
    const running = run({ cancel: { immediate: immediate.signal } });
    await server.waitForRecord((r) => r.kind === 'batch' && /UPDATE #work/.test(r.text), 10_000);
    immediate.abort();
    const { result, events } = await running;
    expect(result.outcome).toBe('cancelled');
    expect(result.ran).toEqual(['001-schema.sql']);
    const kinds = server.records.map((r: TdsRecord) => (r.kind === 'transaction' ? `transaction:${r.op}` : r.kind));
    const attention = kinds.indexOf('attention');
    expect(attention).toBeGreaterThan(0);
    // The rollback came after the ATTENTION on the same, still usable connection.
    expect(kinds.slice(attention)).toContain('transaction:rollback');
    expect(new Set(server.records.filter((r) => r.kind !== 'login').map((r) => r.connectionId)).size).toBe(1);
    expect(events.some((e) => e.type === 'log' && /Cancelled: the open transaction was rolled back/.test(e.message))).toBe(true);
  });

  it('graceful cancel lets the running batch finish and stops before the next one', async () => {
    server.addResponder({ name: 'slowish', batch: /UPDATE #work/, respond: { delayMs: 400 } });
    const graceful = new AbortController();
    const running = run({ cancel: { graceful: graceful.signal } });
    await server.waitForRecord((r) => r.kind === 'batch' && /UPDATE #work/.test(r.text), 10_000);
    graceful.abort();
    const { result } = await running;
    expect(result.outcome).toBe('cancelled');
    expect(server.recordsOf('attention')).toHaveLength(0);
    expect(batches().some((t) => /the third batch/.test(t))).toBe(false);
    expect(transactions().at(-1)).toBe('rollback:tm');
  });

  it('login and connection failures are SQL_LOGIN_FAILED / SQL_CONNECT_FAILED with hints', async () => {
    const bad = await failure(run({ connection: { ...connection, password: 'wrong' } }));
    expect(bad.code).toBe('SQL_LOGIN_FAILED');
    expect(bad.details).toMatchObject({ number: 18456 });
    expect(bad.hint).toMatch(/SQL login name and password/);
    expect(bad.message).not.toContain('wrong');
    const port = server.port;
    await server.close();
    const refused = await failure(run({ connection: { ...connection, port, connectTimeoutMs: 3000 } }));
    expect(refused.code).toBe('SQL_CONNECT_FAILED');
    expect(refused.hint).toMatch(/port/);
    server = await startTdsServer();
  });
});

describe('one deployment at a time per database (sp_getapplock)', () => {
  it('waits for another session\'s lock, fails with SQL_SCRIPTS_LOCKED and runs nothing, then runs once it is released', async () => {
    const other = await openSqlSession(connection);
    try {
      await takeScriptsLock(other, parseJournalTableName(undefined));
      server.clearRecords();
      const locked = await failure(run({ lockTimeoutMs: 150 }));
      expect(locked.code).toBe('SQL_SCRIPTS_LOCKED');
      expect(locked.message).toContain('DropRunner:[dbo].[SchemaVersions]');
      expect(locked.hint).toMatch(/retry this step/);
      expect(batches().filter((t) => !t.startsWith('set ansi_nulls'))).toEqual([]);
    } finally {
      await other.close();
    }
    // The other session ended, and with it its lock.
    const { result } = await run({ lockTimeoutMs: 150 });
    expect(result.ran).toEqual(['001-schema.sql', '002-data.sql', '010-views.sql', 'always/permissions.sql']);
  });

  it('a plan (dry run) takes no lock, and a journal table of its own makes a lock of its own', async () => {
    const other = await openSqlSession(connection);
    try {
      await takeScriptsLock(other, parseJournalTableName(undefined));
      const { result } = await run({ dryRun: true, lockTimeoutMs: 150 });
      expect(result.plan.map((p) => p.action)).toEqual(['apply', 'apply', 'apply', 'run-always']);
      const elsewhere = await run({ settings: { journalTable: '[ops].[ReportsJournal]' }, lockTimeoutMs: 150 });
      expect(elsewhere.result.outcome).toBe('succeeded');
    } finally {
      await other.close();
    }
  });
});

describe('journal table compatibility and connection variants', () => {
  it('adopts an existing DbUp table: adds our columns, keeps its rows, DbUp rows are never drift', async () => {
    server.tables.create('dbo.SchemaVersions', [
      { name: 'Id', type: 'int', identity: true },
      { name: 'ScriptName', type: 'nvarchar(255)' },
      { name: 'Applied', type: 'datetime', default: 'now' },
    ]);
    server.tables.insert('dbo.SchemaVersions', { ScriptName: '001-schema.sql' });
    writeFileSync(path.join(pkg, '001-schema.sql'), 'SELECT 1 -- edited after DbUp ran it\n');
    const { result, events } = await run();
    expect(result.journalTableCreated).toBe(false);
    expect(result.ran).toEqual(['002-data.sql', '010-views.sql', 'always/permissions.sql']);
    expect(artifacts(events)[0]).toBe('001-schema.sql=skipped (already applied)');
    expect(events.some((e) => e.type === 'warning')).toBe(false);
    expect(server.tables.get('dbo.SchemaVersions')!.columns!.map((c) => c.name)).toEqual(['Id', 'ScriptName', 'Applied', 'ContentHash', 'Release', 'DurationMs']);
    expect(server.tables.rows('dbo.SchemaVersions').map((r) => r.ScriptName)).toEqual(['001-schema.sql', '002-data.sql', '010-views.sql']);
  });

  it('uses a custom journal table name', async () => {
    await run({ settings: { journalTable: 'deploy.[Script Journal]' } });
    expect(server.tables.rows('deploy.[Script Journal]')).toHaveLength(3);
    expect(server.tables.has('dbo.SchemaVersions')).toBe(false);
    await expect(run({ settings: { journalTable: 'a.b.c' } })).rejects.toMatchObject({ code: 'SQL_SETTINGS_INVALID' });
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
      const error = await failure(openSqlSession({ ...connection, port, connectTimeoutMs: 1000 }));
      expect(error.code).toBe('SQL_CONNECT_FAILED');
      expect(error.details).toMatchObject({ driverCode: 'ETIMEOUT' });
      expect(error.hint).toMatch(/did not answer in time/);
    } finally {
      silent.close();
    }
  });
});

describe('SqlSession on the TDS double', () => {
  it('cancel sends ATTENTION and the connection stays usable', async () => {
    server.addResponder({ batch: /WAITFOR/, respond: { delayMs: 20_000 } });
    const session = await openSqlSession(connection);
    const slow = session.batch("WAITFOR DELAY '00:10'");
    await server.waitForRecord((r) => r.kind === 'batch' && /WAITFOR/.test(r.text), 10_000);
    expect(session.cancelCurrent()).toBe(true);
    await expect(slow).rejects.toMatchObject({ driverCode: 'ECANCEL', cancelled: true });
    expect(server.recordsOf('attention')).toHaveLength(1);
    await expect(session.query('SELECT 1 AS [one]')).resolves.toEqual([{ one: 1 }]);
    expect(session.isOpen).toBe(true);
    await session.close();
  });
});
