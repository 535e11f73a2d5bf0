import sql from 'mssql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildIspac } from '../fixtures/ispac-builder';
import { startTdsServer, type TdsServer } from '../tds-server/index';
import { createSsisdbEmulation, type SsisdbEmulation } from './index';

/**
 * The emulation must fail a wrong call the way SQL Server would, or the product's tests prove
 * nothing. These tests call the catalog directly through mssql with deliberate mistakes.
 */

const WIN = { domain: 'HOSPITAL', user: 'deployer', password: 'W1ndows!pw' };
const SA = { user: 'sa', password: 'Str0ng!pw' };
let server: TdsServer;
let ssisdb: SsisdbEmulation;
const pools: sql.ConnectionPool[] = [];

beforeEach(async () => {
  server = await startTdsServer({ windowsUsers: [WIN], logins: [SA] });
  ssisdb = createSsisdbEmulation();
  server.use(ssisdb);
});
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
  await server.close();
});

async function connect(kind: 'ntlm' | 'sql' = 'ntlm', database = 'master'): Promise<sql.ConnectionPool> {
  const pool = new sql.ConnectionPool({
    server: '127.0.0.1',
    port: server.port,
    database,
    ...(kind === 'ntlm' ? { user: WIN.user, password: WIN.password, domain: WIN.domain } : { user: SA.user, password: SA.password }),
    pool: { max: 1, min: 0 },
    options: { encrypt: false, trustServerCertificate: true },
  });
  await pool.connect();
  pools.push(pool);
  return pool;
}

async function rejection(promise: Promise<unknown>): Promise<{ number: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { number: number; message: string };
  }
  throw new Error('expected the call to fail');
}

const ISPAC = buildIspac({ projectName: 'Feeds', version: { major: 1, minor: 0, build: 0 }, projectParameters: [{ name: 'Batch', dataType: 9, required: true }], packages: [{ name: 'Load.dtsx' }] });

async function setUpProject(pool: sql.ConnectionPool): Promise<void> {
  await pool.request().input('folder_name', sql.NVarChar(128), 'F').output('folder_id', sql.BigInt).execute('SSISDB.catalog.create_folder');
  await pool.request().input('folder_name', sql.NVarChar(128), 'F').input('project_name', sql.NVarChar(128), 'Feeds').input('project_stream', sql.VarBinary(sql.MAX), ISPAC).output('operation_id', sql.BigInt).execute('SSISDB.catalog.deploy_project');
  await pool.request().input('folder_name', sql.NVarChar(128), 'F').input('environment_name', sql.NVarChar(128), 'Prod').execute('SSISDB.catalog.create_environment');
}

function createVariable(pool: sql.ConnectionPool, type: string, value: [sql.ISqlType | (() => sql.ISqlType), unknown], name = 'V') {
  return pool
    .request()
    .input('folder_name', sql.NVarChar(128), 'F')
    .input('environment_name', sql.NVarChar(128), 'Prod')
    .input('variable_name', sql.NVarChar(128), name)
    .input('data_type', sql.NVarChar(128), type)
    .input('sensitive', sql.Bit, false)
    .input('value', value[0], value[1])
    .execute('SSISDB.catalog.create_environment_variable');
}

