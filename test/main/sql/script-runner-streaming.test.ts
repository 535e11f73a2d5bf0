import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEventInput } from '../../../common/journal-events';
import { resolveConnectionSettings, type SqlConnectionSettings } from '../../../main/sql/connection-settings';
import { runSqlScripts, type RunSqlScriptsOptions } from '../../../main/sql/script-runner';
import { rejectionOf } from '../../support/app-error-code';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';

// The runner consumes the streaming splitter: it plans from one read and sends from a second one,
// which must read the same bytes. Runs on the TDS double with the real mssql/tedious driver.
const work = mkdtempSync(path.join(tmpdir(), 'dr-sql-run-stream-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let server: TdsServer;
let connection: SqlConnectionSettings;
let n = 0;

function writePackage(files: Record<string, string>): string {
  const dir = path.join(work, `pkg${++n}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

beforeEach(async () => {
  server = await startTdsServer({ logins: [{ user: 'deploy', password: 'pw-Stream-1' }], database: 'master' });
  connection = resolveConnectionSettings({ server: `127.0.0.1,${server.port}`, database: 'Stage', user: 'deploy', password: 'pw-Stream-1', encrypt: 'optional' });
});
afterEach(async () => {
  await server.close();
});

async function run(packageRoot: string, extra: Partial<RunSqlScriptsOptions> = {}) {
  const events: JournalEventInput[] = [];
  const result = await runSqlScripts({ stepId: 'db', packageRoot, connection, onEvent: (e) => events.push(e), ...extra });
  return { result, events };
}

const sentBatches = () => server.recordsOf('batch').map((b) => b.text);

describe('runSqlScripts with the streaming splitter', () => {
  it('sends what RESET, EXIT(query) leave, counts them in the plan, and reports the split warnings', async () => {
    const pkg = writePackage({ '001-exit.sql': "SELECT 'dropped'\nRESET\nSELECT 'first'\nGO 2\nSELECT 'second'\n:EXIT(SELECT 'last')\nSELECT 'never'\nGO\n" });
    const { result, events } = await run(pkg);
    expect(result.ran).toEqual(['001-exit.sql']);
    expect(result.plan[0]).toMatchObject({ action: 'apply', batchCount: 3 });
    const sent = sentBatches();
    expect(sent.filter((t) => t === "SELECT 'first'")).toHaveLength(2);
    expect(sent).toContain("SELECT 'second'\nSELECT 'last'");
    expect(sent.some((t) => /dropped|never/.test(t))).toBe(false);
    const warnings = events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message);
    expect(warnings).toEqual([expect.stringContaining('001-exit.sql line 2: RESET discards'), expect.stringContaining('001-exit.sql line 6: :EXIT(query)')]);
  });

  it('a script that changes on disk while it runs is SQL_SCRIPT_CHANGED and is not journaled', async () => {
    // Larger than one read chunk, so the end of the file is read after the first batch was sent.
    const original = `SELECT 1\nGO\n${'-- filler line for the streaming read\n'.repeat(3000)}SELECT 2\nGO\n`;
    const pkg = writePackage({ '001-big.sql': original });
    const file = path.join(pkg, '001-big.sql');
    let edited = false;
    const error = await rejectionOf(
      run(pkg, {
        onEvent: (e) => {
          if (e.type === 'progress' && !edited && /batch 1\//.test(e.item ?? '')) {
            edited = true;
            writeFileSync(file, original.replace('SELECT 2', 'SELECT 3'));
          }
        },
      }),
    );
    expect(edited).toBe(true);
    expect(error.code).toBe('SQL_SCRIPT_CHANGED');
    expect(error.message).toContain('001-big.sql');
    // Nothing was recorded: the next plan still wants to apply it.
    const again = await run(pkg, { dryRun: true });
    expect(again.result.plan[0]).toMatchObject({ name: '001-big.sql', action: 'apply' });
    expect(readFileSync(file, 'utf8')).toContain('SELECT 3');
  });

  it('an undefined variable late in a large script fails the plan before any batch is sent', async () => {
    const pkg = writePackage({ '001-late.sql': `SELECT 1\nGO\n${'SELECT 2\nGO\n'.repeat(20000)}SELECT $(Missing)\nGO\n` });
    const error = await rejectionOf(run(pkg));
    expect(error.code).toBe('SQL_UNDEFINED_VARIABLE');
    expect(sentBatches().some((t) => t === 'SELECT 1' || t === 'SELECT 2')).toBe(false);
  });
});
