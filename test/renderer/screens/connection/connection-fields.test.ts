import { describe, expect, it } from 'vitest';
import { parseConnectionString } from '../../../../common/connection-string';
import { fieldsProblem, readConnectionFields, writeConnectionFields } from '../../../../renderer/screens/connection/connection-fields';

describe('connection editor fields', () => {
  it('reads SQL login, Windows account and Windows integrated strings', () => {
    expect(readConnectionFields('Server=#{SqlServer};Database=#{StagingDatabase};User Id=#{SqlUser};Password=#{SqlPassword};Encrypt=True')).toEqual({
      server: '#{SqlServer}',
      database: '#{StagingDatabase}',
      auth: 'sql',
      user: '#{SqlUser}',
      password: '#{SqlPassword}',
      encrypt: 'mandatory',
      trustServerCertificate: false,
    });
    expect(readConnectionFields('Data Source=sql01\\PROD;Initial Catalog=SSISDB;UID=HOSP\\svc;PWD="a;b"').auth).toBe('windows-account');
    expect(readConnectionFields('Server=#{SsisServer};Database=SSISDB;Integrated Security=SSPI')).toMatchObject({ auth: 'windows-integrated', user: '' });
    expect(readConnectionFields('Server=x;Encrypt=Strict;TrustServerCertificate=yes')).toMatchObject({ encrypt: 'strict', trustServerCertificate: true });
    expect(readConnectionFields('Server=x;Encrypt=False')).toMatchObject({ encrypt: 'optional' });
  });

  it('round-trips: an untouched string is written back with the same pairs, unknown keywords kept in place', () => {
    for (const text of [
      'Server=#{SqlServer};Database=#{StagingDatabase};User Id=#{SqlUser};Password=#{SqlPassword};Encrypt=True',
      'Data Source=sql01,1433;Initial Catalog=App;Application Name=CDH;UID=HOSP\\svc;PWD="p;w=""x""";MultiSubnetFailover=True',
      'Server=#{SsisServer};Database=SSISDB;Integrated Security=SSPI',
      'Server=x',
    ]) {
      expect(writeConnectionFields(readConnectionFields(text), text)).toBe(text);
    }
  });

  it('switching the integrated default to a Windows account writes DOMAIN\\user and the password, quoted as needed', () => {
    const text = 'Server=#{SsisServer};Database=SSISDB;Integrated Security=SSPI';
    const fields = { ...readConnectionFields(text), auth: 'windows-account' as const, user: 'SBRH\\svc_ssis', password: 'pa;ss"word', trustServerCertificate: true };
    const written = writeConnectionFields(fields, text);
    expect(written).toBe('Server=#{SsisServer};Database=SSISDB;User Id=SBRH\\svc_ssis;Password="pa;ss""word";TrustServerCertificate=True');
    // The engine reads exactly what the editor meant.
    const parsed = parseConnectionString(written.replace('#{SsisServer}', 'sql01'));
    expect(parsed).toMatchObject({ authentication: 'windows', domain: 'SBRH', user: 'svc_ssis', password: 'pa;ss"word', trustServerCertificate: true, database: 'SSISDB' });
    expect(readConnectionFields(written)).toEqual(fields);
  });

  it('edits in place, drops user and password for integrated, and says what is missing', () => {
    const text = 'Server=a;Uid=u;Pwd=p;Encrypt=False';
    expect(writeConnectionFields({ ...readConnectionFields(text), server: 'b,1444', encrypt: 'strict' }, text)).toBe('Server=b,1444;Uid=u;Pwd=p;Encrypt=Strict');
    expect(writeConnectionFields({ ...readConnectionFields(text), auth: 'windows-integrated' }, text)).toBe('Server=a;Encrypt=False;Integrated Security=SSPI');
    expect(fieldsProblem({ ...readConnectionFields(text), auth: 'windows-account' })).toMatch(/DOMAIN\\user/);
    expect(fieldsProblem({ ...readConnectionFields(text), server: '' })).toMatch(/server/);
    expect(fieldsProblem(readConnectionFields(text))).toBeNull();
  });
});