describe('SSISDB emulation: procedure signatures and documented errors', () => {
  it('creates a folder and answers the folders view; an existing folder is 27190', async () => {
    const pool = await connect();
    const r = await pool.request().input('folder_name', sql.NVarChar(128), 'F').output('folder_id', sql.BigInt).execute('[SSISDB].[catalog].[create_folder]');
    expect(String(r.output.folder_id)).toBe('1');
    const rows = await pool.request().input('n', sql.NVarChar(128), 'f').query('SELECT folder_id, name FROM SSISDB.catalog.folders WHERE name = @n');
    expect(rows.recordset).toEqual([{ folder_id: '1', name: 'F' }]);
    const again = await rejection(pool.request().input('folder_name', sql.NVarChar(128), 'F').output('folder_id', sql.BigInt).execute('SSISDB.catalog.create_folder'));
    expect(again.number).toBe(27190);
  });

  it('rejects SQL logins with 27123 and creates nothing', async () => {
    const pool = await connect('sql');
    const error = await rejection(pool.request().input('folder_name', sql.NVarChar(128), 'F').output('folder_id', sql.BigInt).execute('SSISDB.catalog.create_folder'));
    expect(error.number).toBe(27123);
    expect(error.message).toMatch(/SQL Server Authentication/);
    expect(ssisdb.catalog.folders).toEqual([]);
  });

  it('checks names, required parameters and OUTPUT like SQL Server (201, 8145, 8162) and is strict about the rest', async () => {
    const pool = await connect();
    expect((await rejection(pool.request().output('folder_id', sql.BigInt).execute('SSISDB.catalog.create_folder'))).number).toBe(201);
    expect((await rejection(pool.request().input('folder', sql.NVarChar(128), 'F').output('folder_id', sql.BigInt).execute('SSISDB.catalog.create_folder'))).number).toBe(8145);
    expect((await rejection(pool.request().output('folder_name', sql.NVarChar(128), 'F').output('folder_id', sql.BigInt).execute('SSISDB.catalog.create_folder'))).number).toBe(8162);
    const notOutput = await rejection(pool.request().input('folder_name', sql.NVarChar(128), 'F').input('folder_id', sql.BigInt, 0).execute('SSISDB.catalog.create_folder'));
    expect(notOutput.message).toMatch(/@folder_id is an OUTPUT parameter/);
    const wrongType = await rejection(pool.request().input('folder_name', sql.Int, 5).output('folder_id', sql.BigInt).execute('SSISDB.catalog.create_folder'));
    expect(wrongType.message).toMatch(/@folder_name is nvarchar\(128\) but a int was sent/);
    const tooLong = await rejection(pool.request().input('folder_name', sql.NVarChar(200), 'x'.repeat(129)).output('folder_id', sql.BigInt).execute('SSISDB.catalog.create_folder'));
    expect(tooLong.message).toMatch(/would be truncated/);
    expect(ssisdb.catalog.folders).toEqual([]);
  });

  it('needs SSISDB in the name when connected to another database (2812)', async () => {
    const pool = await connect();
    expect((await rejection(pool.request().input('folder_name', sql.NVarChar(128), 'F').output('folder_id', sql.BigInt).execute('catalog.create_folder'))).number).toBe(2812);
    const inSsisdb = await connect('ntlm', 'SSISDB');
    await inSsisdb.request().input('folder_name', sql.NVarChar(128), 'F').output('folder_id', sql.BigInt).execute('catalog.create_folder');
    expect(ssisdb.catalog.folders).toHaveLength(1);
  });

  it('checks a variable value against its SSIS type; sql_variant cannot take nvarchar(max) (206)', async () => {
    const pool = await connect();
    await setUpProject(pool);
    expect((await rejection(createVariable(pool, 'Int32', [sql.NVarChar(10), '42']))).number).toBe(27147);
    expect((await rejection(createVariable(pool, 'SByte', [sql.SmallInt, 1]))).number).toBe(27159);
    expect((await rejection(createVariable(pool, 'String', [sql.NVarChar(sql.MAX), 'long']))).number).toBe(206);
    await createVariable(pool, 'Int32', [sql.Int, 42]);
    expect((await rejection(createVariable(pool, 'Int32', [sql.Int, 43]))).number).toBe(27173);
    expect(ssisdb.catalog.variables).toEqual([expect.objectContaining({ name: 'V', type: 'Int32', value: { baseType: 'int', value: 42 } })]);
    const update = await rejection(
      pool.request().input('folder_name', sql.NVarChar(128), 'F').input('environment_name', sql.NVarChar(128), 'Prod').input('variable_name', sql.NVarChar(128), 'V').input('value', sql.Bit, true).execute('SSISDB.catalog.set_environment_variable_value'),
    );
    expect(update.number).toBe(27147);
    const missingEnv = await rejection(
      pool.request().input('folder_name', sql.NVarChar(128), 'F').input('environment_name', sql.NVarChar(128), 'Test').input('variable_name', sql.NVarChar(128), 'V').input('value', sql.Int, 1).execute('SSISDB.catalog.set_environment_variable_value'),
    );
    expect(missingEnv.number).toBe(27182);
  });

  it('keeps the deployed bytes, refuses a project whose name differs from the file (27203 with operation messages)', async () => {
    const pool = await connect();
    await setUpProject(pool);
    expect(ssisdb.catalog.projects[0]!.stream.equals(ISPAC)).toBe(true);
    const error = await rejection(
      pool.request().input('folder_name', sql.NVarChar(128), 'F').input('project_name', sql.NVarChar(128), 'Other').input('project_stream', sql.VarBinary(sql.MAX), ISPAC).output('operation_id', sql.BigInt).execute('SSISDB.catalog.deploy_project'),
    );
    expect(error.number).toBe(27203);
    const op = ssisdb.catalog.operations.at(-1)!;
    expect(op).toMatchObject({ operation_type: 101, status: 4 });
    expect(ssisdb.catalog.messages.filter((m) => m.operation_id === op.operation_id && m.message_type === 120).map((m) => m.message)).toEqual([
      "The project name 'Other' does not match the project name 'Feeds' in the deployment file.",
    ]);
  });

  it('binds parameters: 20/30, R/V, case-sensitive names (27106), literal type checked (27147)', async () => {
    const pool = await connect();
    await setUpProject(pool);
    const bind = (name: string, value: [sql.ISqlType | (() => sql.ISqlType), unknown], valueType: string, objectType = 20) =>
      pool
        .request()
        .input('object_type', sql.SmallInt, objectType)
        .input('folder_name', sql.NVarChar(128), 'F')
        .input('project_name', sql.NVarChar(128), 'Feeds')
        .input('parameter_name', sql.NVarChar(128), name)
        .input('parameter_value', value[0], value[1])
        .input('value_type', sql.Char(1), valueType)
        .execute('SSISDB.catalog.set_object_parameter_value');
    expect((await rejection(bind('batch', [sql.Int, 1], 'V'))).number).toBe(27106);
    expect((await rejection(bind('Batch', [sql.NVarChar(5), 'x'], 'V'))).number).toBe(27147);
    expect((await rejection(bind('Batch', [sql.Int, 1], 'X'))).number).toBe(27101);
    expect((await rejection(bind('Batch', [sql.Int, 1], 'V', 40))).number).toBe(27101);
    await bind('Batch', [sql.Int, 7], 'V');
    expect(ssisdb.catalog.parameters[0]).toMatchObject({ value_type: 'V', value_set: true, default_value: { baseType: 'int', value: 7 } });
    await bind('Batch', [sql.NVarChar(128), 'BatchVar'], 'R');
    expect(ssisdb.catalog.parameters[0]).toMatchObject({ value_type: 'R', referenced_variable_name: 'BatchVar', default_value: null });
    const rows = await pool.request().input('p', sql.BigInt, ssisdb.catalog.projects[0]!.project_id).query('SELECT parameter_name, value_type, CONVERT(nvarchar(4000), default_value) AS v FROM [SSISDB].[catalog].[object_parameters] WHERE project_id = @p');
    expect(rows.recordset).toEqual([{ parameter_name: 'Batch', value_type: 'R', v: null }]);
  });

  it('refuses to send sql_variant columns and names unknown view columns (207)', async () => {
    const pool = await connect();
    expect((await rejection(pool.request().query('SELECT value FROM SSISDB.catalog.environment_variables'))).message).toMatch(/sql_variant/);
    expect((await rejection(pool.request().query('SELECT nonsense FROM SSISDB.catalog.folders'))).number).toBe(207);
    expect((await rejection(pool.request().query('SELECT name FROM SSISDB.catalog.no_such_view'))).number).toBe(208);
  });
});

