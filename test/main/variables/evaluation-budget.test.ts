/**
 * Issue 20 item 2: every hostile template the red team found ends in a specific error code naming the
 * variable (never INTERNAL, never a hang or an out-of-memory crash). The test timeout is the time bound.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { DEFAULT_EVALUATION_LIMITS } from '../../../main/variables/evaluation-budget';
import { evaluate, evaluateVariable, resolveAll } from '../../../main/variables/evaluator';

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a coded error');
}

/** L0 is ten characters; each next level is the previous one twice (2^levels × 10 characters). */
function doubling(levels: number): Record<string, string> {
  const vars: Record<string, string> = { L0: 'abcdefghij' };
  for (let i = 1; i <= levels; i++) vars[`L${i}`] = `#{L${i - 1}}#{L${i - 1}}`;
  return vars;
}

describe('template evaluation under a budget', () => {
  it('Replace "(a+)+$" runs in linear time (RE2) and gives the .NET result', () => {
    const value = `${'a'.repeat(50_000)}b`;
    expect(evaluate('#{V | Replace "(a+)+$" x}', { V: value }).text).toBe(value);
    expect(evaluate('#{V | Match "(a+)+$"}', { V: value }).text).toBe('false');
    expect(evaluate('#{V | Replace "(a+)+$" x}', { V: 'caaa' }).text).toBe('cx');
  });

  it('a 24-level self-doubling value ends in TEMPLATE_VALUE_TOO_LARGE or TEMPLATE_WORK_LIMIT naming the variable', () => {
    const e = failure(() => evaluate('#{L24}', doubling(24)));
    expect(['TEMPLATE_VALUE_TOO_LARGE', 'TEMPLATE_OUTPUT_TOO_LARGE', 'TEMPLATE_WORK_LIMIT']).toContain(e.code);
    expect(e.details?.variable).toMatch(/^L\d+$/);
    expect(e.message).toMatch(/variable "L\d+"/);
  });

  it('a 25-level expansion evaluated as a variable (resolveAll) is coded, not INTERNAL', () => {
    const e = failure(() => resolveAll(doubling(25)));
    expect(['TEMPLATE_VALUE_TOO_LARGE', 'TEMPLATE_OUTPUT_TOO_LARGE', 'TEMPLATE_WORK_LIMIT']).toContain(e.code);
  });

  it('with a small value limit the doubling stops at TEMPLATE_VALUE_TOO_LARGE', () => {
    const e = failure(() => evaluateVariable('L12', doubling(12), { limits: { maxValueChars: 10_000 } }));
    expect(e.code).toBe('TEMPLATE_VALUE_TOO_LARGE');
    expect(e.details).toMatchObject({ limit: 'maxValueChars', subject: 'variable "L12"' });
  });

  it('the total output of one evaluation is bounded (TEMPLATE_OUTPUT_TOO_LARGE)', () => {
    const e = failure(() => evaluate('#{L10}', doubling(10), { limits: { maxTotalChars: 20_000 } }));
    expect(e.code).toBe('TEMPLATE_OUTPUT_TOO_LARGE');
  });

  it('a chain of 100 variables ends in TEMPLATE_TOO_DEEP at the default depth of 64', () => {
    const vars: Record<string, string> = { V0: 'end' };
    for (let i = 1; i <= 100; i++) vars[`V${i}`] = `#{V${i - 1}}`;
    const e = failure(() => evaluate('#{V100}', vars));
    expect(e.code).toBe('TEMPLATE_TOO_DEEP');
    expect(e.message).toContain(`${DEFAULT_EVALUATION_LIMITS.maxDepth} levels`);
    expect(evaluate('#{V60}', vars).text).toBe('end');
  });

  it('200000 × "#{" is kept as text with one bounded list of syntax problems', () => {
    const text = '#{'.repeat(200_000);
    const r = evaluate(text, {});
    expect(r.text).toBe(text);
    expect(r.errors.every((e) => e.code === 'TEMPLATE_SYNTAX')).toBe(true);
    expect(r.errors.length).toBeLessThanOrEqual(21);
  });

  it('200000 × "#{" closed by one "}" at the end (quadratic to scan) ends in TEMPLATE_WORK_LIMIT', () => {
    const e = failure(() => evaluate(`${'#{'.repeat(200_000)}}`, {}));
    expect(e.code).toBe('TEMPLATE_WORK_LIMIT');
    expect(e.message).toContain('the template');
  });

  it('Format N999999999 ends in TEMPLATE_VALUE_TOO_LARGE naming the variable', () => {
    const e = failure(() => evaluateVariable('Amount', { Amount: '#{N | Format N999999999}', N: '1' }));
    expect(e.code).toBe('TEMPLATE_VALUE_TOO_LARGE');
    expect(e.details?.variable).toBe('Amount');
    expect(evaluate('#{N | Format N2}', { N: '1234.5' }).text).toBe('1,234.50');
  });

  it('an Indent or a Replace that would build a huge value is refused before it is built', () => {
    const lines = '\n'.repeat(100_000);
    expect(failure(() => evaluate('#{V | Indent 255}', { V: lines })).code).toBe('TEMPLATE_VALUE_TOO_LARGE');
    expect(failure(() => evaluate(`#{V | Replace "x" "${'$0'.repeat(200)}"}`, { V: 'x'.repeat(100_000) })).code).toBe('TEMPLATE_VALUE_TOO_LARGE');
    // A long replacement on many empty matches builds little but costs much: bounded as work.
    expect(failure(() => evaluate(`#{V | Replace "()" "${'$1'.repeat(20_000)}"}`, { V: 'x'.repeat(100_000) })).code).toBe('TEMPLATE_WORK_LIMIT');
  });

  it('thousands of nested blocks end in a code, not a stack overflow', () => {
    const nested = `${'#{if A}'.repeat(20_000)}x${'#{/if}'.repeat(20_000)}`;
    let code: string | undefined;
    try {
      evaluate(nested, { A: 'true' });
    } catch (e) {
      code = e instanceof AppError ? e.code : 'not coded';
    }
    expect([undefined, 'TEMPLATE_TOO_DEEP', 'TEMPLATE_WORK_LIMIT']).toContain(code);
  });

  it('a regular expression RE2 cannot run is reported as TEMPLATE_REGEX_UNSUPPORTED and the token kept', () => {
    const r = evaluate('#{V | Replace "(a)\\1" x}', { V: 'aa' });
    expect(r.text).toBe('#{V | Replace "(a)\\1" "x"}');
    expect(r.errors.map((e) => e.code)).toEqual(['TEMPLATE_REGEX_UNSUPPORTED']);
  });
});
