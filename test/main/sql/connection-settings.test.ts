import { describe, expect, it } from 'vitest';
import { describeSqlTarget, resolveConnectionSettings, toMssqlConfig, toTediousConfig } from '../../../main/sql/connection-settings';
import { codeOf } from '../../support/app-error-code';

describe('resolveConnectionSettings', () => {
  it('reads a connection string: server\\instance, database, SQL login, encrypt/trust, connect timeout', () => {
    const s = resolveConnectionSettings({ connectionString: 'Server=db01\\HOSP;Database=Stage;User ID=deploy;Password=p@ss;Encrypt=Strict;TrustServerCertificate=true;Connect Timeout=30' });
    expect(s).toMatchObject({ server: 'db01', instance: 'HOSP', database: 'Stage', authentication: 'sql', user: 'deploy', password: 'p@ss', encrypt: 'strict', trustServerCertificate: true, connectTimeoutMs: 30_000, requestTimeoutMs: 0 });
    const t = toTediousConfig(s);
    expect(t.options).toMatchObject({ instanceName: 'HOSP', database: 'Stage', encrypt: 'strict', trustServerCertificate: true, connectTimeout: 30_000, requestTimeout: 0 });
    expect(t.options!.port).toBeUndefined();
    expect(t.authentication).toEqual({ type: 'default', options: { userName: 'deploy', password: 'p@ss' } });
  });

  it('separate fields: host,port, Windows (NTLM) DOMAIN\\user, encrypt optional, command timeout', () => {
    const s = resolveConnectionSettings({ server: 'sql.hosp.local,14330', database: 'SSISDB', authentication: 'windows', user: 'HOSP\\svc-deploy', password: 'x', encrypt: 'optional', commandTimeoutSeconds: '600' });
    expect(s).toMatchObject({ server: 'sql.hosp.local', port: 14330, authentication: 'windows', user: 'svc-deploy', domain: 'HOSP', encrypt: 'optional', requestTimeoutMs: 600_000 });
    const t = toTediousConfig(s);
    expect(t.authentication).toEqual({ type: 'ntlm', options: { userName: 'svc-deploy', password: 'x', domain: 'HOSP' } });
    expect(t.options).toMatchObject({ port: 14330, encrypt: false });
    const m = toMssqlConfig(s);
    expect(m).toMatchObject({ server: 'sql.hosp.local', port: 14330, domain: 'HOSP', requestTimeout: 600_000, pool: { max: 1 } });
  });

  it('fields override the connection string; mandatory is the default encrypt; no command timeout by default', () => {
    const s = resolveConnectionSettings({ connectionString: 'Data Source=a;Initial Catalog=one;UID=u;PWD=p', database: 'two', server: 'b,1500' });
    expect(s).toMatchObject({ server: 'b', port: 1500, database: 'two', encrypt: 'mandatory', requestTimeoutMs: 0, connectTimeoutMs: 15_000 });
    expect(toTediousConfig(s).options).toMatchObject({ encrypt: true, port: 1500, requestTimeout: 0 });
    expect(toMssqlConfig(s).requestTimeout).toBe(0);
  });

  it('a Windows user in the connection string selects NTLM', () => {
    const s = resolveConnectionSettings({ connectionString: 'Server=x;User ID=HOSP\\bob;Password=pw' });
    expect(s.authentication).toBe('windows');
    expect(s.domain).toBe('HOSP');
  });

  it('describes the target without the password', () => {
    const s = resolveConnectionSettings({ server: 'db', user: 'u', password: 'Very$ecret1' });
    expect(describeSqlTarget(s)).toBe('db (SQL login u, encrypt mandatory)');
    expect(describeSqlTarget(s)).not.toContain('Very$ecret1');
  });

  it('rejects unusable settings with SQL_SETTINGS_INVALID', () => {
    expect(codeOf(() => resolveConnectionSettings({}))).toBe('SQL_SETTINGS_INVALID');
    expect(codeOf(() => resolveConnectionSettings({ server: 'x' }))).toBe('SQL_SETTINGS_INVALID');
    expect(codeOf(() => resolveConnectionSettings({ server: 'x', user: 'u', authentication: 'windows' }))).toBe('SQL_SETTINGS_INVALID');
    expect(codeOf(() => resolveConnectionSettings({ server: 'x', user: 'u', authentication: 'kerberos' }))).toBe('SQL_SETTINGS_INVALID');
    expect(codeOf(() => resolveConnectionSettings({ server: 'x', user: 'u', encrypt: 'sometimes' }))).toBe('SQL_SETTINGS_INVALID');
    expect(codeOf(() => resolveConnectionSettings({ server: 'x', user: 'u', commandTimeoutSeconds: '-1' }))).toBe('SQL_SETTINGS_INVALID');
    expect(codeOf(() => resolveConnectionSettings({ server: 'x', user: 'u', trustServerCertificate: 'perhaps' }))).toBe('SQL_SETTINGS_INVALID');
    expect(codeOf(() => resolveConnectionSettings({ connectionString: 'Server=x;Authentication=Active Directory Password;User ID=u' }))).toBe('SQL_SETTINGS_INVALID');
  });
});

describe('Windows integrated authentication without an account', () => {
  it('is SQL_INTEGRATED_AUTH_UNAVAILABLE with a hint that offers the Windows account method, not "no user is given"', () => {
    for (const connectionString of ['Server=sql01;Database=SSISDB;Integrated Security=SSPI', 'Server=sql01;Trusted_Connection=yes']) {
      let error: unknown;
      try {
        resolveConnectionSettings({ connectionString });
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'SQL_INTEGRATED_AUTH_UNAVAILABLE', hint: expect.stringContaining('DOMAIN\\user') });
    }
    // With an account given, integrated security means the Windows account method (NTLM).
    expect(resolveConnectionSettings({ connectionString: 'Server=sql01;Integrated Security=SSPI;User Id=HOSP\\svc;Password=x' })).toMatchObject({ authentication: 'windows', domain: 'HOSP', user: 'svc' });
  });
});
