import { describe, expect, it } from 'vitest';
import { joinConnectionString, parseConnectionString, splitConnectionString } from '../../../common/connection-string';
import { evaluateConnectionTemplate, looksLikeConnectionTemplate } from '../../../main/variables/connection-template';
import { evaluate } from '../../../main/variables/evaluator';

const HARD_PASSWORD = 'Pa;ss"wo=rd \'x';

function run(template: string, vars: Record<string, string>) {
  return evaluateConnectionTemplate(template, (text) => evaluate(text, vars));
}

describe('evaluateConnectionTemplate', () => {
  it('quotes a substituted password holding ; " = and \' so it reads back whole', () => {
    const r = run('Data Source=#{Server};Initial Catalog=Reports;User Id=#{User};Password=#{Pwd};TrustServerCertificate=True', { Server: 'db01,1433', User: 'HOSP\\svc', Pwd: HARD_PASSWORD });
    expect(r.errors).toEqual([]);
    expect(r.missing).toEqual([]);
    const parsed = parseConnectionString(r.text);
    expect(parsed).toMatchObject({ server: 'db01', port: 1433, database: 'Reports', domain: 'HOSP', user: 'svc', password: HARD_PASSWORD, trustServerCertificate: true });
  });

  it('plain text substitution of the same template would have split the password (why this exists)', () => {
    const text = evaluate('Data Source=db;User Id=u;Password=#{Pwd}', { Pwd: HARD_PASSWORD }).text;
    expect(parseConnectionString(text).password).toBe('Pa');
  });

  it('re-quotes a value the template already quoted, doubling quotes inside it', () => {
    const r = run('Server=db;Password="#{Pwd}"', { Pwd: 'a"b;c' });
    expect(parseConnectionString(r.text).password).toBe('a"b;c');
  });

  it('keeps unresolved and missing references, and filters inside a value', () => {
    const r = run('Server=#{Server | ToUpper};Password=#{Nope}', { Server: 'db' });
    expect(r.missing).toEqual(['Nope']);
    expect(r.unresolved).toEqual(['#{Nope}']);
    expect(splitConnectionString(r.text).get('server')).toBe('DB');
  });

  it('falls back to text evaluation for a whole-string reference, #{if} blocks and a ; inside a token', () => {
    expect(run('#{Conn}', { Conn: 'Server=a;Database=b' }).text).toBe('Server=a;Database=b');
    expect(run('Server=a;#{if Sql}User Id=u;#{/if}Database=b', { Sql: 'True' }).text).toBe('Server=a;User Id=u;Database=b');
    expect(run('Server=#{S | Replace ";" ","}', { S: 'a;b' }).text).toBe('Server=a,b');
  });

  it('leaves a template without references as it was, in meaning', () => {
    const template = 'Server=db;Password="x;y"';
    expect(parseConnectionString(run(template, {}).text)).toMatchObject({ server: 'db', password: 'x;y' });
  });
});

describe('joinConnectionString', () => {
  it('round-trips awkward values and keys through splitConnectionString', () => {
    const pairs: Array<[string, string]> = [
      ['server', 'db'],
      ['password', HARD_PASSWORD],
      ['application name', ' leading space'],
      ['odd=key', 'v'],
    ];
    expect([...splitConnectionString(joinConnectionString(pairs))]).toEqual(pairs);
  });
});

describe('evaluate with connectionStrings (a connection-string variable built from other variables)', () => {
  const vars = { SqlConnection: 'Server=#{DbServer};User Id=deploy;Password=#{SqlPassword}', DbServer: 'db07', SqlPassword: HARD_PASSWORD };

  it('quotes the referenced password wherever the variable is used', () => {
    const r = evaluate('#{SqlConnection}', vars, { connectionStrings: new Set(['sqlconnection']) });
    expect(parseConnectionString(r.text)).toMatchObject({ server: 'db07', user: 'deploy', password: HARD_PASSWORD });
  });

  it('matches names in any case, and other variables are substituted as text', () => {
    const r = evaluate('#{SqlConnection}|#{SqlPassword}', vars, { connectionStrings: new Set(['SQLCONNECTION']) });
    expect(r.text.endsWith(`|${HARD_PASSWORD}`)).toBe(true);
  });

  it('still reports missing references and cycles inside it', () => {
    const missing = evaluate('#{C}', { C: 'Server=db;Password=#{Nope}' }, { connectionStrings: new Set(['c']) });
    expect(missing.missing).toEqual(['Nope']);
    const cycle = evaluate('#{C}', { C: 'Server=db;Password=#{C}' }, { connectionStrings: new Set(['c']) });
    expect(cycle.errors.map((e) => e.code)).toContain('VARIABLE_CYCLE');
  });
});

describe('looksLikeConnectionTemplate', () => {
  it('recognises connection strings with a password reference, and nothing else', () => {
    expect(looksLikeConnectionTemplate('Data Source=#{S};Initial Catalog=X;Provider=MSOLEDBSQL.1;User ID=#{U};Password=#{P};')).toBe(true);
    expect(looksLikeConnectionTemplate('Server=db;PWD=#{P}')).toBe(true);
    expect(looksLikeConnectionTemplate('Server=#{S};Database=X')).toBe(false);
    expect(looksLikeConnectionTemplate('Password=#{P}')).toBe(false);
    expect(looksLikeConnectionTemplate('Server=db;Password=plain')).toBe(false);
    expect(looksLikeConnectionTemplate('Your password=#{P}; it is needed; really')).toBe(false);
    expect(looksLikeConnectionTemplate('#{Conn}')).toBe(false);
  });
});
