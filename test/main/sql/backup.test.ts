import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlSession, type SqlServerMessage, type SqlSession } from '../../../main/sql/connect';
import { resolveConnectionSettings } from '../../../main/sql/connection-settings';
import { BackupFailure, backupAndVerify, backupFileName, readBackupEnvironment, restoreStatements, sameVolume, serverPath } from '../../../main/sql/backup';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';

const LOGIN = { user: 'deploy', password: 'Backup-Test-1' };
let server: TdsServer;
const sessions: SqlSession[] = [];

async function session(database = 'master'): Promise<SqlSession> {
  const s = await openSqlSession(resolveConnectionSettings({ server: `127.0.0.1,${server.port}`, user: LOGIN.user, password: LOGIN.password, database, encrypt: 'optional' }));
  sessions.push(s);
  return s;
}

beforeEach(async () => {
  server = await startTdsServer({ logins: [LOGIN], backup: { pages: { Pharmacy: 1000 } } });
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close().catch(() => undefined);
  await server.close();
});

describe('verified COPY_ONLY backups on the double', () => {
  it('backs up with COPY_ONLY, CHECKSUM, INIT, COMPRESSION and STATS, reports progress, then verifies WITH CHECKSUM', async () => {
    const s = await session('Pharmacy');
    const env = await readBackupEnvironment(s, 'Pharmacy');
    expect(env.defaultPath).toMatch(/MSSQL\\Backup\\$/);
    expect(env.compression).toBe(true);
    expect(env.dataBytes).toBe(1000 * 8192);
    expect(env.volume?.mountPoint).toBe('C:\\');
    expect(sameVolume(env.defaultPath!, env.volume!.mountPoint)).toBe(true);
    const disk = serverPath(env.defaultPath!, backupFileName('Pharmacy', '20261203T080000Z-st-brigids-e8a884', new Date('2026-12-03T08:00:00Z')));
    expect(disk).toMatch(/\\Pharmacy_DropRunner_20261203-080000_e8a884\.bak$/);
    const messages: SqlServerMessage[] = [];
    const result = await backupAndVerify(s, 'Pharmacy', disk, { compression: env.compression, stats: 25, onMessage: (m) => messages.push(m) });
    expect(messages.filter((m) => m.number === 3211).map((m) => m.message)).toEqual(['25 percent processed.', '50 percent processed.', '75 percent processed.', '100 percent processed.']);
    expect(result).toMatchObject({ disk, pages: 1002, bytes: 1002 * 8192, verified: true });
    expect(result.summary[0]).toMatch(/^BACKUP DATABASE successfully processed 1002 pages/);
    expect(result.summary[1]).toBe('The backup set on file 1 is valid.');
    const texts = server.recordsOf('batch').map((b) => b.text);
    const backupAt = texts.findIndex((t) => t.startsWith('BACKUP DATABASE [Pharmacy]'));
    expect(texts[backupAt]).toBe(`BACKUP DATABASE [Pharmacy] TO DISK = N'${disk}' WITH COPY_ONLY, CHECKSUM, INIT, COMPRESSION, STATS = 25`);
    expect(texts[backupAt + 1]).toBe(`RESTORE VERIFYONLY FROM DISK = N'${disk}' WITH CHECKSUM`);
    expect(server.backups.operations.map((o) => [o.kind, o.ok])).toEqual([['backup', true], ['verify', true]]);
    expect(server.backups.files.get(disk.toLowerCase())).toMatchObject({ database: 'Pharmacy', checksum: true, copyOnly: true, compressed: true });
  });

  it('3201 then 3013 when the device cannot be opened; nothing is verified', async () => {
    const s = await session();
    server.backups.scenario.failBackup = { error: 3201 };
    const failure = await backupAndVerify(s, 'Pharmacy', 'X:\\nowhere\\p.bak', { compression: false, stats: 10 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BackupFailure);
    expect((failure as BackupFailure).phase).toBe('backup');
    expect((failure as BackupFailure).numbers).toEqual([3201, 3013]);
    expect((failure as BackupFailure).message).toContain("Cannot open backup device 'X:\\nowhere\\p.bak'. Operating system error 5(Access is denied.)");
    expect(server.backups.operations.map((o) => o.kind)).toEqual(['backup']);
    // The switch is one-shot: the next backup succeeds.
    await expect(backupAndVerify(s, 'Pharmacy', 'C:\\b\\p.bak', { compression: false, stats: 10 })).resolves.toMatchObject({ verified: true });
  });

  it('a damaged backup fails verification (3189, 3013); Express refuses COMPRESSION (1844)', async () => {
    const s = await session();
    server.backups.scenario.failVerify = true;
    const failure = (await backupAndVerify(s, 'Pharmacy', 'C:\\b\\p.bak', { compression: false, stats: 50 }).catch((e: unknown) => e)) as BackupFailure;
    expect([failure.phase, ...failure.numbers]).toEqual(['verify', 3189, 3013]);
    server.backups.options.edition = 'Express Edition (64-bit)';
    expect((await readBackupEnvironment(s, 'Pharmacy')).compression).toBe(false);
    const refused = (await backupAndVerify(s, 'Pharmacy', 'C:\\b\\q.bak', { compression: true, stats: 50 }).catch((e: unknown) => e)) as BackupFailure;
    expect(refused.numbers).toEqual([1844, 3013]);
  });

  it('RESTORE needs exclusive access: 3101 while another session uses the database, success after SINGLE_USER WITH ROLLBACK IMMEDIATE', async () => {
    const user = await session('Pharmacy');
    const dba = await session();
    await backupAndVerify(dba, 'Pharmacy', 'C:\\b\\p.bak', { compression: false, stats: 50 });
    const [use, single, restore, multi] = restoreStatements('Pharmacy', 'C:\\b\\p.bak');
    await dba.batch(use!);
    const blocked = await dba.batch(restore!).catch((e: unknown) => e as { errors: SqlServerMessage[] });
    expect((blocked as { errors: SqlServerMessage[] }).errors.map((e) => e.number)).toEqual([3101, 3013]);
    for (const sql of [single!, restore!, multi!]) await dba.batch(sql);
    expect(server.backups.operations.map((o) => [o.kind, o.ok])).toEqual([['backup', true], ['verify', true], ['restore', false], ['single-user', true], ['restore', true], ['multi-user', true]]);
    expect(server.backups.operations.find((o) => o.kind === 'restore' && o.ok)?.options).toEqual(['REPLACE', 'STATS=10']);
    void user;
  });

  it('a restore from a file never written fails like a missing file (3201 OS error 2, then 3013)', async () => {
    const s = await session();
    const failed = (await s.batch(restoreStatements('Pharmacy', 'C:\\b\\none.bak')[2]!).catch((e: unknown) => e)) as { errors: SqlServerMessage[] };
    expect(failed.errors.map((e) => e.number)).toEqual([3201, 3013]);
    expect(failed.errors[0]!.message).toContain('Operating system error 2(The system cannot find the file specified.)');
  });
});
