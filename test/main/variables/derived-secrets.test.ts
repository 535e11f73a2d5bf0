/**
 * Issue 20 item 6: a secret transformed by a filter (ToUpper, ToBase64, a prefix) before it reaches a
 * log is still masked, because the evaluator reports the derived forms it produced and the deployment
 * registers them with the Redactor (main/deploy/deployment-inputs.ts does exactly this).
 */
import { describe, expect, it } from 'vitest';
import { evaluate, resolveAll } from '../../../main/variables/evaluator';
import { MASK, Redactor } from '../../../main/variables/redactor';
import { VariableDictionary } from '../../../main/variables/variable-dictionary';

const SECRET = 'hunter2-Vault';

function world(): { dict: VariableDictionary; redactor: Redactor } {
  const dict = new VariableDictionary();
  dict.set('ApiKey', SECRET, { sensitive: true });
  dict.set('Upper', '#{ApiKey | ToUpper}');
  dict.set('Header', 'Basic #{ApiKey | Prepend "svc:" | ToBase64}');
  dict.set('Lower', '#{ApiKey | ToLower | Substring 7}');
  dict.set('Plain', 'not secret');
  dict.set('Check', '#{ApiKey | Contains "Vault"}');
  return { dict, redactor: new Redactor(dict.sensitiveValues()) };
}

describe('derived forms of a secret', () => {
  it('are reported by the evaluator and masked once the Redactor learns them', () => {
    const { dict, redactor } = world();
    const upper = SECRET.toUpperCase();
    const header = Buffer.from(`svc:${SECRET}`).toString('base64');
    const log = `key=${upper} auth=Basic ${header} lower=${SECRET.toLowerCase().slice(0, 7)}`;
    // Before: the Redactor only knows the raw value, and these forms do not contain it.
    expect(redactor.redact(log)).toBe(log);
    for (const r of resolveAll(dict).values()) redactor.addAll(r.derivedSecrets ?? []);
    const masked = redactor.redact(log);
    expect(masked).toBe(`key=${MASK} auth=Basic ${MASK} lower=${MASK}`);
  });

  it('every step of a chain is learned (the prefixed text as well as its base64)', () => {
    const { dict } = world();
    const r = evaluate('#{ApiKey | Prepend "svc:" | ToBase64}', dict);
    expect(r.derivedSecrets).toEqual([`svc:${SECRET}`, Buffer.from(`svc:${SECRET}`).toString('base64')]);
  });

  it('predicate results and values not built from a secret are not secrets', () => {
    const { dict } = world();
    expect(evaluate('#{Check}', dict).derivedSecrets).toEqual([]);
    expect(evaluate('#{Plain | ToUpper}', dict).derivedSecrets).toEqual([]);
  });
});
