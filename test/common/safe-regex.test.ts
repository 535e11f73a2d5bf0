/**
 * Drop-supplied regular expressions run in RE2 (re2js) with .NET's meaning kept where the dialects
 * differ; what RE2 cannot do is refused with a reason. docs/operations.md lists the differences.
 */
import { describe, expect, it } from 'vitest';
import { compileSafeRegex, type SafeRegex } from '../../common/safe-regex';

function re(pattern: string, anchored = false): SafeRegex {
  const r = compileSafeRegex(pattern, { anchored });
  if (!r.ok) throw new Error(r.reason);
  return r.regex;
}

describe('compileSafeRegex', () => {
  it('matches the catastrophic-backtracking classics in linear time', () => {
    const input = `${'a'.repeat(100_000)}!`;
    expect(re('(a+)+$').test(input)).toBe(false);
    expect(re('^(a|aa)+$').test(input)).toBe(false);
    expect(re('(x+x+)+y').test('x'.repeat(100_000))).toBe(false);
  });

  it('keeps .NET meaning for \\d, \\w and \\s (Unicode-aware), in and out of character classes', () => {
    expect(re('^\\d+$').test('١٢٣')).toBe(true); // Arabic-Indic digits are \d in .NET
    expect(re('^\\w+$').test('Zürich_é')).toBe(true);
    expect(re('^[\\w-]+$').test('Ünïcode-name')).toBe(true);
    expect(re('^\\s$').test('\u00a0')).toBe(true); // no-break space is \s in .NET
    expect(re('^\\s$').test('\v')).toBe(true);
    expect(re('^\\D+$').test('abc')).toBe(true);
    expect(re('^\\W$').test('é')).toBe(false);
  });

  it("reads (?'name'…) and (?<name>…) as named groups, and \\Z as the end", () => {
    expect(re("(?'year'\\d{4})-(?<m>\\d\\d)").replace('on 2026-12', '${m}/${year}', 1000)).toBe('on 12/2026');
    expect(re('abc\\Z').test('xabc')).toBe(true);
  });

  it('an anchored pattern must match the whole text (drop.json pattern)', () => {
    expect(re('[A-Z]{3}', true).test('ABC')).toBe(true);
    expect(re('[A-Z]{3}', true).test('ABCD')).toBe(false);
    expect(re('a|b', true).test('ab')).toBe(false);
  });

  it('replaces with .NET substitutions', () => {
    const r = re('(\\w)(\\d)');
    expect(r.replace('a1 b2', '[$2$1]', 1000)).toBe('[1a] [2b]');
    expect(r.replace('a1', '$$-$&-$0-${1}', 1000)).toBe('$-a1-a1-a');
    expect(re('b').replace('abc', "<$`|$'|$_>", 1000)).toBe('a<a|c|abc>c');
    expect(r.replace('a1', '$+', 1000)).toBe('1');
    expect(r.replace('a1', '$3 ${x}', 1000)).toBe('$3 ${x}');
    expect(r.replace('a1', '$12', 1000)).toBe('a2'); // group 1, then a literal "2"
    expect(re('x*').replace('abc', '-', 1000)).toBe('-a-b-c-');
    expect(re('a*').replace('baaac', '-', 1000)).toBe('-b--c-');
  });

  it('stops building a replacement past the limit', () => {
    expect(re('x').replace('x'.repeat(1000), 'yyyy', 100)).toBeNull();
  });

  it('refuses what RE2 cannot run, with a reason', () => {
    for (const [pattern, reason] of [
      ['(a)\\1', /backreference/],
      ['(?<n>a)\\k<n>', /backreference/],
      ['a(?=b)', /lookahead/],
      ['(?<!a)b', /lookbehind/],
      ['(?>a+)b', /atomic/],
      ['(', /missing/],
    ] as Array<[string, RegExp]>) {
      const r = compileSafeRegex(pattern);
      expect(r.ok, pattern).toBe(false);
      if (!r.ok) expect(r.reason, pattern).toMatch(reason);
    }
  });
});
