import { describe, expect, it } from 'vitest';
import type { VariableTemplate } from '../../../common/drop-model';
import { parseBooleanValue, validateValue } from '../../../main/variables/validate-value';

const t = (over: Partial<VariableTemplate>): VariableTemplate => ({ name: 'V', label: 'Value', type: 'text', required: false, sensitive: false, ...over });

describe('validateValue', () => {
  const cases: Array<[string, VariableTemplate, string | undefined, string | null]> = [
    ['required missing', t({ required: true }), '', 'VARIABLE_REQUIRED'],
    ['optional missing', t({}), undefined, null],
    ['number ok', t({ type: 'number' }), '-2.5', null],
    ['number bad', t({ type: 'number' }), '12a', 'VARIABLE_NOT_A_NUMBER'],
    ['boolean ok', t({ type: 'boolean' }), 'Yes', null],
    ['boolean bad', t({ type: 'boolean' }), 'maybe', 'VARIABLE_NOT_BOOLEAN'],
    ['choice ok', t({ type: 'choice', choices: ['A', 'B'] }), 'B', null],
    ['choice bad', t({ type: 'choice', choices: ['A', 'B'] }), 'b', 'VARIABLE_NOT_A_CHOICE'],
    ['pattern ok', t({ pattern: '[A-Z]{3}\\d' }), 'ABC1', null],
    ['pattern must match whole value', t({ pattern: '[A-Z]{3}' }), 'ABCD', 'VARIABLE_PATTERN_MISMATCH'],
    ['pattern invalid in drop', t({ pattern: '([' }), 'x', 'VARIABLE_PATTERN_INVALID'],
    // Issue 20: drop patterns run in RE2, so catastrophic backtracking cannot hang plan or the Variables screen.
    ['catastrophic pattern answers at once', t({ pattern: '(a+)+$' }), `${'a'.repeat(100_000)}!`, 'VARIABLE_PATTERN_MISMATCH'],
    ['pattern with a backreference cannot be used', t({ pattern: '(a)\\1' }), 'aa', 'VARIABLE_PATTERN_INVALID'],
    ['pattern with lookahead cannot be used', t({ pattern: '(?=a)a' }), 'a', 'VARIABLE_PATTERN_INVALID'],
    ['pattern alternation applies to the whole value', t({ pattern: 'a|b' }), 'ab', 'VARIABLE_PATTERN_MISMATCH'],
    ['connection string ok', t({ type: 'connection-string' }), 'Server=db;Database=x;Integrated Security=true', null],
    ['connection string bad', t({ type: 'connection-string' }), 'Database=x', 'CONNECTION_STRING_INVALID'],
    ['reference is checked after evaluation', t({ type: 'number' }), '#{Other}', null],
  ];
  it.each(cases)('%s', (_n, template, value, code) => {
    expect(validateValue(template, value)?.code ?? null).toBe(code);
  });

  it('never quotes a sensitive value', () => {
    const p = validateValue(t({ type: 'number', sensitive: true }), 'secret-ish');
    expect(p?.code).toBe('VARIABLE_NOT_A_NUMBER');
    expect(JSON.stringify(p)).not.toContain('secret-ish');
    expect(validateValue(t({ type: 'number' }), 'plain')?.message).toContain('"plain"');
  });

  it('parses boolean words', () => {
    expect(parseBooleanValue(' TRUE ')).toBe(true);
    expect(parseBooleanValue('off')).toBe(false);
    expect(parseBooleanValue('?')).toBeUndefined();
  });
});
