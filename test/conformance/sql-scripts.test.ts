import { rejectionOf } from '../support/app-error-code';
/**
 * Conformance kit: the sql-scripts step (journal, drift, run-always, transactions, applock, cancel)
 * against the target of test/support/real-target/sql-target.ts — the TDS double in `npm test`, a real
 * SQL Server in `npm run test:real`. Every outcome is read back with ordinary queries; the blocks that
 * read the double's request records are marked "double only".
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEventInput } from '../../common/journal-events';
import { openSqlSession } from '../../main/sql/connect';
import type { SqlConnectionSettings } from '../../main/sql/connection-settings';
import { parseJournalTableName } from '../../main/sql/journal-table';
import { runSqlScripts, type RunSqlScriptsOptions } from '../../main/sql/script-runner';
import { takeScriptsLock } from '../../main/sql/scripts-lock';
import { chooseSqlTarget, openSqlTarget, type SqlTarget } from '../support/real-target/sql-target';
import { suiteTitle } from './kit-suite';

const choice = chooseSqlTarget();
const SECRET = 'Hunter2-Secret!';

const SCRIPTS = {
  '001-schema.sql': "CREATE TABLE dbo.Ward (id int NOT NULL, name nvarchar(50) NULL)\nGO\nPRINT 'schema ready'\nGO\n",
  '002-data.sql': "INSERT INTO dbo.Ward (id, name) VALUES (1, N'$(WardName)')\nGO\nUPDATE dbo.Ward SET name = N'East wing' WHERE id = 1\nGO\n-- the third batch\nSELECT id,\n  name AS tag\nFROM dbo.Ward\nGO\n",
  '010-views.sql': 'CREATE VIEW dbo.WardNames AS SELECT name FROM dbo.Ward\nGO\n',
  'always/permissions.sql': 'GRANT SELECT ON dbo.WardNames TO public\n',
};
// Batch 3 of script 2 fails: THROW on batch line 3, which is file line 7.
const FAILING_DATA = "INSERT INTO dbo.Ward (id, name) VALUES (1, N'$(WardName)')\nGO\nUPDATE dbo.Ward SET name = N'East wing' WHERE id = 1\nGO\n-- the third batch\nSELECT 3;\nTHROW 50001, 'Ward data is wrong', 1;\nGO\nINSERT INTO dbo.Ward (id, name) VALUES (4, N'never')\n";

describe.skipIf(Boolean(choice.skip))(suiteTitle('sql-scripts', choice), () => {
  let target: SqlTarget;
  let db: SqlConnectionSettings;
  let work: string;
  let pkg: string;
  let n = 0;

  beforeAll(async () => {
    target = await openSqlTarget(choice);
    work = mkdtempSync(path.join(tmpdir(), 'dr-kit-sql-'));
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await target?.close();
  });
  beforeEach(async () => {
    db = await target.newDatabase();
    pkg = writePackage(SCRIPTS);
    target.double?.clearRecords();
  });
  afterEach(async () => {
    await target.dropDatabase(db);
  });

  function writePackage(files: Record<string, string>): string {
    const dir = path.join(work, `pkg${++n}`);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }

  async function run(extra: Partial<RunSqlScriptsOptions> = {}) {
    const events: JournalEventInput[] = [];
    const result = await runSqlScripts({ stepId: 'db', packageRoot: pkg, connection: db, variables: { WardName: 'North' }, release: '2.4.0', onEvent: (e) => events.push(e), ...extra });
    return { result, events };
  }


  const exists = async (object: string) => (await target.query(db, `SELECT OBJECT_ID(N'${object}') AS id`))[0]?.id !== null;
  /** The journal's rows, or [] when the table does not exist (a rolled-back first run). */
  async function journal(table = '[dbo].[SchemaVersions]'): Promise<Array<{ ScriptName: string; Release: string | null; ContentHash: string | null }>> {
    if (!(await exists(table))) return [];
    return (await target.query(db, `SELECT ScriptName, Release, ContentHash FROM ${table} ORDER BY Id`)) as Array<{ ScriptName: string; Release: string | null; ContentHash: string | null }>;
  }
  const wards = async () => (await exists('dbo.Ward') ? (await target.query(db, 'SELECT id, name FROM dbo.Ward ORDER BY id')).map((r) => `${String(r.id)}:${String(r.name)}`) : []);
  const artifacts = (events: JournalEventInput[]) => events.flatMap((e) => (e.type === 'artifact' ? [`${e.artifact.name}=${e.artifact.action}`] : []));
  const logs = (events: JournalEventInput[]) => events.flatMap((e) => (e.type === 'log' ? [e.message] : []));
  /** Double only: what the double saw of transactions. */
  const transactions = () => target.double!.recordsOf('transaction').map((r) => `${r.op}:${r.source}`);

  describe('journal', () => {
    it('creates the journal table and applies the scripts in order, one row per script with release and content hash', async () => {
      const { result, events } = await run();
      if (target.double) {
        // Double only (read before the checks below open connections of their own): every request
        // after the login came on that one connection, one transaction per script.
        const logins = target.double.recordsOf('login');
        expect(logins).toHaveLength(1);
        expect(new Set(target.double.records.filter((r) => r.kind !== 'login').map((r) => r.connectionId))).toEqual(new Set([logins[0]!.connectionId]));
        expect(transactions()).toEqual(['begin:tm', 'commit:tm', 'begin:tm', 'commit:tm', 'begin:tm', 'commit:tm', 'begin:tm', 'commit:tm']);
      }
      expect(result.outcome).toBe('succeeded');
      expect(result.journalTableCreated).toBe(true);
      expect(result.ran).toEqual(['001-schema.sql', '002-data.sql', '010-views.sql', 'always/permissions.sql']);
      const rows = await journal();
      expect(rows.map((r) => [r.ScriptName, r.Release])).toEqual([
        ['001-schema.sql', '2.4.0'],
        ['002-data.sql', '2.4.0'],
        ['010-views.sql', '2.4.0'],
      ]);
      for (const r of rows) expect(r.ContentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(await wards()).toEqual(['1:East wing']);
      expect(artifacts(events)).toEqual(['001-schema.sql=applied', '002-data.sql=applied', '010-views.sql=applied', 'always/permissions.sql=ran (always)']);
    });

    it('streams PRINT output into the log and reports progress per batch up to 100 %', async () => {
      const { events } = await run();
      expect(logs(events)).toContain('001-schema.sql: schema ready');
      const progress = events.filter((e) => e.type === 'progress');
      expect(progress.some((e) => e.type === 'progress' && e.item === '002-data.sql — batch 3/3')).toBe(true);
      expect(progress.at(-1)).toMatchObject({ percent: 100 });
    });

    it('substitutes $(variables) before a batch is sent', async () => {
      pkg = writePackage({ '001.sql': "CREATE TABLE dbo.Ward (id int NOT NULL, name nvarchar(50) NULL)\nGO\nINSERT INTO dbo.Ward (id, name) VALUES (2, N'$(WardName)')\n" });
      await run({ variables: { WardName: 'Lakeside' } });
      expect(await wards()).toEqual(['2:Lakeside']);
    });

    it('adopts an existing DbUp journal: adds its columns, keeps its rows, and a DbUp row is never drift', async () => {
      const session = await openSqlSession(db);
      try {
        await session.batch('CREATE TABLE [dbo].[SchemaVersions] ([Id] int IDENTITY(1,1) NOT NULL PRIMARY KEY, [ScriptName] nvarchar(255) NOT NULL, [Applied] datetime NOT NULL)');
        await session.batch("INSERT INTO [dbo].[SchemaVersions] (ScriptName, Applied) VALUES (N'001-schema.sql', GETDATE())");
        await session.batch('CREATE TABLE dbo.Ward (id int NOT NULL, name nvarchar(50) NULL)');
      } finally {
        await session.close();
      }
      writeFileSync(path.join(pkg, '001-schema.sql'), 'SELECT 1 -- edited after DbUp ran it\n');
      const { result, events } = await run();
      expect(result.journalTableCreated).toBe(false);
      expect(result.ran).toEqual(['002-data.sql', '010-views.sql', 'always/permissions.sql']);
      expect(artifacts(events)[0]).toBe('001-schema.sql=skipped (already applied)');
      expect(events.some((e) => e.type === 'warning')).toBe(false);
      const lengths = (await target.query(db, "SELECT COL_LENGTH(N'dbo.SchemaVersions', N'ContentHash') AS hash, COL_LENGTH(N'dbo.SchemaVersions', N'Release') AS rel, COL_LENGTH(N'dbo.SchemaVersions', N'DurationMs') AS ms"))[0]!;
      expect([lengths.hash, lengths.rel, lengths.ms].every((v) => typeof v === 'number' && v > 0)).toBe(true);
      expect((await journal()).map((r) => r.ScriptName)).toEqual(['001-schema.sql', '002-data.sql', '010-views.sql']);
    });

    it('uses a journal table of its own name; a malformed name is SQL_SETTINGS_INVALID', async () => {
      await run({ settings: { journalTable: '[dbo].[Script Journal]' } });
      expect(await journal('[dbo].[Script Journal]')).toHaveLength(3);
      expect(await exists('dbo.SchemaVersions')).toBe(false);
      await expect(run({ settings: { journalTable: 'a.b.c' } })).rejects.toMatchObject({ code: 'SQL_SETTINGS_INVALID' });
    });
  });

  describe('run-always and second runs', () => {
    it('a second run applies nothing but the run-always script', async () => {
      await run();
      const { result, events } = await run();
      expect(result.ran).toEqual(['always/permissions.sql']);
      expect(result.journalTableCreated).toBe(false);
      expect(artifacts(events)).toEqual(['001-schema.sql=skipped (already applied)', '002-data.sql=skipped (already applied)', '010-views.sql=skipped (already applied)', 'always/permissions.sql=ran (always)']);
      expect(await journal()).toHaveLength(3);
      expect(await wards()).toEqual(['1:East wing']);
    });

    it('run-always scripts are never journaled', async () => {
      await run();
      await run();
      expect((await journal()).map((r) => r.ScriptName)).not.toContain('always/permissions.sql');
    });

    it('a new script in the next release is the only one applied', async () => {
      await run();
      writeFileSync(path.join(pkg, '011-more.sql'), "INSERT INTO dbo.Ward (id, name) VALUES (2, N'West wing')\n");
      const { result } = await run({ release: '2.5.0' });
      expect(result.ran).toEqual(['011-more.sql', 'always/permissions.sql']);
      expect((await journal()).map((r) => `${r.ScriptName}@${r.Release}`)).toEqual(['001-schema.sql@2.4.0', '002-data.sql@2.4.0', '010-views.sql@2.4.0', '011-more.sql@2.5.0']);
      expect(await wards()).toEqual(['1:East wing', '2:West wing']);
    });
  });

  describe('drift', () => {
    it('a script changed after it was applied is a warning by default and is not run again', async () => {
      await run();
      writeFileSync(path.join(pkg, '002-data.sql'), "INSERT INTO dbo.Ward (id, name) VALUES (9, N'drifted')\n");
      const { result, events } = await run();
      expect(result.plan.find((p) => p.name === '002-data.sql')?.action).toBe('skip-drift');
      expect(events.some((e) => e.type === 'warning' && /002-data\.sql was changed after it was applied/.test(e.message))).toBe(true);
      expect(artifacts(events)).toContain('002-data.sql=drift');
      expect(await wards()).toEqual(['1:East wing']);
    });

    it('with drift set to error the step fails with SQL_SCRIPT_DRIFT naming the script', async () => {
      await run();
      writeFileSync(path.join(pkg, '002-data.sql'), 'SELECT 42\n');
      const error = await rejectionOf(run({ settings: { drift: 'error' } }));
      expect(error.code).toBe('SQL_SCRIPT_DRIFT');
      expect(error.details).toMatchObject({ script: '002-data.sql' });
    });
  });

  describe('transactions and errors', () => {
    it('an error in batch 3 of script 2 names that file and line; script 2 is rolled back, script 1 stays', async () => {
      pkg = writePackage({ ...SCRIPTS, '002-data.sql': FAILING_DATA });
      const events: JournalEventInput[] = [];
      const error = await rejectionOf(run({ onEvent: (e) => events.push(e) }));
      expect(error.code).toBe('SQL_BATCH_FAILED');
      expect(error.details).toMatchObject({ file: '002-data.sql', batch: 3, line: 7, number: 50001, class: 16, state: 1 });
      expect(error.message).toBe('002-data.sql line 7 (batch 3): Msg 50001, Level 16, State 1: Ward data is wrong');
      expect((await journal()).map((r) => r.ScriptName)).toEqual(['001-schema.sql']);
      expect(await wards()).toEqual([]);
      expect(artifacts(events)).toEqual(['001-schema.sql=applied']);
      if (target.double) expect(transactions()).toEqual(['begin:tm', 'commit:tm', 'begin:tm', 'rollback:tm']); // double only
    });

    it('transaction mode step: a failure in script 2 rolls back script 1 too, and nothing is reported applied', async () => {
      pkg = writePackage({ ...SCRIPTS, '002-data.sql': FAILING_DATA });
      const events: JournalEventInput[] = [];
      const error = await rejectionOf(run({ settings: { transaction: 'step' }, onEvent: (e) => events.push(e) }));
      expect(error.code).toBe('SQL_BATCH_FAILED');
      expect(await journal()).toEqual([]);
      expect(artifacts(events)).toEqual([]);
      if (target.double) expect(transactions()).toEqual(['begin:tm', 'rollback:tm']); // double only
    });

    it('transaction mode step succeeds as one transaction', async () => {
      const { result, events } = await run({ settings: { transaction: 'step' } });
      expect(result.outcome).toBe('succeeded');
      expect(artifacts(events)).toHaveLength(4);
      expect(await journal()).toHaveLength(3);
      if (target.double) expect(transactions()).toEqual(['begin:tm', 'commit:tm']); // double only
    });

    it('transaction mode none: batches before the failing one stay applied', async () => {
      pkg = writePackage({ ...SCRIPTS, '002-data.sql': FAILING_DATA });
      const error = await rejectionOf(run({ settings: { transaction: 'none' } }));
      expect(error.code).toBe('SQL_BATCH_FAILED');
      expect(await wards()).toEqual(['1:East wing']);
      expect((await journal()).map((r) => r.ScriptName)).toEqual(['001-schema.sql']);
      if (target.double) expect(transactions()).toEqual([]); // double only
    });

    it(':on error ignore turns a batch error into a warning and carries on', async () => {
      pkg = writePackage({ 'a.sql': ":on error ignore\nTHROW 50002, 'There is already an object named x.', 1;\nGO\n:on error exit\nSELECT 'fine'\n" });
      const { result, events } = await run();
      expect(result.ran).toEqual(['a.sql']);
      expect(events.some((e) => e.type === 'warning' && /a\.sql line 2 \(batch 1\): Msg 50002.*ignored/.test(e.message))).toBe(true);
      expect((await journal()).map((r) => r.ScriptName)).toEqual(['a.sql']);
    });

    it('an undefined variable stops the step before any batch is sent', async () => {
      const error = await rejectionOf(run({ variables: {} }));
      expect(error.code).toBe('SQL_UNDEFINED_VARIABLE');
      expect(error.details).toMatchObject({ variable: 'WardName', file: '002-data.sql', line: 1 });
      expect(await exists('dbo.Ward')).toBe(false);
    });

    it('secrets are masked in logs, warnings and errors', async () => {
      pkg = writePackage({ 'a.sql': `PRINT 'pw is ${SECRET}'\nGO\nTHROW 50003, 'Password validation failed for ''${SECRET}''.', 1;\n` });
      const events: JournalEventInput[] = [];
      const redact = (s: string) => s.split(SECRET).join('********');
      const error = await rejectionOf(run({ redact, onEvent: (e) => events.push(e) }));
      expect(error.message).toContain('********');
      expect(JSON.stringify(events) + error.message + JSON.stringify(error.details)).not.toContain(SECRET);
      expect(logs(events)).toContain('a.sql: pw is ********');
    });
  });

  describe('dry run', () => {
    it('lists exactly what would run, in order, and changes nothing', async () => {
      const { result, events } = await run({ dryRun: true });
      expect(result.plan.map((p) => [p.name, p.action, p.batchCount])).toEqual([
        ['001-schema.sql', 'apply', 2],
        ['002-data.sql', 'apply', 3],
        ['010-views.sql', 'apply', 1],
        ['always/permissions.sql', 'run-always', 1],
      ]);
      expect(await exists('dbo.SchemaVersions')).toBe(false);
      expect(await exists('dbo.Ward')).toBe(false);
      expect(events.some((e) => e.type === 'log' && /does not exist yet; every script is pending/.test(e.message))).toBe(true);
    });

    it('after a run lists only what is new', async () => {
      await run();
      writeFileSync(path.join(pkg, '011-new.sql'), 'SELECT 11\n');
      const { result } = await run({ dryRun: true });
      expect(result.plan.map((p) => [p.name, p.action])).toEqual([
        ['001-schema.sql', 'skip-applied'],
        ['002-data.sql', 'skip-applied'],
        ['010-views.sql', 'skip-applied'],
        ['011-new.sql', 'apply'],
        ['always/permissions.sql', 'run-always'],
      ]);
      expect(await journal()).toHaveLength(3);
    });
  });

  describe('applock: one deployment at a time per database', () => {
    it("another session's lock makes the run fail with SQL_SCRIPTS_LOCKED having run nothing; it runs once the lock is gone", async () => {
      const other = await openSqlSession(db);
      try {
        await takeScriptsLock(other, parseJournalTableName(undefined));
        const locked = await rejectionOf(run({ lockTimeoutMs: 300 }));
        expect(locked.code).toBe('SQL_SCRIPTS_LOCKED');
        expect(locked.message).toContain('DropRunner:[dbo].[SchemaVersions]');
        expect(locked.hint).toMatch(/retry this step/);
        expect(await exists('dbo.Ward')).toBe(false);
      } finally {
        await other.close();
      }
      const { result } = await run({ lockTimeoutMs: 300 });
      expect(result.ran).toEqual(['001-schema.sql', '002-data.sql', '010-views.sql', 'always/permissions.sql']);
    });

    it('a dry run takes no lock, and a journal table of its own has a lock of its own', async () => {
      const other = await openSqlSession(db);
      try {
        await takeScriptsLock(other, parseJournalTableName(undefined));
        const { result } = await run({ dryRun: true, lockTimeoutMs: 300 });
        expect(result.plan.map((p) => p.action)).toEqual(['apply', 'apply', 'apply', 'run-always']);
        const elsewhere = await run({ settings: { journalTable: '[dbo].[ReportsJournal]' }, lockTimeoutMs: 300 });
        expect(elsewhere.result.outcome).toBe('succeeded');
        expect(await journal('[dbo].[ReportsJournal]')).toHaveLength(3);
      } finally {
        await other.close();
      }
    });
  });

  describe('cancel', () => {
    const SLOW = "INSERT INTO dbo.Ward (id, name) VALUES (1, N'$(WardName)')\nGO\nWAITFOR DELAY '00:00:30'\nGO\nINSERT INTO dbo.Ward (id, name) VALUES (2, N'late')\n";
    const onBatch = (item: string, then: () => void) => (e: JournalEventInput) => {
      if (e.type === 'progress' && e.item === item) setTimeout(then, 300);
    };

    it('immediate cancel interrupts the running batch, rolls back on the same connection and reports cancelled', async () => {
      pkg = writePackage({ ...SCRIPTS, '002-data.sql': SLOW });
      const immediate = new AbortController();
      const events: JournalEventInput[] = [];
      const started = Date.now();
      const { result } = await run({ cancel: { immediate: immediate.signal }, onEvent: (e) => { events.push(e); onBatch('002-data.sql — batch 2/3', () => immediate.abort())(e); } });
      expect(result.outcome).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(result.ran).toEqual(['001-schema.sql']);
      expect((await journal()).map((r) => r.ScriptName)).toEqual(['001-schema.sql']);
      expect(await wards()).toEqual([]);
      expect(logs(events).some((m) => /Cancelled: the open transaction was rolled back/.test(m))).toBe(true);
      if (target.double) {
        // Double only: the ATTENTION, then the rollback on the same connection.
        const kinds = target.double.records.map((r) => (r.kind === 'transaction' ? `transaction:${r.op}` : r.kind));
        expect(kinds.slice(kinds.indexOf('attention'))).toContain('transaction:rollback');
      }
    });

    it('graceful cancel lets the running batch finish and stops before the next one', async () => {
      pkg = writePackage({ ...SCRIPTS, '002-data.sql': SLOW.replace('00:00:30', '00:00:02') });
      const graceful = new AbortController();
      const { result } = await run({ cancel: { graceful: graceful.signal }, onEvent: onBatch('002-data.sql — batch 2/3', () => graceful.abort()) });
      expect(result.outcome).toBe('cancelled');
      expect(result.ran).toEqual(['001-schema.sql']);
      expect(await wards()).toEqual([]);
      if (target.double) expect(target.double.recordsOf('attention')).toHaveLength(0); // double only
    });

    it('a session cancel interrupts WAITFOR and the connection stays usable', async () => {
      const session = await openSqlSession(db);
      try {
        const slow = session.batch("WAITFOR DELAY '00:00:30'");
        await new Promise((r) => setTimeout(r, 300));
        expect(session.cancelCurrent()).toBe(true);
        await expect(slow).rejects.toMatchObject({ driverCode: 'ECANCEL', cancelled: true });
        await expect(session.query('SELECT 1 AS [one]')).resolves.toEqual([{ one: 1 }]);
        expect(session.isOpen).toBe(true);
      } finally {
        await session.close();
      }
    });
  });

  describe('login', () => {
    it.skipIf(choice.kind === 'real' && !choice.connectionString?.match(/user id|uid|user\s*=/i))('a wrong password is SQL_LOGIN_FAILED (18456) with a hint, without the password', async () => {
      const bad = await rejectionOf(run({ connection: { ...db, password: 'wrong-kit-password' } }));
      expect(bad.code).toBe('SQL_LOGIN_FAILED');
      expect(bad.details).toMatchObject({ number: 18456 });
      expect(bad.message).not.toContain('wrong-kit-password');
    });
  });
});
