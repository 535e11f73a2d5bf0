/**
 * The SQL Server a kit test runs against, chosen once per test file: the real server named by
 * DROP_RUNNER_TEST_SQL, or else the TDS double started in this process (never both, and with
 * DROP_RUNNER_TEST_REAL=1 never the in-process double). Tests create every database through
 * `newDatabase()` and observe results with ordinary queries, so they mean the same on both targets;
 * what only the double can show (its request records) is reached through `double`, and a test that
 * uses it says so.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openSqlSession } from '../../../main/sql/connect';
import { describeSqlTarget, resolveConnectionSettings, type SqlConnectionSettings } from '../../../main/sql/connection-settings';
import { startTdsServer, type TdsServer } from '../tds-server/index';
import { readKitEnv, SQL_VARIABLE } from './kit-env';
import { assertPrefixFree, KIT_PREFIX, likePattern } from './kit-prefix';
import { kitStatements } from './kit-statements';

export const KIT_LOGIN = { user: 'drtest_deploy', password: 'Kit!Login-5521' };

export interface SqlTarget {
  kind: 'double' | 'real';
  /** Where the tests ran, safe to print (no password). */
  description: string;
  /** SELECT @@VERSION of the server. */
  version: string;
  /** The in-process double (its records); undefined on a real server. */
  double?: TdsServer;
  /** Connection settings of the server without a database (the login's default). */
  server: SqlConnectionSettings;
  /** Creates an empty database with the kit's prefix; it is dropped by `dropDatabase` or `close`. */
  newDatabase(): Promise<SqlConnectionSettings>;
  dropDatabase(settings: SqlConnectionSettings): Promise<void>;
  /** Runs a query on its own connection and returns the rows. */
  query(settings: SqlConnectionSettings, sql: string): Promise<Array<Record<string, unknown>>>;
  /** Drops what is left and checks nothing with the kit's prefix remains. */
  close(): Promise<void>;
}

export interface SqlTargetChoice {
  kind: 'double' | 'real';
  /** Set when the kit must skip (test:real without DROP_RUNNER_TEST_SQL). */
  skip?: string;
  connectionString?: string;
}

/** Decided at load time, so a suite can `describe.skipIf` with the reason in its title. */
export function chooseSqlTarget(env: NodeJS.ProcessEnv = process.env): SqlTargetChoice {
  const kit = readKitEnv(env);
  if (kit.sql) return { kind: 'real', connectionString: kit.sql };
  if (kit.realOnly) return { kind: 'real', skip: `${SQL_VARIABLE} is not set` };
  return { kind: 'double' };
}

async function query(settings: SqlConnectionSettings, sql: string): Promise<Array<Record<string, unknown>>> {
  const session = await openSqlSession(settings);
  try {
    return await session.query(sql);
  } finally {
    await session.close();
  }
}

async function batch(settings: SqlConnectionSettings, sql: string): Promise<void> {
  const session = await openSqlSession(settings);
  try {
    await session.batch(sql);
  } finally {
    await session.close();
  }
}

/** Writes what the kit ran against where `npm run test:real` prints it from. */
function noteTarget(kind: string, description: string, version: string): void {
  const dir = path.join('.tmp', 'real-target');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${kind}-${process.pid}.json`), JSON.stringify({ kind, description, version: version.split('\n')[0]!.trim() }));
}

export async function openSqlTarget(choice: SqlTargetChoice = chooseSqlTarget()): Promise<SqlTarget> {
  if (choice.skip) throw new Error(`the SQL target is skipped: ${choice.skip}`);
  let double: TdsServer | undefined;
  let server: SqlConnectionSettings;
  if (choice.kind === 'real') {
    const parsed = resolveConnectionSettings({ connectionString: choice.connectionString! });
    const { database: _ignored, ...withoutDb } = parsed;
    server = { ...withoutDb, database: 'master' };
  } else {
    double = await startTdsServer({ logins: [KIT_LOGIN], database: 'master' });
    double.use(kitStatements());
    server = resolveConnectionSettings({ server: `127.0.0.1,${double.port}`, database: 'master', user: KIT_LOGIN.user, password: KIT_LOGIN.password, encrypt: 'optional' });
  }
  const description = choice.kind === 'real' ? `SQL Server ${describeSqlTarget(server)}` : `TDS double in this process (${describeSqlTarget(server)})`;
  const version = String((await query(server, 'SELECT @@VERSION AS [version]'))[0]?.version ?? '');
  const created = new Set<string>();
  const listOurs = async () => (await query(server, `SELECT name FROM sys.databases WHERE name LIKE N'${likePattern(KIT_PREFIX)}'`)).map((r) => String(r.name));
  assertPrefixFree('databases', await listOurs(), created, description);
  if (choice.kind === 'real') noteTarget('sql', description, version);
  let n = 0;

  const drop = async (name: string) => {
    // Other sessions (a cancelled test's) may still hold the database; close them first.
    await batch(server, `IF DB_ID(N'${name}') IS NOT NULL ALTER DATABASE [${name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE;\nDROP DATABASE [${name}];`);
    created.delete(name);
  };

  return {
    kind: choice.kind,
    description,
    version,
    ...(double ? { double } : {}),
    server,
    async newDatabase() {
      const name = `${KIT_PREFIX}${++n}`;
      assertPrefixFree('databases', (await listOurs()).filter((d) => d === name), created, description);
      await batch(server, `CREATE DATABASE [${name}]`);
      created.add(name);
      return { ...server, database: name };
    },
    async dropDatabase(settings) {
      if (settings.database && created.has(settings.database)) await drop(settings.database);
    },
    query,
    async close() {
      try {
        for (const name of [...created]) await drop(name);
        const left = await listOurs();
        if (left.length) throw new Error(`the kit could not remove ${left.join(', ')} from ${description}; drop them by hand.`);
      } finally {
        await double?.close();
      }
    },
  };
}
