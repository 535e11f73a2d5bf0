import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sql from 'mssql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTdsServer, type TdsRecord, type TdsServer } from './index';

const SA = { user: 'sa', password: 'Str0ng!pw' };
const WIN = { domain: 'HOSPITAL', user: 'deployer', password: 'W1ndows!pw' };

function poolConfig(server: TdsServer, extra: Partial<sql.config> = {}): sql.config {
  return {
    server: '127.0.0.1',
    port: server.port,
    user: SA.user,
    password: SA.password,
    database: 'AppDb',
    pool: { max: 1, min: 0 },
    options: { encrypt: false, trustServerCertificate: true },
    ...extra,
  };
}

function rpcs(server: TdsServer, procedure: string): Array<Extract<TdsRecord, { kind: 'rpc' }>> {
  return server.recordsOf('rpc').filter((r) => r.procedure === procedure);
}

describe('TDS double with the real mssql driver', () => {
  let server: TdsServer;
  let pool: sql.ConnectionPool | undefined;

  beforeEach(async () => {
    server = await startTdsServer({ logins: [SA], windowsUsers: [WIN], database: 'master' });
  });

  afterEach(async () => {
    await pool?.close().catch(() => undefined);
    pool = undefined;
    await server.close();
  });

  it('logs in with SQL authentication and records the login, the initial SET batch and the database', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    const login = server.recordsOf('login')[0]!;
    expect(login).toMatchObject({ success: true, authKind: 'sql', user: 'sa', database: 'AppDb', appName: 'node-mssql', tdsVersion: '0x74000004', checked: true });
    expect(server.recordsOf('batch')[0]!.text).toContain('set xact_abort off');
    // mssql's pool.connect() opens a probe connection, closes it, and only then creates pool connections.
    expect(server.connections[0]).toMatchObject({ authKind: 'sql', database: 'AppDb', loggedIn: true });
  });

  it('runs a parameterised query through sp_executesql and records each parameter', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    server.addResponder({
      sql: 'FROM dbo.Patients',
      respond: (req) => ({ rows: [{ Id: req.param('id') as number, Name: `patient ${String(req.param('@name'))}` }] }),
    });
    const result = await pool
      .request()
      .input('id', sql.Int, 42)
      .input('name', sql.NVarChar(50), 'Zoë')
      .input('flag', sql.Bit, true)
      .input('code', sql.VarChar(10), 'abc€')
      .input('big', sql.BigInt, '9007199254740993')
      .query('SELECT Id, Name FROM dbo.Patients WHERE Id = @id AND Name = @name');
    expect(result.recordset).toEqual([{ Id: 42, Name: 'patient Zoë' }]);
    const rec = rpcs(server, 'sp_executesql').find((r) => r.sql?.includes('dbo.Patients'))!;
    expect(rec.procId).toBe(10);
    expect(rec.params.map((p) => [p.name, p.type, p.value])).toEqual([
      ['@statement', expect.stringMatching(/^nvarchar\(/), 'SELECT Id, Name FROM dbo.Patients WHERE Id = @id AND Name = @name'],
      ['@params', expect.stringMatching(/^nvarchar\(/), '@id int, @name nvarchar(50), @flag bit, @code varchar(10), @big bigint'],
      ['@id', 'int', 42],
      ['@name', 'nvarchar(50)', 'Zoë'],
      ['@flag', 'bit', true],
      ['@code', 'varchar(10)', 'abc€'],
      ['@big', 'bigint', '9007199254740993'],
    ]);
  });

  it('answers an unmatched SELECT 1 (pool validation) with a row, and unmatched DDL with DONE', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    const one = await pool.request().query('SELECT 1 AS ok, N\'x\' AS s');
    expect(one.recordset).toEqual([{ ok: 1, s: 'x' }]);
    const ddl = await pool.request().batch('CREATE PROCEDURE dbo.p AS SELECT 1');
    expect(ddl.recordset).toBeUndefined();
    expect(server.recordsOf('batch').at(-1)!.text).toBe('CREATE PROCEDURE dbo.p AS SELECT 1');
  });

  it('executes a named procedure with a 200 KB varbinary(max) and returns output parameters and the return status', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    server.addResponder({ procedure: 'catalog.deploy_project', respond: { output: { operation_id: 7_000_000_001 }, returnStatus: 0 } });
    const ispac = randomBytes(200_000);
    const result = await pool
      .request()
      .input('folder_name', sql.NVarChar(128), 'Finance')
      .input('project_stream', sql.VarBinary(sql.MAX), ispac)
      .input('note', sql.NVarChar(sql.MAX), 'ü'.repeat(5000))
      .output('operation_id', sql.BigInt)
      .execute('[SSISDB].[catalog].[deploy_project]');
    expect(result.output.operation_id).toBe('7000000001');
    expect(result.returnValue).toBe(0);
    const rec = rpcs(server, '[SSISDB].[catalog].[deploy_project]')[0]!;
    expect(rec.params.find((p) => p.name === '@project_stream')).toEqual({
      name: '@project_stream',
      type: 'varbinary(max)',
      output: false,
      value: { length: 200_000, sha256: createHash('sha256').update(ispac).digest('hex') },
    });
    expect(rec.params.find((p) => p.name === '@note')!.value).toBe('ü'.repeat(5000));
    expect(rec.params.find((p) => p.name === '@operation_id')).toMatchObject({ type: 'bigint', output: true, value: null });
  });

  it('returns int, bigint, nvarchar, bit, varbinary, datetime2, datetimeoffset, date, decimal and uniqueidentifier columns', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    server.addResponder({
      sql: 'typed',
      respond: {
        columns: [
          { name: 'i', type: 'int' },
          { name: 'b', type: 'bigint' },
          { name: 's', type: 'nvarchar(20)' },
          { name: 'm', type: 'nvarchar(max)' },
          { name: 'f', type: 'bit' },
          { name: 'v', type: 'varbinary(max)' },
          { name: 'd2', type: 'datetime2(7)' },
          { name: 'dto', type: 'datetimeoffset(7)' },
          { name: 'd', type: 'date' },
          { name: 'dec', type: 'decimal(18,2)' },
          { name: 'g', type: 'uniqueidentifier' },
          { name: 'n', type: 'int' },
        ],
        rows: [[-5, 1234567890123, 'héllo', 'x'.repeat(10_000), true, Buffer.from([1, 2, 3]), '2024-02-29T13:14:15.1234567', '2024-02-29T13:14:15.5+02:00', '2024-02-29', '-1234.56', '6F9619FF-8B86-D011-B42D-00C04FC964FF', null]],
      },
    });
    const r = await pool.request().query('SELECT typed');
    const row = r.recordset[0];
    expect(row.i).toBe(-5);
    expect(row.b).toBe('1234567890123');
    expect(row.s).toBe('héllo');
    expect(row.m).toHaveLength(10_000);
    expect(row.f).toBe(true);
    expect(row.v).toEqual(Buffer.from([1, 2, 3]));
    expect((row.d2 as Date).toISOString()).toBe('2024-02-29T13:14:15.123Z');
    expect((row.dto as Date).toISOString()).toBe('2024-02-29T11:14:15.500Z');
    expect((row.d as Date).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(row.dec).toBe(-1234.56);
    expect(row.g).toBe('6F9619FF-8B86-D011-B42D-00C04FC964FF');
    expect(row.n).toBeNull();
  });

  it('records datetime2, datetimeoffset and decimal parameters with full precision', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    await pool
      .request()
      .input('when', sql.DateTime2(7), new Date('2023-12-31T23:59:59.123Z'))
      .input('at', sql.DateTimeOffset(3), new Date('2023-06-01T10:00:00.000Z'))
      .input('amount', sql.Decimal(10, 3), 12.5)
      .query('UPDATE dbo.T SET a = @when');
    const rec = rpcs(server, 'sp_executesql').at(-1)!;
    expect(rec.params.find((p) => p.name === '@when')).toMatchObject({ type: 'datetime2(7)', value: '2023-12-31T23:59:59.1230000' });
    expect(rec.params.find((p) => p.name === '@at')).toMatchObject({ type: 'datetimeoffset(3)', value: '2023-06-01T10:00:00.000+00:00' });
    expect(rec.params.find((p) => p.name === '@amount')).toMatchObject({ type: 'decimal(10,3)', value: '12.500' });
  });

  it('turns an ERROR token into a RequestError with number, class, state, procedure and line', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    server.addResponder({ batch: /INSERT INTO dbo\.Broken/, respond: { error: { number: 547, class: 16, state: 3, lineNumber: 3, message: 'The INSERT statement conflicted with the FOREIGN KEY constraint.' } } });
    server.addResponder({ procedure: 'dbo.fails', respond: { error: { number: 50001, class: 16, state: 2, lineNumber: 12, message: 'custom failure' } } });
    const batchErr = await pool.request().batch('SELECT 1\nGO_NOT\nINSERT INTO dbo.Broken VALUES (1)').catch((e: unknown) => e);
    expect(batchErr).toBeInstanceOf(sql.RequestError);
    expect(batchErr).toMatchObject({ number: 547, class: 16, state: 3, lineNumber: 3, serverName: 'TDSDOUBLE' });
    expect((batchErr as Error).message).toBe('The INSERT statement conflicted with the FOREIGN KEY constraint.');
    const procErr = await pool.request().execute('dbo.fails').catch((e: unknown) => e);
    expect(procErr).toMatchObject({ name: 'RequestError', number: 50001, lineNumber: 12, state: 2, procName: 'dbo.fails' });
    // The connection stays usable after an error.
    expect((await pool.request().query('SELECT 2 AS two')).recordset).toEqual([{ two: 2 }]);
  });

  it('delivers INFO tokens as info events and reports rows affected', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    server.addResponder({ sql: 'PRINT', respond: { info: [{ message: 'hello from PRINT', number: 0, lineNumber: 4 }], rowCount: 3 } });
    const request = pool.request();
    const infos: Array<{ message: string; lineNumber: number }> = [];
    request.on('info', (i: { message: string; lineNumber: number }) => infos.push(i));
    const r = await request.batch("PRINT 'hello'; UPDATE x SET y = 1");
    expect(infos).toEqual([expect.objectContaining({ message: 'hello from PRINT', lineNumber: 4 })]);
    expect(r.rowsAffected).toEqual([3]);
  });

  it('records mssql Transaction begin/commit/rollback (TRANSACTION_MANAGER) and tedious tracks them', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    const tx = new sql.Transaction(pool);
    await tx.begin(sql.ISOLATION_LEVEL.READ_COMMITTED);
    const inside = await new sql.Request(tx).query('SELECT @@TRANCOUNT AS n');
    expect(inside.recordset).toEqual([{ n: 1 }]);
    await tx.commit();
    const tx2 = new sql.Transaction(pool);
    await tx2.begin();
    await new sql.Request(tx2).batch('INSERT INTO dbo.T VALUES (1)');
    await tx2.rollback();
    const txns = server.recordsOf('transaction').map((r) => [r.op, r.source, r.tranCount]);
    expect(txns).toEqual([
      ['begin', 'tm', 1],
      ['commit', 'tm', 0],
      ['begin', 'tm', 1],
      ['rollback', 'tm', 0],
    ]);
    expect(server.recordsOf('transaction')[0]!.isolationLevel).toBe(2);
  });

  it('tracks BEGIN TRAN / COMMIT / ROLLBACK written in batch text and sends the ENVCHANGEs', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    await pool.request().batch('BEGIN TRANSACTION;\nINSERT INTO dbo.Log VALUES (1);');
    const connectionId = server.recordsOf('batch').at(-1)!.connectionId;
    expect(server.connections.find((c) => c.id === connectionId)!.tranCount).toBe(1);
    expect((await pool.request().batch('SELECT @@TRANCOUNT AS n')).recordset).toEqual([{ n: 1 }]);
    await pool.request().batch("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION; SELECT 'not in a string: COMMIT'");
    await pool.request().batch('BEGIN TRAN t1\nCOMMIT TRAN t1');
    const txns = server.recordsOf('transaction').map((r) => [r.op, r.source, r.tranCount, r.name]);
    expect(txns).toEqual([
      ['begin', 'batch', 1, undefined],
      ['rollback', 'batch', 0, undefined],
      ['begin', 'batch', 1, 't1'],
      ['commit', 'batch', 0, 't1'],
    ]);
    // tedious saw the ROLLBACK ENVCHANGE: a new mssql transaction can begin on the same connection.
    const tx = new sql.Transaction(pool);
    await tx.begin();
    await tx.commit();
  });

  it('an error responder with rollback dooms the open transaction', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    server.addResponder({ sql: 'boom', respond: { error: { number: 8134, message: 'Divide by zero error encountered.', rollback: true } } });
    await pool.request().batch('BEGIN TRAN');
    await expect(pool.request().batch('SELECT 1/0 -- boom')).rejects.toMatchObject({ number: 8134 });
    expect(server.recordsOf('transaction').at(-1)).toMatchObject({ op: 'rollback', source: 'error', tranCount: 0 });
    expect(server.connections.find((c) => c.open)!.tranCount).toBe(0);
  });

  it('cancels a delayed request with ATTENTION and keeps the connection usable', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    await pool.request().query('SELECT 0 AS warm');
    const loginsBefore = server.recordsOf('login').length;
    server.addResponder({ sql: 'WAITFOR', respond: { delayMs: 60_000, rows: [{ late: 1 }] } });
    const request = pool.request();
    const pending = request.batch("WAITFOR DELAY '00:01:00'");
    await server.waitForRecord((r) => r.kind === 'batch' && r.text.startsWith('WAITFOR'));
    request.cancel();
    await expect(pending).rejects.toMatchObject({ code: 'ECANCEL' });
    const attention = server.recordsOf('attention')[0]!;
    const batch = server.recordsOf('batch').find((r) => r.text.startsWith('WAITFOR'))!;
    expect(attention.cancelledSeq).toBe(batch.seq);
    expect(attention.connectionId).toBe(batch.connectionId);
    const after = await pool.request().query('SELECT 3 AS three');
    expect(after.recordset).toEqual([{ three: 3 }]);
    expect(server.recordsOf('login')).toHaveLength(loginsBefore);
    expect(server.recordsOf('rpc').at(-1)!.connectionId).toBe(batch.connectionId);
  });

  it('rejects a wrong password with login failed 18456 and records it', async () => {
    const bad = new sql.ConnectionPool(poolConfig(server, { password: 'Not-The-Pw-7' }));
    const err = await bad.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(sql.ConnectionError);
    expect(err).toMatchObject({ code: 'ELOGIN', message: "Login failed for user 'sa'." });
    expect(server.recordsOf('login')[0]).toMatchObject({ success: false, authKind: 'sql', errorNumber: 18456, reason: 'wrong password' });
    expect(JSON.stringify(server.records)).not.toContain('Not-The-Pw-7');
  });

  it('fails a login to a database that does not exist with 4060 when databases are listed', async () => {
    await server.close();
    server = await startTdsServer({ logins: [SA], databases: ['master', 'AppDb'] });
    const err = await new sql.ConnectionPool(poolConfig(server, { database: 'Nope', options: { encrypt: false, maxRetriesOnTransientErrors: 0 } })).connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ELOGIN' });
    expect(server.recordsOf('login')[0]).toMatchObject({ success: false, errorNumber: 18456, reason: 'database Nope does not exist' });
  });

  it('logs in with NTLM (verified NTLMv2 response) and records the auth kind', async () => {
    pool = await new sql.ConnectionPool({
      server: '127.0.0.1',
      port: server.port,
      database: 'SSISDB',
      pool: { max: 1, min: 0 },
      options: { encrypt: false, trustServerCertificate: true },
      authentication: { type: 'ntlm', options: { domain: WIN.domain, userName: WIN.user, password: WIN.password } },
    }).connect();
    const r = await pool.request().query('SELECT DB_NAME() AS db');
    expect(r.recordset).toEqual([{ db: 'SSISDB' }]);
    expect(server.recordsOf('login')[0]).toMatchObject({ success: true, authKind: 'ntlm', domain: 'HOSPITAL', user: 'HOSPITAL\\deployer', checked: true });
    expect(server.recordsOf('rpc').at(-1)).toMatchObject({ authKind: 'ntlm', user: 'HOSPITAL\\deployer' });
  });

  it('rejects NTLM with a wrong password (and with an unknown user)', async () => {
    for (const [userName, password, reason] of [
      [WIN.user, 'not-the-password', 'NTLMv2 proof does not match the configured password'],
      ['stranger', WIN.password, 'no Windows user HOSPITAL\\stranger is configured'],
    ] as const) {
      const bad = new sql.ConnectionPool({
        server: '127.0.0.1',
        port: server.port,
        options: { encrypt: false },
        authentication: { type: 'ntlm', options: { domain: WIN.domain, userName, password } },
      });
      const err = await bad.connect().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ELOGIN', message: expect.stringContaining('untrusted domain') });
      expect(server.recordsOf('login').at(-1)).toMatchObject({ success: false, authKind: 'ntlm', errorNumber: 18452, reason });
    }
  });

  it('a drop responder closes the connection and the next request reconnects', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    server.addResponder({ sql: 'crash', times: 1, respond: { drop: true } });
    await expect(pool.request().batch('SELECT crash')).rejects.toMatchObject({ name: expect.stringMatching(/Error/) });
    const again = await pool.request().query('SELECT 4 AS four');
    expect(again.recordset).toEqual([{ four: 4 }]);
    expect(server.recordsOf('login').length).toBeGreaterThanOrEqual(2);
  });

  it('survives a malformed packet: that connection is closed and recorded, the server keeps serving', async () => {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    // A PRELOGIN packet whose option table points far outside the message.
    socket.write(Buffer.from([0x12, 0x01, 0x00, 0x0e, 0, 0, 1, 0, 0x00, 0xff, 0xf0, 0x00, 0x06, 0xff]));
    await closed;
    expect(server.recordsOf('error')[0]!.message).toMatch(/^protocol error: PRELOGIN option 0 points outside the message/);
    // A packet with an impossible length.
    const s2 = connect(server.port, '127.0.0.1');
    s2.on('error', () => undefined);
    await new Promise<void>((resolve) => s2.once('connect', () => resolve()));
    const closed2 = new Promise<void>((resolve) => s2.once('close', () => resolve()));
    s2.write(Buffer.from([0x12, 0x01, 0x00, 0x02, 0, 0, 1, 0]));
    await closed2;
    expect(server.recordsOf('error')[1]!.message).toMatch(/shorter than the 8-byte header/);
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    expect((await pool.request().query('SELECT 5 AS five')).recordset).toEqual([{ five: 5 }]);
  });

  it('appends every record to a JSON Lines file when recordFile is set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tds-double-'));
    try {
      const file = join(dir, 'records.jsonl');
      const s = await startTdsServer({ logins: [SA], recordFile: file });
      const p = await new sql.ConnectionPool(poolConfig(s)).connect();
      await p.request().batch('SELECT 1');
      await p.close();
      await s.close();
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TdsRecord);
      expect(lines.map((l) => l.kind)).toEqual(s.records.map((r) => r.kind));
      expect(lines.map((l) => l.kind)).toContain('login');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a responder that throws answers error 50000 instead of hanging the client', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    server.addResponder({
      sql: 'explode',
      respond: () => {
        throw new Error('bad test responder');
      },
    });
    await expect(pool.request().batch('explode')).rejects.toMatchObject({ number: 50000, message: 'TDS double responder threw: bad test responder' });
  });

  it('newest responder wins, times limits uses, remove() unregisters, undefined passes the request on', async () => {
    pool = await new sql.ConnectionPool(poolConfig(server)).connect();
    server.addResponder({ sql: 'pick', respond: { rows: [{ v: 'old' }] } });
    const once = server.addResponder({ sql: 'pick', times: 1, respond: { rows: [{ v: 'once' }] } });
    const pass = server.addResponder({ sql: 'pick', respond: () => undefined });
    expect((await pool.request().batch('pick')).recordset).toEqual([{ v: 'once' }]);
    expect((await pool.request().batch('pick')).recordset).toEqual([{ v: 'old' }]);
    expect(once.calls).toBe(1);
    expect(pass.calls).toBe(0);
    const h = server.addResponder({ sql: /^pick$/, respond: { rows: [{ v: 'new' }] } });
    expect((await pool.request().batch('pick')).recordset).toEqual([{ v: 'new' }]);
    h.remove();
    expect((await pool.request().batch('pick')).recordset).toEqual([{ v: 'old' }]);
  });
});
