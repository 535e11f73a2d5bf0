/**
 * Verified COPY_ONLY backups and their restore, in T-SQL. COPY_ONLY keeps the hospital's own backup
 * chain intact (a differential after ours still bases on their last full backup); CHECKSUM makes the
 * server check every page as it writes and lets RESTORE VERIFYONLY … WITH CHECKSUM prove the file is
 * readable end to end. Names and paths are written as literals (QUOTENAME-style brackets, N'…'
 * strings) because BACKUP/RESTORE do not take a database name as a parameter.
 */
import type { SqlServerMessage, SqlSession } from './connect';

/** [name] with ] doubled, like QUOTENAME. */
export function quoteName(name: string): string {
  return `[${name.replace(/\]/g, ']]')}]`;
}

/** N'text' with ' doubled. */
export function sqlString(text: string): string {
  return `N'${text.replace(/'/g, "''")}'`;
}

/** Joins a folder on the SQL Server machine with a file name, in that machine's path style. */
export function serverPath(folder: string, file: string): string {
  const windows = /^[A-Za-z]:|^\\\\/.test(folder) || (folder.includes('\\') && !folder.includes('/'));
  const sep = windows ? '\\' : '/';
  return folder.endsWith('\\') || folder.endsWith('/') ? `${folder}${file}` : `${folder}${sep}${file}`;
}

