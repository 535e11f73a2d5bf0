/**
 * BACKUP / RESTORE for the TDS double, answered the way SQL Server's documentation describes them
 * (learn.microsoft.com: "BACKUP (Transact-SQL)", "RESTORE Statements - VERIFYONLY", "RESTORE
 * Statements (Transact-SQL)", "ALTER DATABASE SET options", "SERVERPROPERTY",
 * "sys.dm_os_volume_stats"). Message numbers are the server's; the texts follow its wording closely
 * because clients (and operators) read them: 3211 "N percent processed." for STATS, 4035 "Processed
 * N pages…", 3014 "BACKUP DATABASE successfully processed…", 3262 "The backup set on file 1 is
 * valid.", errors 3201 (cannot open backup device) and 3013 (terminating abnormally).
 *
 * Backup files are not written to disk: the emulation keeps a catalogue of "files" it has written so
 * VERIFYONLY and RESTORE can refuse a file that was never written, exactly like a missing file.
 * Installed by default on every double (like the app locks); tests read `server.backups`.
 */
import type { ConnectionInfo, ErrorSpec, InfoSpec, ResponderSpec, ResponseSpec, TdsRequest } from './responder-types';

/** One file the emulated server "wrote". */
export interface EmulatedBackupFile {
  disk: string;
  database: string;
  pages: number;
  bytes: number;
  checksum: boolean;
  compressed: boolean;
  copyOnly: boolean;
  finishedAt: Date;
}

/** Every BACKUP / RESTORE / ALTER DATABASE … SET the emulation answered, in order. */
export interface BackupOperation {
  kind: 'backup' | 'verify' | 'restore' | 'single-user' | 'multi-user';
  database?: string;
  disk?: string;
  /** WITH options as written, upper-cased (COPY_ONLY, CHECKSUM, INIT, COMPRESSION, STATS=10, REPLACE…). */
  options: string[];
  connectionId: number;
  ok: boolean;
  errorNumber?: number;
}

/** Switches a test flips (or a scenario file sets) to make the next statement fail. */
export interface BackupScenario {
  /** The next BACKUP DATABASE fails: 3201 (device cannot be opened, OS error 5) then 3013; or 3013 alone (e.g. a full disk: 112). */
  failBackup?: { error: 3201 | 3013; osError?: number };
  /** The next RESTORE VERIFYONLY finds the backup damaged (3189, then 3013). */
  failVerify?: boolean;
  /** The next RESTORE DATABASE fails with 3013 after 3201 (e.g. the file vanished). */
  failRestore?: boolean;
}

export interface BackupEmulationOptions {
  /** SERVERPROPERTY('InstanceDefaultBackupPath'); null for a server that does not report it. Default 'C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Backup\\'. */
  defaultBackupPath?: string | null;
  /** SERVERPROPERTY('Edition'); an Express or Web edition refuses WITH COMPRESSION (1844). */
  edition?: string;
  /** Data pages per database (8 KB each); default 320. */
  pages?: Record<string, number>;
  /** sys.dm_os_volume_stats for the data volume; null = the DMV is denied (VIEW SERVER STATE). */
  volume?: { mountPoint: string; totalBytes: number; availableBytes: number } | null;
  /** Logins (as the double records them) without BACKUP DATABASE permission: BACKUP fails with 262 and HAS_PERMS_BY_NAME answers 0. */
  deniedBackup?: string[];
}

/** The emulation's state, exposed on the server as `server.backups`. */
export interface BackupEmulation {
  readonly files: Map<string, EmulatedBackupFile>;
  readonly operations: BackupOperation[];
  readonly scenario: BackupScenario;
  readonly options: BackupEmulationOptions;
  /** Databases currently SINGLE_USER, with the connection that holds them. */
  readonly singleUser: Map<string, number>;
}

const DEFAULT_PATH = 'C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Backup\\';

function unbracket(name: string): string {
  return name.replace(/^\[(.*)\]$/, '$1').replace(/\]\]/g, ']');
}