describe('deleting catalog objects (the conformance kit cleans up this way)', () => {
  const text = (pool: sql.ConnectionPool, params: Record<string, string>) => {
    const r = pool.request();
    for (const [k, v] of Object.entries(params)) r.input(k, sql.NVarChar(128), v);
    return r;
  };

  it('refuses a folder that still holds a project or environment; deletes it once emptied', async () => {
    const pool = await connect();
    await setUpProject(pool);
    await pool.request().input('folder_name', sql.NVarChar(128), 'F').input('project_name', sql.NVarChar(128), 'Feeds').input('environment_name', sql.NVarChar(128), 'Prod').input('reference_location', sql.Char(1), 'R').output('reference_id', sql.BigInt).execute('SSISDB.catalog.create_environment_reference');
    expect((await rejection(text(pool, { folder_name: 'F' }).execute('SSISDB.catalog.delete_folder'))).message).toMatch(/still contains projects or environments/);
    await text(pool, { folder_name: 'F', project_name: 'Feeds' }).execute('SSISDB.catalog.delete_project');
    expect(ssisdb.catalog.projects).toEqual([]);
    expect(ssisdb.catalog.references).toEqual([]);
    expect(ssisdb.catalog.parameters).toEqual([]);
    await text(pool, { folder_name: 'F', environment_name: 'Prod' }).execute('SSISDB.catalog.delete_environment');
    expect(ssisdb.catalog.environments).toEqual([]);
    await text(pool, { folder_name: 'F' }).execute('SSISDB.catalog.delete_folder');
    expect(ssisdb.catalog.folders).toEqual([]);
  });

  it('names what is missing: an unknown project or environment, and a folder that is gone', async () => {
    const pool = await connect();
    await setUpProject(pool);
    expect((await rejection(text(pool, { folder_name: 'F', project_name: 'Nope' }).execute('SSISDB.catalog.delete_project'))).number).toBe(27109);
    expect((await rejection(text(pool, { folder_name: 'F', environment_name: 'Nope' }).execute('SSISDB.catalog.delete_environment'))).number).toBe(27182);
    expect((await rejection(text(pool, { folder_name: 'Gone' }).execute('SSISDB.catalog.delete_folder'))).number).toBe(27104);
  });
});

