import { describe, expect, it } from 'vitest';
import { MASK, Redactor } from '../../../main/variables/redactor';

describe('Redactor', () => {
  it('masks a secret wherever it appears', () => {
    const r = new Redactor(['p@ss w0rd']);
    expect(r.redact('Password=p@ss w0rd;User=sa and again p@ss w0rd')).toBe(`Password=${MASK};User=sa and again ${MASK}`);
  });

  it('masks the longer secret first when one contains another', () => {
    const r = new Redactor(['secret', 'secret-extended']);
    expect(r.redact('a secret-extended b')).toBe(`a ${MASK} b`);
  });

  it('masks base64 (UTF-8 and UTF-16LE), URI-encoded, JSON-escaped and XML-escaped forms', () => {
    const secret = 'Pa$$ w/rd"&<1>';
    const r = new Redactor([secret]);
    const forms = [
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret, 'utf16le').toString('base64'),
      encodeURIComponent(secret),
      encodeURI(secret),
      JSON.stringify(secret).slice(1, -1),
      'Pa$$ w/rd&quot;&amp;&lt;1&gt;',
    ];
    for (const form of forms) expect(r.redact(`x ${form} y`)).toBe(`x ${MASK} y`);
    expect(r.redact(JSON.stringify({ password: secret }))).toBe(`{"password":"${MASK}"}`);
  });

  it('masks short secrets only where they stand alone', () => {
    const r = new Redactor(['ab1']);
    expect(r.redact('Password=ab1;')).toBe(`Password=${MASK};`);
    expect(r.redact('tab1e stays readable')).toBe('tab1e stays readable');
  });

  it('ignores empty secrets and regex metacharacters are literal', () => {
    const r = new Redactor(['', null, undefined, 'a.*b+c']);
    expect(r.size).toBe(1);
    expect(r.redact('axxb+c a.*b+c')).toBe(`axxb+c ${MASK}`);
  });

  it('redacts deep values and reports leaks', () => {
    const r = new Redactor(['hunter22']);
    const value = { message: 'pw hunter22', details: { list: ['hunter22', 3], when: null } };
    expect(r.redactValue(value)).toEqual({ message: `pw ${MASK}`, details: { list: [MASK, 3], when: null } });
    expect(r.leaks('xx hunter22')).toBe(true);
    expect(r.leaks(r.redact('xx hunter22'))).toBe(false);
  });

  it('picks up secrets added later', () => {
    const r = new Redactor();
    expect(r.redact('token1234')).toBe('token1234');
    r.add('token1234');
    expect(r.redact('token1234')).toBe(MASK);
  });
});