const NAME = String.raw`(\[(?:[^\]]|\]\])+\]|[\w@#$]+)`;
const DISK = String.raw`DISK\s*=\s*N?'((?:[^']|'')*)'`;

function withOptions(text: string): string[] {
  const m = /\bWITH\b([\s\S]*)$/i.exec(text);
  if (!m) return [];
  return m[1]!
    .replace(/;\s*$/, '')
    .split(',')
    .map((o) => o.trim().replace(/\s*=\s*/g, '=').toUpperCase())
    .filter((o) => o.length > 0);
}

const stats = (options: string[]): number | undefined => {
  const s = options.find((o) => o === 'STATS' || o.startsWith('STATS='));
  if (!s) return undefined;
  const n = s === 'STATS' ? 10 : Number(s.slice(6));
  return Number.isInteger(n) && n > 0 && n <= 100 ? n : 10;
};

function progress(every: number | undefined): InfoSpec[] {
  if (every === undefined) return [];
  const out: InfoSpec[] = [];
  for (let p = every; p <= 100; p += every) out.push({ number: 3211, class: 0, state: 1, message: `${p} percent processed.` });
  if (out.at(-1)?.message !== '100 percent processed.') out.push({ number: 3211, class: 0, state: 1, message: '100 percent processed.' });
  return out;
}

function rate(pages: number, seconds: number): string {
  return ((pages * 8192) / 1048576 / seconds).toFixed(3);
}

const err = (number: number, message: string, state = 1): ErrorSpec => ({ number, message, class: 16, state });
const terminating = (what: string): ErrorSpec => ({ number: 3013, message: `${what} is terminating abnormally.`, class: 16, state: 1 });

const OS_ERRORS: Record<number, string> = {
  2: 'The system cannot find the file specified.',
  3: 'The system cannot find the path specified.',
  5: 'Access is denied.',
  112: 'There is not enough space on the disk.',
};

function cannotOpen(disk: string, osError: number): ErrorSpec {
  return err(3201, `Cannot open backup device '${disk}'. Operating system error ${osError}(${OS_ERRORS[osError] ?? 'failed'}).`, 1);
}

