import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { resolveConnectionSettings } from '../../../main/sql/connection-settings';
import {
  DEFAULT_ODBC_DRIVER,
  isMissingOdbcDriver,
  loadIntegratedDriver,
  toMsnodesqlv8ConnectionString,
  type IntegratedTarget,
} from '../../../main/sql/sql-driver';
import { rejectionOf } from '../../support/app-error-code';

const base: IntegratedTarget = {
  server: 'sql01.hospital.local',
  database: 'SSISDB',
  encrypt: 'mandatory',
  trustServerCertificate: false,
  connectTimeoutMs: 15_000,
  applicationName: 'Drop Runner',
};

describe('toMsnodesqlv8ConnectionString', () => {
  it('asks ODBC Driver 18 for the signed-in user, with no user or password keyword', () => {
    const text = toMsnodesqlv8ConnectionString(base);
    expect(text).toBe(
      `Driver={${DEFAULT_ODBC_DRIVER}};Server=sql01.hospital.local;Database=SSISDB;Trusted_Connection=yes;Encrypt=yes;TrustServerCertificate=no;Connection Timeout=15;APP=Drop Runner;`,
    );
    expect(text).not.toMatch(/\b(UID|PWD|User Id|Password)=/i);
  });

  it('maps each Encrypt mode and TrustServerCertificate to ODBC 18 keywords', () => {
    expect(toMsnodesqlv8ConnectionString({ ...base, encrypt: 'optional' })).toContain(';Encrypt=no;');
    expect(toMsnodesqlv8ConnectionString({ ...base, encrypt: 'strict' })).toContain(';Encrypt=strict;');
    expect(toMsnodesqlv8ConnectionString({ ...base, trustServerCertificate: true })).toContain(';TrustServerCertificate=yes;');
  });

  it('writes named instances and ports the way ODBC expects, and brace-quotes values holding ; or }', () => {
    expect(toMsnodesqlv8ConnectionString({ ...base, instance: 'SSIS', port: 1533 })).toContain(';Server=sql01.hospital.local\\SSIS,1533;');
    expect(toMsnodesqlv8ConnectionString({ ...base, database: 'odd;db}' })).toContain(';Database={odd;db}}};');
    expect(toMsnodesqlv8ConnectionString({ ...base, odbcDriver: 'ODBC Driver 17 for SQL Server' })).toMatch(/^Driver=\{ODBC Driver 17 for SQL Server\};/);
  });

  it('rounds the connect timeout up to whole seconds and never writes 0 (which ODBC reads as "wait forever")', () => {
    expect(toMsnodesqlv8ConnectionString({ ...base, connectTimeoutMs: 1500 })).toContain(';Connection Timeout=2;');
    expect(toMsnodesqlv8ConnectionString({ ...base, connectTimeoutMs: 0 })).toContain(';Connection Timeout=1;');
  });
});

describe('loadIntegratedDriver', () => {
  it('off Windows refuses with reason not-windows and offers the Windows account method, without trying to load anything', async () => {
    let loads = 0;
    const error = await rejectionOf(loadIntegratedDriver('linux', async () => { loads++; return {}; }));
    expect(error).toMatchObject({ code: 'SQL_INTEGRATED_AUTH_UNAVAILABLE', details: { reason: 'not-windows' } });
    expect(error.message).toContain('not running Windows');
    expect(error.hint).toMatch(/^Choose "Windows account"/);
    expect(loads).toBe(0);
  });

  it('on Windows without msnodesqlv8 refuses with reason driver-not-installed and the loader\'s own message', async () => {
    const error = await rejectionOf(loadIntegratedDriver('win32', async () => { throw new Error("Cannot find module 'msnodesqlv8'"); }));
    expect(error).toMatchObject({ code: 'SQL_INTEGRATED_AUTH_UNAVAILABLE', details: { reason: 'driver-not-installed', cause: "Cannot find module 'msnodesqlv8'" } });
    expect(error.hint).toContain('Install msnodesqlv8');
    expect(error.hint).toContain('DOMAIN\\user');
  });

  it('really loading mssql/msnodesqlv8 on this machine fails as driver-not-installed, not as a crash', async () => {
    // The default loader: mssql ships the adapter, but the native msnodesqlv8 package is not installed here.
    const error = await rejectionOf(loadIntegratedDriver('win32'));
    expect(error).toBeInstanceOf(AppError);
    expect(error.details).toMatchObject({ reason: 'driver-not-installed' });
  });

  it('refuses a module without ConnectionPool and accepts one that has it (default export or not)', async () => {
    const noPool = await rejectionOf(loadIntegratedDriver('win32', async () => ({ default: {} })));
    expect(noPool.details).toMatchObject({ reason: 'driver-not-installed' });
    class ConnectionPool {
      connect = async () => this;
      close = async () => undefined;
    }
    await expect(loadIntegratedDriver('win32', async () => ({ default: { ConnectionPool } }))).resolves.toMatchObject({ ConnectionPool });
    await expect(loadIntegratedDriver('win32', async () => ({ ConnectionPool }))).resolves.toMatchObject({ ConnectionPool });
  });
});

describe('isMissingOdbcDriver', () => {
  it('recognises the driver manager\'s IM002 answer and nothing else', () => {
    expect(isMissingOdbcDriver('[Microsoft][ODBC Driver Manager] Data source name not found and no default driver specified')).toBe(true);
    expect(isMissingOdbcDriver('IM002: no driver')).toBe(true);
    expect(isMissingOdbcDriver("Login failed for user 'HOSPITAL\\svc'.")).toBe(false);
  });
});

describe.skipIf(process.platform === 'win32')('Integrated Security=SSPI on this Linux machine', () => {
  it('resolving the connection refuses with reason not-windows, never "no user is given"', () => {
    let caught: unknown;
    try {
      resolveConnectionSettings({ connectionString: 'Server=sql01;Database=SSISDB;Integrated Security=SSPI' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'SQL_INTEGRATED_AUTH_UNAVAILABLE', details: { reason: 'not-windows' } });
    expect((caught as AppError).hint).toMatch(/^Choose "Windows account"/);
  });
});
