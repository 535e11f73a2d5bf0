/**
 * The SSIS catalog a kit test runs against: the server named by DROP_RUNNER_TEST_SSISDB (a Windows
 * login: SSISDB refuses SQL logins), or else the TDS double with the SSISDB emulation in this process.
 * Catalog folders get the kit's prefix and are removed (environments and projects first) by `close`.
 * Tests observe the catalog through its documented views, which both targets answer.
 */
import sql from 'mssql';
import { CatalogClient } from '../../../main/ssis/catalog-client';
import { describeSqlTarget, resolveConnectionSettings, type SqlConnectionSettings } from '../../../main/sql/connection-settings';
import { createSsisdbEmulation, type SsisdbEmulation } from '../ssisdb/index';
import { startTdsServer, type TdsServer } from '../tds-server/index';
import { readKitEnv, SSISDB_VARIABLE } from './kit-env';
import { assertPrefixFree, KIT_PREFIX } from './kit-prefix';
import { kitStatements } from './kit-statements';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const KIT_WINDOWS = { domain: 'DRTEST', user: 'svc_kit', password: 'W1ndows!Kit-8812' };
export const KIT_SQL_LOGIN = { user: 'drtest_sql', password: 'Sql!Kit-3317' };

export interface SsisTarget {
  kind: 'double' | 'real';
  description: string;
  version: string;
  /** Windows-authenticated settings for the catalog's server. */
  connection: SqlConnectionSettings;
  /** Double only: a SQL login on the same server (SSISDB must refuse it with 27123). */
  sqlLogin?: SqlConnectionSettings;
  /** Double only: the server and its catalog emulation. */
  double?: { server: TdsServer; ssisdb: SsisdbEmulation };
  /** A new catalog folder name with the kit's prefix (not created; the step creates it). */
  folderName(label: string): string;
  /** Reads a catalog view; `params` are nvarchar or bigint by their JS type. */
  query<T = Record<string, unknown>>(text: string, params?: Record<string, string | number>): Promise<T[]>;
  /** Removes every folder with the kit's prefix that this file named, then checks none is left. */
  close(): Promise<void>;
}

export interface SsisTargetChoice {
  kind: 'double' | 'real';
  skip?: string;
  connectionString?: string;
}

export function chooseSsisTarget(env: NodeJS.ProcessEnv = process.env): SsisTargetChoice {
  const kit = readKitEnv(env);
  if (kit.ssisdb) return { kind: 'real', connectionString: kit.ssisdb };
  if (kit.realOnly) return { kind: 'real', skip: `${SSISDB_VARIABLE} is not set` };
  return { kind: 'double' };
}

export async function openSsisTarget(choice: SsisTargetChoice = chooseSsisTarget()): Promise<SsisTarget> {
  if (choice.skip) throw new Error(`the SSIS target is skipped: ${choice.skip}`);
  let double: SsisTarget['double'];
  let connection: SqlConnectionSettings;
  let sqlLogin: SqlConnectionSettings | undefined;
  if (choice.kind === 'real') {
    connection = resolveConnectionSettings({ connectionString: choice.connectionString! });
  } else {
    const server = await startTdsServer({ windowsUsers: [KIT_WINDOWS], logins: [KIT_SQL_LOGIN], ntlmDomain: KIT_WINDOWS.domain });
    const ssisdb = createSsisdbEmulation();
    server.use(ssisdb);
    server.use(kitStatements());
    double = { server, ssisdb };
    const base = { server: `127.0.0.1,${server.port}`, encrypt: 'optional' as const };
    connection = resolveConnectionSettings({ ...base, authentication: 'windows', user: `${KIT_WINDOWS.domain}\\${KIT_WINDOWS.user}`, password: KIT_WINDOWS.password });
    sqlLogin = resolveConnectionSettings({ ...base, authentication: 'sql', user: KIT_SQL_LOGIN.user, password: KIT_SQL_LOGIN.password });
  }
  const description = choice.kind === 'real' ? `SSIS catalog on ${describeSqlTarget(connection)}` : `TDS double with the SSISDB emulation in this process (${describeSqlTarget(connection)})`;
  const client = await CatalogClient.open(connection, { requestTimeoutMs: 60_000 });
  const named = new Set<string>();
  const toSqlParams = (params: Record<string, string | number>) =>
    Object.entries(params).map(([name, value]) => (typeof value === 'number' ? { name, type: sql.BigInt(), value } : { name, type: sql.NVarChar(128), value }));
  const q = <T,>(text: string, params: Record<string, string | number> = {}) => client.query<T>('kit: read the catalog', text, toSqlParams(params));
  const ours = async () => (await q<{ name: string }>('SELECT folder_id, name FROM [SSISDB].[catalog].[folders]')).map((f) => f.name).filter((n) => n.startsWith(KIT_PREFIX));
  try {
    const version = String((await q<{ version: string }>('SELECT @@VERSION AS [version]'))[0]?.version ?? '');
    assertPrefixFree('catalog folders', await ours(), new Set(), description);
    if (choice.kind === 'real') {
      mkdirSync(path.join('.tmp', 'real-target'), { recursive: true });
      writeFileSync(path.join('.tmp', 'real-target', `ssisdb-${process.pid}.json`), JSON.stringify({ kind: 'ssisdb', description, version: version.split('\n')[0]!.trim() }));
    }
    const folderId = async (folder: string) => {
      const [row] = await q<{ folder_id: string }>('SELECT folder_id, name FROM [SSISDB].[catalog].[folders] WHERE name = @name', { name: folder });
      return row ? Number(row.folder_id) : undefined;
    };
    // Projects may reference environments in another kit folder, so every project goes first, then
    // every environment, then the empty folders.
    const removeFolders = async (folders: string[]) => {
      for (const folder of folders) {
        const id = await folderId(folder);
        if (id === undefined) continue;
        for (const p of await q<{ name: string }>('SELECT project_id, name FROM [SSISDB].[catalog].[projects] WHERE folder_id = @id', { id })) {
          await client.execute('[SSISDB].[catalog].[delete_project]', toSqlParams({ folder_name: folder, project_name: p.name }));
        }
      }
      for (const folder of folders) {
        const id = await folderId(folder);
        if (id === undefined) continue;
        for (const e of await q<{ name: string }>('SELECT environment_id, name FROM [SSISDB].[catalog].[environments] WHERE folder_id = @id', { id })) {
          await client.execute('[SSISDB].[catalog].[delete_environment]', toSqlParams({ folder_name: folder, environment_name: e.name }));
        }
      }
      for (const folder of folders) if ((await folderId(folder)) !== undefined) await client.execute('[SSISDB].[catalog].[delete_folder]', toSqlParams({ folder_name: folder }));
    };
    return {
      kind: choice.kind,
      description,
      version,
      connection,
      ...(sqlLogin ? { sqlLogin } : {}),
      ...(double ? { double } : {}),
      folderName(label) {
        const name = `${KIT_PREFIX}${label}`;
        named.add(name);
        return name;
      },
      query: q,
      async close() {
        try {
          await removeFolders((await ours()).filter((f) => named.has(f)));
          const left = (await ours()).filter((f) => named.has(f));
          if (left.length) throw new Error(`the kit could not remove the catalog folders ${left.join(', ')} from ${description}; delete them by hand.`);
        } finally {
          await client.close();
          await double?.server.close();
        }
      },
    };
  } catch (error) {
    await client.close();
    await double?.server.close();
    throw error;
  }
}