/** <database>_DropRunner_<yyyyMMdd-HHmmss>_<deployment id's random tail>.bak — unique per database and deployment, sortable. */
export function backupFileName(database: string, deploymentId: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const safe = database.replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${safe}_DropRunner_${stamp}_${deploymentId.replace(/[^A-Za-z0-9]/g, '').slice(-6)}.bak`;
}

export interface BackupStatementOptions {
  compression: boolean;
  /** STATS = n: the server reports progress every n percent. */
  stats: number;
}

export function backupStatement(database: string, disk: string, o: BackupStatementOptions): string {
  return `BACKUP DATABASE ${quoteName(database)} TO DISK = ${sqlString(disk)} WITH COPY_ONLY, CHECKSUM, INIT${o.compression ? ', COMPRESSION' : ''}, STATS = ${o.stats}`;
}

export function verifyStatement(disk: string): string {
  return `RESTORE VERIFYONLY FROM DISK = ${sqlString(disk)} WITH CHECKSUM`;
}

/**
 * The restore, in the order it must run: from master (a session using the database blocks it),
 * SINGLE_USER WITH ROLLBACK IMMEDIATE to end other sessions' work, RESTORE … WITH REPLACE, and
 * MULTI_USER again. The same text is what `rollback --script-only` writes for the DBA.
 */
export function restoreStatements(database: string, disk: string): string[] {
  const db = quoteName(database);
  return [
    'USE [master]',
    `ALTER DATABASE ${db} SET SINGLE_USER WITH ROLLBACK IMMEDIATE`,
    `RESTORE DATABASE ${db} FROM DISK = ${sqlString(disk)} WITH REPLACE, STATS = 10`,
    `ALTER DATABASE ${db} SET MULTI_USER`,
  ];
}

/** What the server says about backing up a database: where, whether compression works, how big, how much room. */
export interface BackupEnvironment {
  /** SERVERPROPERTY('InstanceDefaultBackupPath'); null when the server does not report it. */
  defaultPath: string | null;
  edition: string | null;
  /** Express and Web editions cannot compress backups. */
  compression: boolean;
  /** Allocated data size (sys.master_files): an upper bound of the backup size; null when unreadable. */
  dataBytes: number | null;
  /** The data files' volume (sys.dm_os_volume_stats); null when VIEW SERVER STATE is denied. */
  volume: { mountPoint: string; totalBytes: number; availableBytes: number } | null;
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Reads the backup environment; each part that the login may not read is null rather than an error. */
export async function readBackupEnvironment(session: SqlSession, database: string): Promise<BackupEnvironment> {
  let defaultPath: string | null = null;
  let edition: string | null = null;
  try {
    const row = (await session.query("SELECT CONVERT(nvarchar(4000), SERVERPROPERTY('InstanceDefaultBackupPath')) AS backup_path, CONVERT(nvarchar(4000), SERVERPROPERTY('Edition')) AS edition"))[0];
    defaultPath = typeof row?.backup_path === 'string' && row.backup_path.length > 0 ? row.backup_path : null;
    edition = typeof row?.edition === 'string' ? row.edition : null;
  } catch {
    // Older servers and restricted logins: the operator sets a folder instead.
  }
  let dataBytes: number | null;
  let volume: BackupEnvironment['volume'] = null;
  const sizeSql = 'SELECT CAST(SUM(CAST(f.size AS bigint)) AS bigint) AS data_pages';
  const from = ' FROM sys.master_files AS f WHERE f.database_id = DB_ID(@db) AND f.type = 0';
  try {
    const row = (await session.query(`${sizeSql}, MIN(vs.volume_mount_point) AS volume_mount_point, MIN(vs.total_bytes) AS total_bytes, MIN(vs.available_bytes) AS available_bytes${from.replace(' WHERE', ' CROSS APPLY sys.dm_os_volume_stats(f.database_id, f.file_id) AS vs WHERE')}`, [{ name: 'db', type: 'nvarchar', value: database }]))[0];
    const pages = num(row?.data_pages);
    dataBytes = pages === null ? null : pages * 8192;
    const total = num(row?.total_bytes);
    const available = num(row?.available_bytes);
    if (typeof row?.volume_mount_point === 'string' && total !== null && available !== null) volume = { mountPoint: row.volume_mount_point, totalBytes: total, availableBytes: available };
  } catch {
    // sys.dm_os_volume_stats needs VIEW SERVER STATE; the size alone is still useful.
    try {
      const row = (await session.query(`${sizeSql}${from}`, [{ name: 'db', type: 'nvarchar', value: database }]))[0];
      const pages = num(row?.data_pages);
      dataBytes = pages === null ? null : pages * 8192;
    } catch {
      dataBytes = null;
    }
  }
  return { defaultPath, edition, compression: edition === null ? false : !/express|web/i.test(edition), dataBytes, volume };
}

/** True when the backup folder is on the volume sys.dm_os_volume_stats measured (same mount point prefix). */
export function sameVolume(folder: string, mountPoint: string): boolean {
  const norm = (s: string) => s.replace(/\//g, '\\').toLowerCase();
  return norm(folder).startsWith(norm(mountPoint));
}

export interface BackupResult {
  disk: string;
  /** Pages the server reported writing (data + log), 8 KB each. */
  pages: number | null;
  /** pages × 8 KB: the uncompressed size of what was written. */
  bytes: number | null;
  compressed: boolean;
  verified: boolean;
  /** The server's completion line (3014) and the verification line (3262). */
  summary: string[];
}

/** Failure of BACKUP or VERIFYONLY, with the server's messages (3201, 3013, …) in order. */
export class BackupFailure extends Error {
  constructor(
    readonly phase: 'backup' | 'verify',
    readonly serverErrors: SqlServerMessage[],
    message: string,
  ) {
    super(message);
    this.name = 'BackupFailure';
  }
  get numbers(): number[] {
    return this.serverErrors.map((e) => e.number);
  }
}

function errorsOf(error: unknown): SqlServerMessage[] {
  const list = (error as { errors?: SqlServerMessage[] }).errors;
  return Array.isArray(list) ? list : [];
}

/**
 * BACKUP … WITH COPY_ONLY, CHECKSUM, INIT[, COMPRESSION], STATS then RESTORE VERIFYONLY … WITH CHECKSUM
 * on one session; `onMessage` receives every informational line (the STATS "N percent processed.").
 */
export async function backupAndVerify(session: SqlSession, database: string, disk: string, options: BackupStatementOptions & { onMessage?: (m: SqlServerMessage) => void }): Promise<BackupResult> {
  const seen: SqlServerMessage[] = [];
  const previous = session.onMessage;
  session.onMessage = (m) => {
    seen.push(m);
    options.onMessage?.(m);
  };
  try {
    try {
      await session.batch(backupStatement(database, disk, options));
    } catch (error) {
      const errors = errorsOf(error);
      throw new BackupFailure('backup', errors, errors.map((e) => `${e.number}: ${e.message}`).join(' ') || (error as Error).message);
    }
    const done = seen.find((m) => m.number === 3014);
    const pages = done ? num(/processed (\d+) pages/i.exec(done.message)?.[1]) : null;
    try {
      await session.batch(verifyStatement(disk));
    } catch (error) {
      const errors = errorsOf(error);
      throw new BackupFailure('verify', errors, errors.map((e) => `${e.number}: ${e.message}`).join(' ') || (error as Error).message);
    }
    const valid = seen.find((m) => m.number === 3262);
    return { disk, pages, bytes: pages === null ? null : pages * 8192, compressed: options.compression, verified: true, summary: [done?.message, valid?.message].filter((s): s is string => s !== undefined) };
  } finally {
    session.onMessage = previous;
  }
}
