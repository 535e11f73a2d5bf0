/**
 * The journal table in the target database that records which scripts ran. It is DbUp's
 * SchemaVersions (Id, ScriptName, Applied) so a database first deployed with DbUp keeps its
 * history, plus our columns: ContentHash (drift detection), Release and DurationMs. An existing DbUp
 * table gets the extra columns added, nullable, on first use.
 */
import { AppError } from '../../common/errors';
import type { SqlSession } from './connect';

export const DEFAULT_JOURNAL_TABLE = '[dbo].[SchemaVersions]';

export interface JournalTableName {
  schema: string;
  table: string;
  /** `[schema].[table]` with brackets escaped, safe to put in SQL text. */
  quoted: string;
  /** N'…' literal of the quoted name, for OBJECT_ID / COL_LENGTH. */
  literal: string;
}

export interface JournalEntry {
  scriptName: string;
  /** sha256 hex of the script bytes; null for rows written by DbUp or before hashes existed. */
  contentHash: string | null;
}

/** Parses `schema.table`, `[schema].[table]` or `table` (schema dbo); SQL_SETTINGS_INVALID when malformed. */
export function parseJournalTableName(text: string | undefined): JournalTableName {
  const source = (text ?? DEFAULT_JOURNAL_TABLE).trim();
  const parts: string[] = [];
  const re = /\s*(?:\[((?:[^\]]|\]\])+)\]|([A-Za-z_#@][\w@$#]*))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < source.length && (m = re.exec(source))) {
    parts.push(m[1] !== undefined ? m[1].replace(/\]\]/g, ']') : m[2]!);
    at = re.lastIndex;
    if (m[3] === '') break;
  }
  if (at !== source.length || parts.length < 1 || parts.length > 2) {
    throw new AppError('SQL_SETTINGS_INVALID', `The journal table name "${source}" is not a valid [schema].[table] name.`, 'Write the journal table as schema.table, e.g. [dbo].[SchemaVersions].');
  }
  const schema = parts.length === 2 ? parts[0]! : 'dbo';
  const table = parts.at(-1)!;
  const quoted = `[${schema.replace(/\]/g, ']]')}].[${table.replace(/\]/g, ']]')}]`;
  return { schema, table, quoted, literal: `N'${quoted.replace(/'/g, "''")}'` };
}

/** Creates the table when missing and adds our columns to a DbUp-created one; idempotent. */
export async function ensureJournalTable(session: SqlSession, name: JournalTableName): Promise<void> {
  const pk = `PK_${name.table}_Id`.replace(/\]/g, ']]');
  await session.batch(
    [
      `IF OBJECT_ID(${name.literal}, N'U') IS NULL`,
      `CREATE TABLE ${name.quoted} (`,
      `  [Id] int IDENTITY(1,1) NOT NULL CONSTRAINT [${pk}] PRIMARY KEY,`,
      `  [ScriptName] nvarchar(255) NOT NULL,`,
      `  [Applied] datetime NOT NULL,`,
      `  [ContentHash] nvarchar(64) NULL,`,
      `  [Release] nvarchar(100) NULL,`,
      `  [DurationMs] int NULL`,
      `);`,
      `IF COL_LENGTH(${name.literal}, N'ContentHash') IS NULL`,
      `ALTER TABLE ${name.quoted} ADD [ContentHash] nvarchar(64) NULL, [Release] nvarchar(100) NULL, [DurationMs] int NULL;`,
    ].join('\n'),
  );
}

/** Reads the journal without changing anything; `exists: false` when the table is not there (nothing applied yet). */
export async function readJournal(session: SqlSession, name: JournalTableName): Promise<{ exists: boolean; entries: JournalEntry[] }> {
  const probe = await session.query(`SELECT OBJECT_ID(${name.literal}, N'U') AS [TableId], COL_LENGTH(${name.literal}, N'ContentHash') AS [HashLength]`);
  const row = probe[0];
  if (!row || row.TableId === null || row.TableId === undefined) return { exists: false, entries: [] };
  const hasHash = row.HashLength !== null && row.HashLength !== undefined;
  const rows = await session.query(`SELECT [ScriptName], ${hasHash ? '[ContentHash]' : 'CAST(NULL AS nvarchar(64)) AS [ContentHash]'} FROM ${name.quoted} ORDER BY [Id]`);
  return {
    exists: true,
    entries: rows.map((r) => ({ scriptName: String(r.ScriptName), contentHash: typeof r.ContentHash === 'string' && r.ContentHash !== '' ? r.ContentHash : null })),
  };
}

/** Records one applied script (inside the script's transaction when there is one). */
export async function recordScript(
  session: SqlSession,
  name: JournalTableName,
  entry: { scriptName: string; contentHash: string; release: string | null; durationMs: number; applied: Date },
): Promise<void> {
  await session.query(
    `INSERT INTO ${name.quoted} ([ScriptName], [Applied], [ContentHash], [Release], [DurationMs]) VALUES (@ScriptName, @Applied, @ContentHash, @Release, @DurationMs)`,
    [
      { name: 'ScriptName', type: 'nvarchar', value: entry.scriptName },
      { name: 'Applied', type: 'datetime2', value: entry.applied },
      { name: 'ContentHash', type: 'nvarchar', value: entry.contentHash },
      { name: 'Release', type: 'nvarchar', value: entry.release },
      { name: 'DurationMs', type: 'int', value: Math.min(entry.durationMs, 2_147_483_647) },
    ],
  );
}
