import { describe, expect, it } from 'vitest';
import type { VariableItem } from '../../../../common/contract';
import { deriveVariableState, stateNeedsAttention } from '../../../../common/variable-state';
import { countVariables, effectiveSource, filterVariables, firstBatchSize, groupVariables, limitRows, needsAttention, rowState, validateValue } from '../../../../renderer/screens/variables/variable-model';

function item(partial: Partial<VariableItem> & { name: string }): VariableItem {
  const base = { label: partial.name, type: 'text', required: false, sensitive: false, status: 'unchanged', source: 'drop-default', hasValue: true, ...partial } as const;
  const state = deriveVariableState({ ...base, hasDefault: base.source === 'drop-default' });
  return { ...base, state, attention: stateNeedsAttention(state), origin: '' };
}

const items = [
  item({ name: 'Sql.Server', group: 'Database', status: 'remembered', source: 'remembered', value: 'sql01' }),
  item({ name: 'Sql.Password', group: 'Database', type: 'sensitive', sensitive: true, status: 'remembered', source: 'remembered' }),
  item({ name: 'Smtp.Host', group: 'Mail', status: 'new', help: 'Outgoing relay' }),
  item({ name: 'Timeout', type: 'number', status: 'default-changed' }),
  item({ name: 'Api.Key', type: 'sensitive', sensitive: true, required: true, status: 'missing-required', hasValue: false, source: 'none' }),
];

describe('variable model', () => {
  it('flags the states that need a decision (a new variable with a default does not), and values with problems', () => {
    expect(items.filter((i) => needsAttention(i)).map((i) => i.name)).toEqual(['Timeout', 'Api.Key']);
    expect(needsAttention(item({ name: 'x', status: 'remembered', problem: 'bad' }))).toBe(true);
  });
  it('lets a valid entered value clear the attention flag', () => {
    const draft = new Map([['Api.Key', 's3cret']]);
    expect(needsAttention(items[4] as VariableItem, draft)).toBe(false);
    expect(needsAttention(items[4] as VariableItem, new Map([['Api.Key', '']]))).toBe(true);
  });
  it('derives a row typed but not saved with the same rule as the engine', () => {
    const apiKey = items[4] as VariableItem;
    expect(rowState(apiKey, undefined)).toBe('missing-required');
    expect(rowState(apiKey, 's3cret')).toBe('entered-unsaved');
    expect(rowState(apiKey, '')).toBe('missing-required');
    const timeout = items[3] as VariableItem;
    expect(rowState(timeout, undefined)).toBe('default-changed');
    expect(rowState(timeout, '45')).toBe('entered-unsaved');
    expect(rowState(timeout, 'soon')).toBe('invalid');
    expect(countVariables(items, new Map([['Timeout', '45'], ['Api.Key', 'x']])).attention).toBe(0);
  });
  it('filters by tab and query', () => {
    expect(filterVariables(items, 'secrets', '').map((i) => i.name)).toEqual(['Sql.Password', 'Api.Key']);
    expect(filterVariables(items, 'all', 'relay').map((i) => i.name)).toEqual(['Smtp.Host']);
    expect(filterVariables(items, 'attention', 'sql').map((i) => i.name)).toEqual([]);
    expect(countVariables(items)).toEqual({ all: 5, attention: 2, secrets: 2 });
  });
  it('groups in first-appearance order with a General group', () => {
    expect(groupVariables(items).map((g) => [g.group, g.items.length])).toEqual([
      ['Database', 2],
      ['Mail', 1],
      ['General', 2],
    ]);
  });
  it('shows entered values as entered', () => {
    expect(effectiveSource(items[0] as VariableItem, new Map())).toBe('remembered');
    expect(effectiveSource(items[0] as VariableItem, new Map([['Sql.Server', 'sql02']]))).toBe('entered');
  });
  it('validates by type, choice and pattern', () => {
    expect(validateValue({ type: 'text', required: true }, ' ')).toMatch(/required/);
    expect(validateValue({ type: 'number', required: false }, '12.5')).toBeUndefined();
    expect(validateValue({ type: 'number', required: false }, '12,5')).toMatch(/number/);
    expect(validateValue({ type: 'boolean', required: false }, 'TRUE')).toBeUndefined();
    expect(validateValue({ type: 'boolean', required: false }, 'yes')).toMatch(/true or false/);
    expect(validateValue({ type: 'choice', required: false, choices: ['A', 'B'] }, 'C')).toMatch(/A, B/);
    expect(validateValue({ type: 'text', required: false, pattern: '[A-Z]{3}' }, 'ABCD')).toMatch(/format/);
    expect(validateValue({ type: 'text', required: false, pattern: '[A-Z]{3}' }, 'ABC')).toBeUndefined();
    expect(validateValue({ type: 'text', required: false, pattern: '([' }, 'x')).toBeUndefined();
    expect(validateValue({ type: 'number', required: false }, '#{Other}')).toBeUndefined();
    expect(validateValue({ type: 'connection-string', required: false }, 'Database=x')).toMatch(/no Server/);
  });

  it('limits rows across groups for the first commit, keeping group totals', () => {
    const groups = groupVariables(items);
    expect(limitRows(groups, 3).map((g) => [g.group, g.items.length, g.total])).toEqual([
      ['Database', 2, 2],
      ['Mail', 1, 1],
    ]);
    expect(limitRows(groups, 4).map((g) => [g.group, g.items.length, g.total])).toEqual([
      ['Database', 2, 2],
      ['Mail', 1, 1],
      ['General', 1, 2],
    ]);
    expect(limitRows(groups, Number.POSITIVE_INFINITY).reduce((n, g) => n + g.items.length, 0)).toBe(items.length);
  });
});

describe('firstBatchSize', () => {
  it('covers the window at the shortest row height, within 12..40 rows', () => {
    expect(firstBatchSize(720)).toBe(17);
    expect(firstBatchSize(720) * 48).toBeGreaterThan(720);
    expect(firstBatchSize(200)).toBe(12);
    expect(firstBatchSize(2160)).toBe(40);
  });
  it('falls back to the largest batch when the height is unknown', () => {
    expect(firstBatchSize(0)).toBe(40);
    expect(firstBatchSize(Number.NaN)).toBe(40);
  });
});
