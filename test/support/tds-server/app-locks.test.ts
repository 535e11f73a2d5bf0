import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlSession, type SqlSession } from '../../../main/sql/connect';
import { resolveConnectionSettings } from '../../../main/sql/connection-settings';
import { startTdsServer, type TdsServer } from './index';

const LOGIN = { user: 'deploy', password: 'Lock-Test-1' };
let server: TdsServer;
const sessions: SqlSession[] = [];

beforeEach(async () => {
  server = await startTdsServer({ logins: [LOGIN] });
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close().catch(() => undefined);
  await server.close();
});

async function session(): Promise<SqlSession> {
  const s = await openSqlSession(resolveConnectionSettings({ server: `127.0.0.1,${server.port}`, user: LOGIN.user, password: LOGIN.password, encrypt: 'optional' }));
  sessions.push(s);
  return s;
}

/** The shapes clients send: literal arguments in a batch, and a parameter passed through sp_executesql. */
const getLiteral = (s: SqlSession, resource: string, timeout: number) => s.query(`DECLARE @r int; EXEC @r = sp_getapplock @Resource = N'${resource}', @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = ${timeout}; SELECT @r AS result;`).then((rows) => rows[0]!.result);
const getParam = (s: SqlSession, resource: string, timeout: number) =>
  s
    .query("DECLARE @r int; EXEC @r = sp_getapplock @Resource = @res, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = @t; SELECT @r AS result;", [
      { name: 'res', type: 'nvarchar', value: resource },
      { name: 't', type: 'int', value: timeout },
    ])
    .then((rows) => rows[0]!.result);
const release = (s: SqlSession, resource: string) => s.query(`DECLARE @r int; EXEC @r = sp_releaseapplock @Resource = N'${resource}', @LockOwner = 'Session'; SELECT @r AS result;`).then((rows) => rows[0]!.result);

describe('the double\'s application locks', () => {
  it('grant (0), refuse after the timeout (-1), grant after waiting (1), and end with the session', async () => {
    const a = await session();
    const b = await session();
    expect(await getLiteral(a, 'Deploy:X', 0)).toBe(0);
    // Case does not matter in lock names; the holder may ask again.
    expect(await getParam(a, 'deploy:x', 0)).toBe(0);
    expect(await getParam(b, 'Deploy:X', 0)).toBe(-1);
    expect(await getParam(b, 'Deploy:X', 100)).toBe(-1);
    const waiting = getParam(b, 'Deploy:X', 5_000);
    await new Promise((r) => setTimeout(r, 50));
    await a.close();
    expect(await waiting).toBe(1);
    expect(await getLiteral(b, 'Other', 0)).toBe(0);
  });

  it('release: 0 for the holder, -999 for anyone else or a lock nobody holds', async () => {
    const a = await session();
    const b = await session();
    expect(await getLiteral(a, 'R', 0)).toBe(0);
    expect(await release(b, 'R')).toBe(-999);
    expect(await release(a, 'R')).toBe(0);
    expect(await release(a, 'R')).toBe(-999);
    expect(await getLiteral(b, 'R', 0)).toBe(0);
  });

  it('a missing or over-long resource name is -999', async () => {
    const a = await session();
    expect(await getLiteral(a, 'x'.repeat(256), 0)).toBe(-999);
    expect((await a.query("DECLARE @r int; EXEC @r = sp_getapplock @LockMode = 'Exclusive'; SELECT @r AS result;"))[0]!.result).toBe(-999);
  });
});
