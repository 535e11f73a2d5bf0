import { describe, expect, it } from 'vitest';
import { parseConnectionString, splitConnectionString } from '../../../../renderer/screens/variables/connection-string';

describe('connection string preview', () => {
  it('reads server, database and Windows authentication', () => {
    expect(parseConnectionString('Data Source=sql01\\INST;Initial Catalog=Staging;Integrated Security=SSPI;Encrypt=True')).toEqual({
      server: 'sql01\\INST',
      database: 'Staging',
      authentication: 'Windows (integrated)',
      encrypt: 'True',
    });
  });
  it('reads SQL logins and never returns the password', () => {
    const preview = parseConnectionString('Server=tcp:sql01,1433;Database=App;User ID=deploy;Password="p;w""d"');
    expect(preview).toEqual({ server: 'tcp:sql01,1433', database: 'App', user: 'deploy', authentication: 'SQL Server login' });
    expect(JSON.stringify(preview)).not.toContain('p;w');
  });
  it('handles brace quoting and doubled quotes', () => {
    expect(splitConnectionString('Driver={ODBC Driver 18 for SQL Server};PWD={a}}b}')).toEqual([
      ['driver', 'ODBC Driver 18 for SQL Server'],
      ['pwd', 'a}b'],
    ]);
  });
  it('explains what is wrong with malformed strings', () => {
    expect(parseConnectionString('just text').problem).toMatch(/key=value/);
    expect(parseConnectionString('Server="unterminated').problem).toMatch(/quotes/);
    expect(parseConnectionString('Database=x').problem).toMatch(/no server/);
  });
});
