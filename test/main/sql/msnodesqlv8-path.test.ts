/**
 * The msnodesqlv8 (ODBC) path against the TDS double, with a SQL login through unixODBC and FreeTDS's
 * ODBC driver. It runs only where the native msnodesqlv8 package loads; elsewhere the suite is skipped
 * with the exact reason in its title, so a skip can never pass for a green run.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIntegratedDriver } from '../../../main/sql/sql-driver';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';

const requireHere = createRequire(import.meta.url);

function whyNot(): string | undefined {
  try {
    requireHere('msnodesqlv8');
    return undefined;
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    return (
      `msnodesqlv8 does not load here (${first}): it has no prebuilt binary for ${process.platform}/Node ${process.versions.node}, ` +
      'and building it from source needs msodbcsql.h from Microsoft\'s msodbcsql18 package, which Debian does not ship'
    );
  }
}

const reason = whyNot();
const LOGIN = { user: 'odbc_deploy', password: 'Odbc-Test-pw1' };

describe.skipIf(reason !== undefined)(`msnodesqlv8 through unixODBC + FreeTDS against the TDS double${reason ? ` — SKIPPED: ${reason}` : ''}`, () => {
  let server: TdsServer;
  beforeAll(async () => {
    server = await startTdsServer({ logins: [LOGIN], databases: ['master', 'CDH_Staging'] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('opens a session with a SQL login and runs a statement through mssql/msnodesqlv8', async () => {
    // The platform gate is what production applies; here the test asks for the Windows branch so
    // the real lazy loader and module shape are exercised on the machine where the driver loads.
    const driver = await loadIntegratedDriver('win32');
    const pool = new driver.ConnectionPool({
      connectionString: `Driver={FreeTDS};Server=127.0.0.1;Port=${server.port};Database=CDH_Staging;UID=${LOGIN.user};PWD=${LOGIN.password};TDS_Version=7.4;`,
    });
    const connected = (await pool.connect()) as { request(): { query(sql: string): Promise<{ recordset: Array<Record<string, unknown>> }> } };
    try {
      const result = await connected.request().query('SELECT 1 AS one');
      expect(result.recordset[0]).toMatchObject({ one: 1 });
    } finally {
      await pool.close();
    }
  });
});

describe('the msnodesqlv8 suite reports why it cannot run here', () => {
  it('names the reason whenever the driver does not load (the skip above is never silent)', () => {
    if (reason === undefined) expect(requireHere.resolve('msnodesqlv8')).toContain('msnodesqlv8');
    else expect(reason).toMatch(/^msnodesqlv8 does not load here \(.+\)/);
  });
});
