import { describe, expect, it } from 'vitest';
import { AppError } from '../../common/errors';
import { describeConnection, maskUnparsedPassword, parseConnectionString } from '../../common/connection-string';

describe('parseConnectionString', () => {
  it('reads a SQL login connection string with synonyms', () => {
    const s = parseConnectionString('Data Source=db01\\SQL2019,1444;Initial Catalog=Hospital;User Id=deploy;Password=p@ss;Encrypt=True;TrustServerCertificate=yes;Connect Timeout=45;Application Name=Drop Runner');
    expect(s).toMatchObject({ server: 'db01', instance: 'SQL2019', port: 1444, database: 'Hospital', user: 'deploy', password: 'p@ss', authentication: 'sql', encrypt: true, trustServerCertificate: true, connectTimeoutSeconds: 45, applicationName: 'Drop Runner' });
  });

  it('reads Windows authentication forms', () => {
    expect(parseConnectionString('Server=.;Database=X;Integrated Security=SSPI')).toMatchObject({ server: 'localhost', authentication: 'windows' });
    expect(parseConnectionString('server=(local);trusted_connection=yes').authentication).toBe('windows');
    expect(parseConnectionString('Server=db;User Id=HOSP\\svc-deploy;Password=x')).toMatchObject({ domain: 'HOSP', user: 'svc-deploy', authentication: 'windows' });
  });

  it('handles quoted values with ; and doubled quotes, keys in any case and spacing', () => {
    const s = parseConnectionString(` SERVER = tcp:db02 , 1433 ;  PWD="a;b""c" ; uid='o''neil' ; Encrypt=strict; FooBar=baz`);
    expect(s).toMatchObject({ server: 'db02', port: 1433, protocol: 'tcp', password: 'a;b"c', user: "o'neil", encrypt: 'strict', other: { foobar: 'baz' } });
  });

  it('Authentication keyword maps to a method', () => {
    expect(parseConnectionString('Server=x;Authentication=Active Directory Password;User Id=a@b').authentication).toBe('azure-ad-password');
    expect(parseConnectionString('Server=x;Authentication=SqlPassword;User Id=a').authentication).toBe('sql');
  });

  const bad: Array<[string, string]> = [
    ['Database=X', 'no Server'],
    ['Server=db,99999', 'port'],
    ['Server=db\\', 'instance'],
    ['Server=db;Password="open', 'closing'],
    ['Server=db;Encrypt=maybe', 'Encrypt'],
    ['Server=db;Connect Timeout=soon', 'Connect Timeout'],
    ['Server=db;Authentication=Kerberos9', 'Authentication'],
    ['Server=db;Password=se;cret', 'no "="'],
  ];
  it.each(bad)('rejects %s with CONNECTION_STRING_INVALID', (text, fragment) => {
    try {
      parseConnectionString(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('CONNECTION_STRING_INVALID');
      expect((e as AppError).message).toContain(fragment);
      expect((e as AppError).message).not.toContain('cret');
    }
  });

  it('describes a connection without the password', () => {
    const s = parseConnectionString('Server=db01\\A;Database=H;User Id=sa;Password=TopSecret1');
    expect(describeConnection(s)).toBe('db01\\A / H (SQL login sa)');
  });
});

describe('maskUnparsedPassword', () => {
  it('masks from the first Password= or Pwd= to the end, whatever the case and spacing', () => {
    expect(maskUnparsedPassword('Server=a;Password=p;q;Encrypt=True;Applica', '***')).toBe('Server=a;Password=***');
    expect(maskUnparsedPassword('Server=a; PWD = "p;q;Applica', '***')).toBe('Server=a; PWD =***');
    expect(maskUnparsedPassword('password=secret', '***')).toBe('password=***');
  });
  it('leaves a string without a password keyword alone (a key merely ending in "password" is not one)', () => {
    expect(maskUnparsedPassword('Server=a;Database=b;Applica', '***')).toBe('Server=a;Database=b;Applica');
    expect(maskUnparsedPassword('Server=a;OldPassword=b', '***')).toBe('Server=a;OldPassword=b');
  });
});