/** Creates the emulation state and its responders (the server installs them by default). */
export function createBackupEmulation(connections: () => readonly ConnectionInfo[], options: BackupEmulationOptions = {}): { state: BackupEmulation; responders: ResponderSpec[] } {
  const state: BackupEmulation = { files: new Map(), operations: [], scenario: {}, options, singleUser: new Map() };
  const pagesOf = (db: string) => options.pages?.[db] ?? options.pages?.[db.toLowerCase()] ?? 320;
  const edition = () => options.edition ?? 'Developer Edition (64-bit)';
  const denied = (req: TdsRequest) => (options.deniedBackup ?? []).some((u) => u.toLowerCase() === (req.connection.user ?? '').toLowerCase());
  const record = (op: BackupOperation) => state.operations.push(op);

  const backup = (req: TdsRequest): ResponseSpec => {
    const text = req.text ?? '';
    const m = new RegExp(String.raw`^\s*BACKUP\s+DATABASE\s+${NAME}\s+TO\s+${DISK}`, 'i').exec(text);
    if (!m) return { error: err(102, `Incorrect syntax near 'BACKUP'. (TDS double: write BACKUP DATABASE [db] TO DISK = N'…' WITH …)`, 1) };
    const database = unbracket(m[1]!);
    const disk = m[2]!.replace(/''/g, "'");
    const opts = withOptions(text);
    const op: BackupOperation = { kind: 'backup', database, disk, options: opts, connectionId: req.connection.id, ok: false };
    record(op);
    const fail = (...errors: ErrorSpec[]): ResponseSpec => {
      op.errorNumber = errors[0]!.number;
      return { error: errors };
    };
    if (denied(req)) return fail(err(262, `BACKUP DATABASE permission denied in database '${database}'.`, 1), terminating('BACKUP DATABASE'));
    if (opts.includes('COMPRESSION') && /express|web/i.test(edition())) {
      return fail(err(1844, `BACKUP DATABASE WITH COMPRESSION is not supported on ${edition()}.`, 1), terminating('BACKUP DATABASE'));
    }
    if (state.files.has(disk.toLowerCase()) && !opts.includes('INIT') && !opts.includes('FORMAT')) {
      // NOINIT appends a backup set; the emulation keeps one set per file, so it replaces it (and says nothing).
    }
    const failure = state.scenario.failBackup;
    if (failure) {
      delete state.scenario.failBackup;
      const every = stats(opts);
      if (failure.error === 3201) return fail(cannotOpen(disk, failure.osError ?? 5), terminating('BACKUP DATABASE'));
      // A failure part-way through: some progress was reported before the write failed.
      const partial = progress(every).slice(0, 3);
      op.errorNumber = 3013;
      return { info: partial, error: [err(3203, `Write on "${disk}" failed: ${failure.osError ?? 112}(${OS_ERRORS[failure.osError ?? 112] ?? 'failed'})`, 1), terminating('BACKUP DATABASE')] };
    }
    const pages = pagesOf(database);
    const compressed = opts.includes('COMPRESSION');
    const bytes = Math.round(pages * 8192 * (compressed ? 0.35 : 1)) + 65536;
    state.files.set(disk.toLowerCase(), { disk, database, pages, bytes, checksum: opts.includes('CHECKSUM'), compressed, copyOnly: opts.includes('COPY_ONLY'), finishedAt: new Date() });
    op.ok = true;
    const logPages = 2;
    return {
      info: [
        ...progress(stats(opts)),
        { number: 4035, class: 0, state: 1, message: `Processed ${pages} pages for database '${database}', file '${database}' on file 1.` },
        { number: 4035, class: 0, state: 1, message: `Processed ${logPages} pages for database '${database}', file '${database}_log' on file 1.` },
        { number: 3014, class: 0, state: 1, message: `BACKUP DATABASE successfully processed ${pages + logPages} pages in 0.042 seconds (${rate(pages + logPages, 0.042)} MB/sec).` },
      ],
    };
  };

  const verify = (req: TdsRequest): ResponseSpec => {
    const text = req.text ?? '';
    const m = new RegExp(String.raw`^\s*RESTORE\s+VERIFYONLY\s+FROM\s+${DISK}`, 'i').exec(text);
    if (!m) return { error: err(102, `Incorrect syntax near 'VERIFYONLY'.`) };
    const disk = m[1]!.replace(/''/g, "'");
    const opts = withOptions(text);
    const file = state.files.get(disk.toLowerCase());
    const op: BackupOperation = { kind: 'verify', ...(file ? { database: file.database } : {}), disk, options: opts, connectionId: req.connection.id, ok: false };
    record(op);
    if (!file) {
      op.errorNumber = 3201;
      return { error: [cannotOpen(disk, 2), terminating('VERIFY DATABASE')] };
    }
    if (state.scenario.failVerify) {
      delete state.scenario.failVerify;
      op.errorNumber = 3189;
      return { error: [err(3189, 'Damage to the backup set was detected.'), terminating('VERIFY DATABASE')] };
    }
    if (opts.includes('CHECKSUM') && !file.checksum) {
      op.errorNumber = 3187;
      return { error: [err(3187, 'RESTORE WITH CHECKSUM cannot be specified because the backup set does not contain checksum information.'), terminating('VERIFY DATABASE')] };
    }
    op.ok = true;
    return { info: [...progress(stats(opts)), { number: 3262, class: 0, state: 1, message: 'The backup set on file 1 is valid.' }] };
  };

  const restore = (req: TdsRequest): ResponseSpec => {
    const text = req.text ?? '';
    const m = new RegExp(String.raw`^\s*RESTORE\s+DATABASE\s+${NAME}\s+FROM\s+${DISK}`, 'i').exec(text);
    if (!m) return { error: err(102, `Incorrect syntax near 'RESTORE'.`) };
    const database = unbracket(m[1]!);
    const disk = m[2]!.replace(/''/g, "'");
    const opts = withOptions(text);
    const op: BackupOperation = { kind: 'restore', database, disk, options: opts, connectionId: req.connection.id, ok: false };
    record(op);
    const fail = (...errors: ErrorSpec[]): ResponseSpec => {
      op.errorNumber = errors[0]!.number;
      return { error: errors };
    };
    const file = state.files.get(disk.toLowerCase());
    if (!file || state.scenario.failRestore) {
      delete state.scenario.failRestore;
      return fail(cannotOpen(disk, 2), terminating('RESTORE DATABASE'));
    }
    if (file.database.toLowerCase() !== database.toLowerCase() && !opts.includes('REPLACE')) {
      return fail(err(3154, `The backup set holds a backup of a database other than the existing '${database}' database.`), terminating('RESTORE DATABASE'));
    }
    // Exclusive access: nobody else may be using the database (SINGLE_USER held by this session, or no other users).
    const others = connections().filter((c) => c.open && c.id !== req.connection.id && c.database.toLowerCase() === database.toLowerCase());
    const holder = state.singleUser.get(database.toLowerCase());
    if (others.length > 0 || (holder !== undefined && holder !== req.connection.id)) {
      return fail(err(3101, 'Exclusive access could not be obtained because the database is in use.'), terminating('RESTORE DATABASE'));
    }
    if (req.connection.database.toLowerCase() === database.toLowerCase()) {
      return fail(err(3102, `RESTORE cannot process database '${database}' because it is in use by this session. It is recommended that the master database be used when performing this operation.`), terminating('RESTORE DATABASE'));
    }
    op.ok = true;
    return {
      info: [
        ...progress(stats(opts)),
        { number: 4035, class: 0, state: 1, message: `Processed ${file.pages} pages for database '${database}', file '${database}' on file 1.` },
        { number: 3014, class: 0, state: 1, message: `RESTORE DATABASE successfully processed ${file.pages + 2} pages in 0.051 seconds (${rate(file.pages + 2, 0.051)} MB/sec).` },
      ],
    };
  };

  const setUser = (req: TdsRequest): ResponseSpec | undefined => {
    const text = req.text ?? '';
    const m = new RegExp(String.raw`^\s*ALTER\s+DATABASE\s+${NAME}\s+SET\s+(SINGLE_USER|MULTI_USER)\b([\s\S]*)$`, 'i').exec(text);
    if (!m) return undefined;
    const database = unbracket(m[1]!);
    const mode = m[2]!.toUpperCase();
    const opts = withOptions(m[3] ?? '');
    const op: BackupOperation = { kind: mode === 'SINGLE_USER' ? 'single-user' : 'multi-user', database, options: opts, connectionId: req.connection.id, ok: true };
    record(op);
    if (mode === 'MULTI_USER') {
      state.singleUser.delete(database.toLowerCase());
      return {};
    }
    const others = connections().filter((c) => c.open && c.id !== req.connection.id && c.database.toLowerCase() === database.toLowerCase());
    if (others.length > 0 && !opts.some((o) => o.startsWith('ROLLBACK'))) {
      op.ok = false;
      op.errorNumber = 5061;
      return { error: [err(5064, `Changes to the state or options of database '${database}' cannot be made at this time. The database is in single-user mode, and a user is currently connected to it.`), err(5069, 'ALTER DATABASE statement failed.')] };
    }
    state.singleUser.set(database.toLowerCase(), req.connection.id);
    // WITH ROLLBACK IMMEDIATE ends the other sessions' work; the double closes nothing but stops counting them.
    for (const c of others) c.database = 'master';
    return others.length > 0 ? { info: [{ number: 5060, class: 0, state: 1, message: 'Nonqualified transactions are being rolled back. Estimated rollback completion: 100%.' }] } : {};
  };

  const property = (req: TdsRequest): ResponseSpec | undefined => {
    const text = req.text ?? '';
    const items = [...text.matchAll(/SERVERPROPERTY\s*\(\s*N?'(\w+)'\s*\)\s*\)?\s+AS\s+\[?(\w+)\]?/gi)];
    if (items.length === 0) return undefined;
    const value = (name: string): string | number | null => {
      switch (name.toLowerCase()) {
        case 'instancedefaultbackuppath':
          return options.defaultBackupPath === undefined ? DEFAULT_PATH : options.defaultBackupPath;
        case 'instancedefaultdatapath':
          return 'C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\DATA\\';
        case 'edition':
          return edition();
        case 'engineedition':
          return /express/i.test(edition()) ? 4 : /enterprise|developer/i.test(edition()) ? 3 : 2;
        case 'productversion':
          return '16.0.1000.6';
        default:
          return null;
      }
    };
    return { columns: items.map((i) => ({ name: i[2]!, type: 'nvarchar(4000)' })), rows: [items.map((i) => { const v = value(i[1]!); return v === null ? null : String(v); })] };
  };

  const responders: ResponderSpec[] = [
    { name: 'backup: BACKUP DATABASE', sql: /^\s*BACKUP\s+DATABASE\b/i, respond: backup },
    { name: 'backup: RESTORE VERIFYONLY', sql: /^\s*RESTORE\s+VERIFYONLY\b/i, respond: verify },
    { name: 'backup: RESTORE DATABASE', sql: /^\s*RESTORE\s+DATABASE\b/i, respond: restore },
    { name: 'backup: ALTER DATABASE SET SINGLE_USER/MULTI_USER', sql: /^\s*ALTER\s+DATABASE\b[\s\S]*\bSET\s+(SINGLE|MULTI)_USER\b/i, respond: setUser },
    // Only the backup paths' query: other SERVERPROPERTY reads (Test connection's who-am-I) belong to the statement engine.
    { name: 'backup: SERVERPROPERTY', sql: /\bSERVERPROPERTY\s*\(\s*N?'InstanceDefault\w*Path'/i, respond: property },
    {
      // The data files' size (sys.master_files.size is in 8 KB pages) and their volume (sys.dm_os_volume_stats).
      name: 'backup: sys.master_files / sys.dm_os_volume_stats',
      sql: /\bsys\.master_files\b/i,
      respond: (req) => {
        const db = String(req.param('db') ?? req.connection.database);
        const wantsVolume = /dm_os_volume_stats/i.test(req.text ?? '');
        if (wantsVolume && options.volume === null) return { error: err(297, 'The user does not have permission to perform this action.') };
        const v = options.volume ?? { mountPoint: 'C:\\', totalBytes: 500 * 2 ** 30, availableBytes: 120 * 2 ** 30 };
        return {
          columns: [
            { name: 'data_pages', type: 'bigint' },
            { name: 'volume_mount_point', type: 'nvarchar(512)' },
            { name: 'total_bytes', type: 'bigint' },
            { name: 'available_bytes', type: 'bigint' },
          ],
          rows: [[pagesOf(db), wantsVolume ? v.mountPoint : null, wantsVolume ? v.totalBytes : null, wantsVolume ? v.availableBytes : null]],
        };
      },
    },
    {
      name: 'backup: HAS_PERMS_BY_NAME BACKUP DATABASE',
      sql: (t) => /HAS_PERMS_BY_NAME/i.test(t) && /'BACKUP DATABASE'/i.test(t),
      respond: (req) => {
        // Answer every HAS_PERMS_BY_NAME column of the probe: BACKUP DATABASE per the option, the others granted.
        const items = [...(req.text ?? '').matchAll(/HAS_PERMS_BY_NAME\s*\(.*?,\s*'DATABASE'\s*,\s*'([^']+)'\s*\)\s+AS\s+\[?(\w+)\]?/gi)];
        return { columns: items.map((i) => ({ name: i[2]!, type: 'int' })), rows: [items.map((i) => (/^BACKUP DATABASE$/i.test(i[1]!) && denied(req) ? 0 : 1))] };
      },
    },
  ];
  return { state, responders };
}