describe('SSISDB emulation: project versions (catalog.object_versions, catalog.restore_project)', () => {
  const V2 = buildIspac({ projectName: 'Feeds', version: { major: 2, minor: 0, build: 0 }, projectParameters: [{ name: 'Batch', dataType: 9, required: true }], packages: [{ name: 'Load.dtsx' }, { name: 'Extra.dtsx' }] });
  const restore = (pool: sql.ConnectionPool, lsn: number | string, project = 'Feeds') =>
    pool.request().input('folder_name', sql.NVarChar(128), 'F').input('project_name', sql.NVarChar(128), project).input('object_version_lsn', sql.BigInt, lsn).execute('SSISDB.catalog.restore_project');

  it('keeps every deployment as a version and restores an earlier one (bytes back, parameters to defaults, version marked restored)', async () => {
    const pool = await connect();
    await setUpProject(pool);
    const first = (await pool.request().query('SELECT object_version_lsn FROM SSISDB.catalog.projects')).recordset[0].object_version_lsn as string;
    await pool.request().input('folder_name', sql.NVarChar(128), 'F').input('project_name', sql.NVarChar(128), 'Feeds').input('project_stream', sql.VarBinary(sql.MAX), V2).output('operation_id', sql.BigInt).execute('SSISDB.catalog.deploy_project');
    const versions = (await pool.request().query('SELECT object_version_lsn, object_id, object_type, object_name, created_by, restored_by FROM SSISDB.catalog.object_versions ORDER BY object_version_lsn')).recordset;
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatchObject({ object_version_lsn: first, object_type: 20, object_name: 'Feeds', created_by: 'HOSPITAL\\deployer', restored_by: null });
    expect(ssisdb.catalog.projects[0]!.packages).toContain('Extra.dtsx');
    ssisdb.catalog.parameters[0]!.value_set = true;
    const r = await restore(pool, first);
    expect(r.returnValue).toBe(0);
    expect(Buffer.compare(r.recordset[0][''] as Buffer, ISPAC)).toBe(0);
    expect(ssisdb.catalog.projects[0]).toMatchObject({ object_version_lsn: Number(first), packages: ['Load.dtsx'] });
    expect(ssisdb.catalog.parameters[0]!.value_set).toBe(false);
    const after = (await pool.request().input('lsn', sql.BigInt, first).query('SELECT restored_by, last_restored_time FROM SSISDB.catalog.object_versions WHERE object_version_lsn = @lsn')).recordset[0];
    expect(after.restored_by).toBe('HOSPITAL\\deployer');
    expect(after.last_restored_time).toBeInstanceOf(Date);
    expect(ssisdb.catalog.operations.at(-1)).toMatchObject({ operation_type: 106, status: 7 });
  });

  it('documented errors: unknown version, a version of another project, unknown project, SQL login, missing argument', async () => {
    const pool = await connect();
    await setUpProject(pool);
    expect((await rejection(restore(pool, 999))).number).toBe(27194);
    expect((await rejection(restore(pool, 1, 'Other'))).number).toBe(27109);
    const sa = await connect('sql');
    expect((await rejection(restore(sa, 1))).number).toBe(27123);
    const noLsn = await rejection(pool.request().input('folder_name', sql.NVarChar(128), 'F').input('project_name', sql.NVarChar(128), 'Feeds').execute('SSISDB.catalog.restore_project'));
    expect(noLsn.number).toBe(201);
  });
});
