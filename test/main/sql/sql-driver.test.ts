import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { resolveConnectionSettings, type SqlConnectionSettings } from '../../../main/sql/connection-settings';
import { DEFAULT_ODBC_DRIVER, integratedAuthAvailability, isMissingOdbcDriver, loadOdbcDriver, msnodesqlv8LoadProblem, serverText, toOdbcConnectionString } from '../../../main/sql/sql-driver';
import { rejectionOf } from '../../support/app-error-code';

const integrated: SqlConnectionSettings = {
  server: 'sql01.hospital.local',
  database: 'SSISDB',
  authentication: 'windows',
  user: '',
  password: '',
  integrated: true,
  odbcDriver: DEFAULT_ODBC_DRIVER,
  encrypt: 'mandatory',
  trustServerCertificate: false,
  connectTimeoutMs: 15_000,
  requestTimeoutMs: 0,
  applicationName: 'Drop Runner',
};

describe('toOdbcConnectionString', () => {
  it('asks ODBC Driver 18 for the signed-in user, with no user or password keyword', () => {
    const text = toOdbcConnectionString(integrated);
    expect(text).toBe(
      `Driver={${DEFAULT_ODBC_DRIVER}};Server=sql01.hospital.local;Database=SSISDB;Trusted_Connection=yes;Encrypt=yes;TrustServerCertificate=no;Connection Timeout=15;APP=Drop Runner;`,
    );
    expect(text).not.toMatch(/\b(UID|PWD|User Id|Password)=/i);
  });

  it('with a login, sends UID (DOMAIN\\user for a Windows account) and a braced PWD whose } are doubled', () => {
    const sql = { ...integrated, integrated: false, authentication: 'sql' as const, user: 'cdh_deploy', password: 'a;b}c=d' };
    expect(toOdbcConnectionString(sql)).toContain(';UID=cdh_deploy;PWD={a;b}}c=d};');
    expect(toOdbcConnectionString(sql)).not.toContain('Trusted_Connection');
    const windows = { ...sql, authentication: 'windows' as const, domain: 'HOSPITAL', user: 'svc_deploy' };
    expect(toOdbcConnectionString(windows)).toContain(';UID=HOSPITAL\\svc_deploy;');
  });

  it('maps each Encrypt mode and TrustServerCertificate to ODBC 18 keywords', () => {
    expect(toOdbcConnectionString({ ...integrated, encrypt: 'optional' })).toContain(';Encrypt=no;');
    expect(toOdbcConnectionString({ ...integrated, encrypt: 'strict' })).toContain(';Encrypt=strict;');
    expect(toOdbcConnectionString({ ...integrated, trustServerCertificate: true })).toContain(';TrustServerCertificate=yes;');
  });

  it('writes named instances and ports the way ODBC expects, and brace-quotes values holding ; or }', () => {
    expect(toOdbcConnectionString({ ...integrated, instance: 'SSIS', port: 1533 })).toContain(';Server=sql01.hospital.local\\SSIS,1533;');
    expect(toOdbcConnectionString({ ...integrated, database: 'odd;db}' })).toContain(';Database={odd;db}}};');
    expect(toOdbcConnectionString({ ...integrated, odbcDriver: 'ODBC Driver 17 for SQL Server' })).toMatch(/^Driver=\{ODBC Driver 17 for SQL Server\};/);
  });

  it('rounds the connect timeout up to whole seconds and never writes 0 (which ODBC reads as "wait forever")', () => {
    expect(toOdbcConnectionString({ ...integrated, connectTimeoutMs: 1500 })).toContain(';Connection Timeout=2;');
    expect(toOdbcConnectionString({ ...integrated, connectTimeoutMs: 0 })).toContain(';Connection Timeout=1;');
  });
});

describe('loadOdbcDriver', () => {
  const open = () => {};
  it('integrated off Windows refuses with reason not-windows and offers the Windows account method, without trying to load anything', async () => {
    let loads = 0;
    const error = await rejectionOf(loadOdbcDriver(true, 'linux', async () => { loads++; return { open }; }));
    expect(error).toMatchObject({ code: 'SQL_INTEGRATED_AUTH_UNAVAILABLE', details: { reason: 'not-windows' } });
    expect(error.hint).toMatch(/Windows account/);
    expect(loads).toBe(0);
  });

  it('without msnodesqlv8 refuses with reason driver-not-installed and the loader\'s own message: integrated or Driver=', async () => {
    const missing = async () => { throw new Error("Cannot find module 'msnodesqlv8'\nRequire stack: …"); };
    const forIntegrated = await rejectionOf(loadOdbcDriver(true, 'win32', missing));
    expect(forIntegrated).toMatchObject({ code: 'SQL_INTEGRATED_AUTH_UNAVAILABLE', details: { reason: 'driver-not-installed', cause: "Cannot find module 'msnodesqlv8'" } });
    expect(forIntegrated.hint).toContain('Reinstall Drop Runner with its optional msnodesqlv8 driver');
    const forDriverKeyword = await rejectionOf(loadOdbcDriver(false, 'linux', missing));
    expect(forDriverKeyword).toMatchObject({ code: 'SQL_ODBC_DRIVER_UNAVAILABLE', details: { reason: 'driver-not-installed' } });
    expect(forDriverKeyword.hint).toMatch(/remove Driver=/);
  });

  it('refuses a module without open() and accepts one that has it (default export or not)', async () => {
    expect(await rejectionOf(loadOdbcDriver(true, 'win32', async () => ({ default: {} })))).toMatchObject({ details: { reason: 'driver-not-installed', cause: 'the msnodesqlv8 module has no open()' } });
    await expect(loadOdbcDriver(true, 'win32', async () => ({ default: { open } }))).resolves.toMatchObject({ open });
    await expect(loadOdbcDriver(false, 'linux', async () => ({ open }))).resolves.toMatchObject({ open });
  });
});

