import { describe, expect, it } from 'vitest';
import { parseConnectionString } from '../../../../renderer/screens/variables/connection-string';

describe('connection string preview (the engine’s parser, shown in the UI)', () => {
  it('reads server, instance, database and Windows authentication', () => {
    expect(parseConnectionString('Data Source=sql01\\INST;Initial Catalog=Staging;Integrated Security=SSPI;Encrypt=True')).toEqual({
      server: 'sql01\\INST',
      database: 'Staging',
      authentication: 'Windows',
      encrypt: 'true',
    });
  });

  it('reads SQL logins and never returns the password', () => {
    const preview = parseConnectionString('Server=tcp:sql01,1433;Database=App;User ID=deploy;Password="p;w""d"');
    expect(preview).toMatchObject({ server: 'sql01,1433', database: 'App', user: 'deploy', authentication: 'SQL Server login' });
    expect(JSON.stringify(preview)).not.toContain('p;w');
  });

  it('shows a domain user as Windows authentication', () => {
    expect(parseConnectionString('Server=sql01;User ID=HOSP\\svc-deploy;Password=x')).toMatchObject({ user: 'HOSP\\svc-deploy', authentication: 'Windows' });
  });

  it('explains what is wrong with malformed strings, in the engine’s words', () => {
    expect(parseConnectionString('Server="unterminated').problem).toBeTruthy();
    expect(parseConnectionString('Database=x').problem).toMatch(/Server/);
  });
});
