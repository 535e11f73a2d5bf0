import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlSession } from '../../../main/sql/connect';
import { resolveConnectionSettings } from '../../../main/sql/connection-settings';
import { startTdsServer } from '../tds-server/index';
import { kitStatements } from './kit-statements';
import { chooseSsisTarget } from './ssis-target';
import { parseEnvFile, readKitEnv } from './kit-env';
import { KIT_PREFIX, likePattern } from './kit-prefix';
import { chooseSqlTarget, openSqlTarget } from './sql-target';

const dir = mkdtempSync(path.join(tmpdir(), 'dr-kit-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('where the kit finds its targets', () => {
  it('reads KEY=VALUE files with comments, export and quotes; a malformed line is a clear error', () => {
    expect(parseEnvFile('# kit\nexport DROP_RUNNER_TEST_SQL="Server=db01,1433;User Id=sa;Password=a=b;c"\n\nDROP_RUNNER_TEST_SSISDB=Server=ssis01;Integrated Security=SSPI\n', 'kit.env')).toEqual({
      DROP_RUNNER_TEST_SQL: 'Server=db01,1433;User Id=sa;Password=a=b;c',
      DROP_RUNNER_TEST_SSISDB: 'Server=ssis01;Integrated Security=SSPI',
    });
    expect(() => parseEnvFile('DROP_RUNNER_TEST_SQL\n', 'kit.env')).toThrow(/kit\.env line 1 is not KEY=VALUE/);
  });

  it('takes the environment first, then the file; says where the values came from', () => {
    const file = path.join(dir, 'kit.env');
    writeFileSync(file, 'DROP_RUNNER_TEST_SQL=Server=fromfile\nDROP_RUNNER_TEST_SSISDB=Server=ssisfile\n');
    expect(readKitEnv({ DROP_RUNNER_TEST_ENV_FILE: file })).toEqual({ sql: 'Server=fromfile', ssisdb: 'Server=ssisfile', realOnly: false, source: `file ${file}` });
    expect(readKitEnv({ DROP_RUNNER_TEST_ENV_FILE: file, DROP_RUNNER_TEST_SQL: 'Server=env' }).sql).toBe('Server=env');
    expect(readKitEnv({})).toEqual({ realOnly: false, source: 'none' });
    expect(() => readKitEnv({ DROP_RUNNER_TEST_ENV_FILE: path.join(dir, 'missing.env') })).toThrow(/cannot be read/);
  });

  it('chooses the double by default, the real server when named, and skips in real-only mode without one', () => {
    expect(chooseSqlTarget({})).toEqual({ kind: 'double' });
    expect(chooseSqlTarget({ DROP_RUNNER_TEST_SQL: 'Server=db01' })).toEqual({ kind: 'real', connectionString: 'Server=db01' });
    expect(chooseSqlTarget({ DROP_RUNNER_TEST_REAL: '1' })).toEqual({ kind: 'real', skip: 'DROP_RUNNER_TEST_SQL is not set' });
    expect(chooseSsisTarget({ DROP_RUNNER_TEST_REAL: '1', DROP_RUNNER_TEST_SQL: 'Server=db01' })).toEqual({ kind: 'real', skip: 'DROP_RUNNER_TEST_SSISDB is not set' });
    expect(chooseSsisTarget({ DROP_RUNNER_TEST_SSISDB: 'Server=ssis01' })).toEqual({ kind: 'real', connectionString: 'Server=ssis01' });
  });
});

describe('the kit prefix', () => {
  it('is drtest_<run>_<process>_ and escapes LIKE wildcards', () => {
    expect(KIT_PREFIX).toMatch(/^drtest_[a-z0-9]{4,16}_\d+_$/);
    expect(likePattern('drtest_ab_1_')).toBe('drtest[_]ab[_]1[_]%');
  });

  it('creates and drops only its own databases; close fails loudly when something with its prefix is left behind', async () => {
    const target = await openSqlTarget({ kind: 'double' });
    const db = await target.newDatabase();
    expect(db.database).toMatch(new RegExp(`^${KIT_PREFIX}\\d+$`));
    const listed = await target.query(target.server, `SELECT name FROM sys.databases WHERE name LIKE N'${likePattern(KIT_PREFIX)}'`);
    expect(listed.map((r) => r.name)).toEqual([db.database]);
    // Someone else (not this fixture) creates a database with the prefix: a second fixture refuses.
    const session = await openSqlSession(target.server);
    await session.batch(`CREATE DATABASE [${KIT_PREFIX}foreign]`);
    await session.close();
    await expect(target.newDatabase()).resolves.toBeDefined();
    await expect(target.close()).rejects.toThrow(/could not remove .*foreign/);
  });

  it('refuses a server where its prefix is already in use by something it did not create', async () => {
    // A double standing in for a shared server, reached the way a real one is: by connection string.
    const server = await startTdsServer({ logins: [{ user: 'kit', password: 'Kit!pw-9' }] });
    server.use(kitStatements());
    try {
      const connectionString = `Server=127.0.0.1,${server.port};User Id=kit;Password=Kit!pw-9;Encrypt=False`;
      const session = await openSqlSession(resolveConnectionSettings({ connectionString }));
      await session.batch(`CREATE DATABASE [${KIT_PREFIX}left_over]`);
      await session.close();
      await expect(openSqlTarget({ kind: 'real', connectionString })).rejects.toThrow(new RegExp(`refuses to run: databases ${KIT_PREFIX}left_over on SQL Server 127\\.0\\.0\\.1`));
      server.clearRecords();
      await expect(openSqlTarget({ kind: 'real', connectionString })).rejects.toThrow(/refuses/);
      expect(server.recordsOf('batch').some((r) => /CREATE DATABASE/i.test(r.text))).toBe(false);
    } finally {
      await server.close();
    }
  });
});