describe('isMissingOdbcDriver', () => {
  it("recognises the driver managers' answers for a missing driver (Windows IM002, unixODBC's Can't open lib) and nothing else", () => {
    expect(isMissingOdbcDriver('[Microsoft][ODBC Driver Manager] Data source name not found and no default driver specified')).toBe(true);
    expect(isMissingOdbcDriver('IM002: no driver')).toBe(true);
    expect(isMissingOdbcDriver("[unixODBC][Driver Manager]Can't open lib 'ODBC Driver 18 for SQL Server' : file not found")).toBe(true);
    expect(isMissingOdbcDriver("Login failed for user 'HOSPITAL\\svc'.")).toBe(false);
  });
});

describe('Integrated Security=SSPI when the connection is resolved', () => {
  it('off Windows: refused with reason not-windows, never "no user is given"', () => {
    let caught: unknown;
    try {
      resolveConnectionSettings({ connectionString: 'Server=sql01;Database=SSISDB;Integrated Security=SSPI' }, 'linux');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'SQL_INTEGRATED_AUTH_UNAVAILABLE', details: { reason: 'not-windows' } });
    expect((caught as AppError).hint).toMatch(/^Choose "Windows account"/);
  });

  it('on Windows: the signed-in user through ODBC Driver 18 (or the Driver= the string names), with no user or password', () => {
    expect(resolveConnectionSettings({ connectionString: 'Server=sql01;Database=SSISDB;Integrated Security=SSPI' }, 'win32')).toMatchObject({
      integrated: true,
      authentication: 'windows',
      user: '',
      password: '',
      odbcDriver: DEFAULT_ODBC_DRIVER,
      database: 'SSISDB',
    });
    expect(resolveConnectionSettings({ connectionString: 'Driver={ODBC Driver 17 for SQL Server};Server=sql01;Trusted_Connection=yes' }, 'win32')).toMatchObject({
      integrated: true,
      odbcDriver: 'ODBC Driver 17 for SQL Server',
    });
  });

  it('a string with a login and Driver= keeps the login and goes through that ODBC driver; without Driver= it stays on tedious', () => {
    expect(resolveConnectionSettings({ connectionString: 'Driver={FreeTDS};Server=db,1433;User Id=cdh;Password=pw' }, 'linux')).toMatchObject({ odbcDriver: 'FreeTDS', user: 'cdh', authentication: 'sql' });
    expect(resolveConnectionSettings({ connectionString: 'Server=db,1433;User Id=cdh;Password=pw' }, 'linux').odbcDriver).toBeUndefined();
  });
});

describe('integratedAuthAvailability (what the editor and doctor show before any connection)', () => {
  it('off Windows: not available, the reason and the Windows-account hint', () => {
    expect(integratedAuthAvailability('linux', () => '/x')).toMatchObject({ available: false, reason: 'not-windows', text: expect.stringMatching(/not running Windows/), hint: expect.stringMatching(/Windows account/) });
  });
  it('on Windows without msnodesqlv8: not available, driver-not-installed, with the install hint', () => {
    const missing = () => {
      throw new Error("Cannot find module 'msnodesqlv8'");
    };
    expect(integratedAuthAvailability('win32', missing)).toMatchObject({ available: false, reason: 'driver-not-installed', hint: expect.stringMatching(/optional msnodesqlv8 driver/) });
  });
  it('on Windows with a loadable msnodesqlv8: available, and says the ODBC driver is checked at the first connection', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dr-msn-'));
    try {
      mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
      writeFileSync(path.join(dir, 'build', 'Release', 'sqlserver.node'), '');
      expect(integratedAuthAvailability('win32', () => path.join(dir, 'lib', 'sql.js'))).toEqual({ available: true, text: expect.stringContaining('ODBC Driver 18 for SQL Server') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('serverText', () => {
  it('drops the ODBC layers\' bracketed prefixes and keeps the server\'s words', () => {
    expect(serverText("[FreeTDS][SQL Server]Login failed for user 'x'.")).toBe("Login failed for user 'x'.");
    expect(serverText('[Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Invalid object name [dbo].[x].')).toBe('Invalid object name [dbo].[x].');
    expect(serverText('No prefix [here]')).toBe('No prefix [here]');
  });
});

describe('msnodesqlv8LoadProblem (checked before loading: a Node-API 10 prebuilt crashes Node 20 instead of failing)', () => {
  it('only the prebuilt on a Node-API 9 runtime: driver-incompatible; on Node-API 10 (Electron): loadable', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dr-msn-'));
    try {
      mkdirSync(path.join(dir, 'prebuilds', 'win32-x64'), { recursive: true });
      expect(msnodesqlv8LoadProblem(dir, 9)).toBe('driver-incompatible');
      expect(msnodesqlv8LoadProblem(dir, 10)).toBeUndefined();
      // A binary built for this runtime (npm run odbc-driver) is what node-gyp-build loads first.
      mkdirSync(path.join(dir, 'build', 'Release'), { recursive: true });
      writeFileSync(path.join(dir, 'build', 'Release', 'sqlserver.node'), '');
      expect(msnodesqlv8LoadProblem(dir, 9)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('availability on Windows names the incompatible prebuilt instead of crashing later', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dr-msn-'));
    try {
      const entry = path.join(dir, 'lib', 'sql.js');
      const result = integratedAuthAvailability('win32', () => entry);
      if (Number(process.versions.napi) < 10) expect(result).toMatchObject({ available: false, reason: 'driver-incompatible', hint: expect.stringContaining('npm run odbc-driver') });
      else expect(result.available).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
