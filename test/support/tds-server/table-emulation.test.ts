import sql from 'mssql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTdsServer, type TdsServer } from './index';

const CREATE_JOURNAL = `IF OBJECT_ID(N'[dbo].[SchemaVersions]', N'U') IS NULL
BEGIN
  CREATE TABLE [dbo].[SchemaVersions] (
    [Id] INT IDENTITY(1,1) NOT NULL CONSTRAINT [PK_SchemaVersions_Id] PRIMARY KEY,
    [ScriptName] NVARCHAR(255) NOT NULL,
    [Applied] DATETIME NOT NULL,
    [ContentHash] NVARCHAR(64) NULL,
    [Release] NVARCHAR(100) NULL,
    [DurationMs] INT NULL
  )
END`;

const INSERT_JOURNAL =
  'INSERT INTO [dbo].[SchemaVersions] ([ScriptName], [Applied], [ContentHash], [Release], [DurationMs]) VALUES (@scriptName, GETUTCDATE(), @hash, @release, @durationMs)';

describe('table emulation (journal table)', () => {
  let server: TdsServer;
  let pool: sql.ConnectionPool;

  beforeEach(async () => {
    server = await startTdsServer();
    pool = await new sql.ConnectionPool({
      server: '127.0.0.1',
      port: server.port,
      user: 'runner',
      password: 'x',
      pool: { max: 1, min: 0 },
      options: { encrypt: false },
    }).connect();
  });

  afterEach(async () => {
    await pool.close();
    await server.close();
  });

  async function insert(name: string, hash: string | null, tx?: sql.Transaction): Promise<sql.IResult<unknown>> {
    return (tx ? new sql.Request(tx) : new sql.Request(pool))
      .input('scriptName', sql.NVarChar(255), name)
      .input('hash', sql.NVarChar(64), hash)
      .input('release', sql.NVarChar(100), '2024.1')
      .input('durationMs', sql.Int, 12)
      .query(INSERT_JOURNAL);
  }

  it('creates the journal once, inserts through sp_executesql parameters and reads rows back in order', async () => {
    await pool.request().batch(CREATE_JOURNAL);
    await pool.request().batch(CREATE_JOURNAL); // guarded: no error the second time
    expect(server.tables.has('SchemaVersions')).toBe(true);
    const r1 = await insert('002_b.sql', 'bb');
    expect(r1.rowsAffected).toEqual([1]);
    await insert('001_a.sql', null);
    const rows = await pool.request().query('SELECT [ScriptName], [ContentHash], Applied FROM [dbo].[SchemaVersions] ORDER BY [ScriptName]');
    expect(rows.recordset.map((r: { ScriptName: string; ContentHash: string | null }) => [r.ScriptName, r.ContentHash])).toEqual([
      ['001_a.sql', null],
      ['002_b.sql', 'bb'],
    ]);
    expect(rows.recordset[0].Applied).toBeInstanceOf(Date);
    const all = server.tables.rows('dbo.SchemaVersions');
    expect(all.map((r) => [r.Id, r.ScriptName, r.Release, r.DurationMs])).toEqual([
      [1, '002_b.sql', '2024.1', 12],
      [2, '001_a.sql', '2024.1', 12],
    ]);
    const star = await pool.request().batch("SELECT * FROM dbo.SchemaVersions WHERE ScriptName = N'001_A.SQL'");
    expect(Object.keys(star.recordset[0])).toEqual(['Id', 'ScriptName', 'Applied', 'ContentHash', 'Release', 'DurationMs']);
    expect(star.recordset[0].Id).toBe(2);
    const count = await pool.request().batch('SELECT COUNT(*) AS n FROM [dbo].[SchemaVersions]');
    expect(count.recordset).toEqual([{ n: 2 }]);
    const distinct = await pool.request().batch('SELECT DISTINCT TOP 5 Release FROM dbo.SchemaVersions');
    expect(distinct.recordset).toEqual([{ Release: '2024.1' }]);
    const top = await pool.request().batch('SELECT TOP (1) ScriptName FROM dbo.SchemaVersions ORDER BY Id DESC');
    expect(top.recordset).toEqual([{ ScriptName: '001_a.sql' }]);
  });

  it('a rolled back transaction undoes the journal insert; a committed one keeps it', async () => {
    await pool.request().batch(CREATE_JOURNAL);
    const tx = new sql.Transaction(pool);
    await tx.begin();
    await insert('003_c.sql', 'cc', tx);
    await tx.rollback();
    expect(server.tables.rows('dbo.SchemaVersions')).toEqual([]);
    await pool.request().batch(`BEGIN TRAN; INSERT INTO dbo.SchemaVersions (ScriptName, Applied) VALUES (N'004_d.sql', SYSUTCDATETIME()); COMMIT;`);
    await pool.request().batch(`BEGIN TRAN\nINSERT INTO dbo.SchemaVersions (ScriptName, Applied) VALUES (N'005_e.sql', GETDATE())\nROLLBACK`);
    expect(server.tables.rows('dbo.SchemaVersions').map((r) => r.ScriptName)).toEqual(['004_d.sql']);
  });

  it('reports SQL Server errors for re-creating a table (2714) and inserting NULL into a NOT NULL column (515)', async () => {
    await pool.request().batch(CREATE_JOURNAL);
    const dup = await pool.request().batch('CREATE TABLE dbo.SchemaVersions (Id int)').catch((e: unknown) => e);
    expect(dup).toMatchObject({ number: 2714, lineNumber: 1 });
    const nul = await insert(null as unknown as string, 'x').catch((e: unknown) => e);
    expect(nul).toMatchObject({ number: 515 });
    expect((nul as Error).message).toContain("column 'ScriptName'");
    const badCol = await pool.request().batch('SELECT Nope FROM dbo.SchemaVersions').catch((e: unknown) => e);
    expect(badCol).toMatchObject({ number: 207 });
  });

  it('supports the COL_LENGTH guard with ALTER TABLE ADD, IF NOT EXISTS inserts, UPDATE, DELETE and SCOPE_IDENTITY', async () => {
    await pool.request().batch('CREATE TABLE dbo.SchemaVersions (Id int identity(1,1) not null, ScriptName nvarchar(255) not null, Applied datetime not null)');
    await pool.request().batch("INSERT INTO dbo.SchemaVersions (ScriptName, Applied) VALUES ('old.sql', GETDATE())");
    const upgrade = "IF COL_LENGTH(N'dbo.SchemaVersions', N'ContentHash') IS NULL ALTER TABLE dbo.SchemaVersions ADD ContentHash nvarchar(64) NULL";
    await pool.request().batch(upgrade);
    await pool.request().batch(upgrade);
    expect(server.tables.get('dbo.SchemaVersions')!.columns!.map((c) => c.name)).toEqual(['Id', 'ScriptName', 'Applied', 'ContentHash']);
    const ensure = "IF NOT EXISTS (SELECT 1 FROM dbo.SchemaVersions WHERE ScriptName = @n) INSERT INTO dbo.SchemaVersions (ScriptName, Applied) VALUES (@n, GETDATE()); SELECT SCOPE_IDENTITY() AS id";
    const first = await pool.request().input('n', sql.NVarChar(255), 'new.sql').query(ensure);
    expect(first.recordset).toEqual([{ id: 2 }]);
    await pool.request().input('n', sql.NVarChar(255), 'new.sql').query(ensure);
    expect(server.tables.rows('dbo.SchemaVersions')).toHaveLength(2);
    const upd = await pool.request().input('h', sql.NVarChar(64), 'abc').query("UPDATE dbo.SchemaVersions SET ContentHash = @h WHERE ScriptName = 'old.sql'");
    expect(upd.rowsAffected).toEqual([1]);
    expect(server.tables.rows('dbo.SchemaVersions')[0]!.ContentHash).toBe('abc');
    const del = await pool.request().batch("DELETE FROM dbo.SchemaVersions WHERE ScriptName = 'new.sql'");
    expect(del.rowsAffected).toEqual([1]);
    expect((await pool.request().batch("SELECT OBJECT_ID(N'dbo.SchemaVersions') AS id, OBJECT_ID(N'dbo.Missing') AS missing")).recordset[0]).toMatchObject({ missing: null });
  });

  it('tables can be seeded and read from test code; unknown tables are not emulated', async () => {
    server.tables.create('dbo.SchemaVersions', [
      { name: 'Id', type: 'int', identity: true },
      { name: 'ScriptName', type: 'nvarchar(255)', nullable: false },
      { name: 'Applied', type: 'datetime', default: 'now' },
    ]);
    server.tables.insert('dbo.SchemaVersions', { ScriptName: 'seeded.sql' });
    const r = await pool.request().query('SELECT ScriptName FROM dbo.SchemaVersions');
    expect(r.recordset).toEqual([{ ScriptName: 'seeded.sql' }]);
    expect(() => server.tables.insert('dbo.SchemaVersions', {})).toThrow(/Cannot insert the value NULL into column 'ScriptName'/);
    const unknown = await pool.request().batch('SELECT * FROM dbo.Patients; INSERT INTO dbo.Patients VALUES (1)');
    expect(unknown.recordset).toBeUndefined();
    expect(server.tables.has('dbo.Patients')).toBe(false);
  });

  it('a user responder takes precedence over the emulation but transaction statements still apply', async () => {
    await pool.request().batch(CREATE_JOURNAL);
    server.addResponder({ sql: 'FROM [dbo].[SchemaVersions]', respond: { rows: [{ ScriptName: 'from-responder.sql' }] } });
    const r = await pool.request().batch('BEGIN TRAN; SELECT ScriptName FROM [dbo].[SchemaVersions]');
    expect(r.recordset).toEqual([{ ScriptName: 'from-responder.sql' }]);
    expect(server.recordsOf('transaction').at(-1)).toMatchObject({ op: 'begin', source: 'batch' });
  });
});
