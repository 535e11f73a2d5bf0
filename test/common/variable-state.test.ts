import { describe, expect, it } from 'vitest';
import { deriveVariableState, describeOrigin, stateNeedsAttention, type VariableStateInput } from '../../common/variable-state';

const base: VariableStateInput = { status: 'unchanged', source: 'drop-default', hasValue: true, required: false, hasDefault: true };
const state = (over: Partial<VariableStateInput>, draft?: { empty: boolean; problem?: string }) => deriveVariableState({ ...base, ...over }, draft);

describe('variable state: one rule for the engine and the screen', () => {
  it('gives each kind of variable its state', () => {
    expect(state({})).toBe('default');
    expect(state({ source: 'drop-baked' })).toBe('default');
    expect(state({ source: 'remembered', status: 'remembered' })).toBe('remembered');
    expect(state({ source: 'none', hasValue: false, hasDefault: false })).toBe('empty');
    expect(state({ required: true, source: 'none', hasValue: false, hasDefault: false })).toBe('missing-required');
    expect(state({ problem: 'not a number' })).toBe('invalid');
    expect(state({ status: 'type-changed', source: 'remembered' })).toBe('type-changed');
    expect(state({ status: 'default-changed' })).toBe('default-changed');
    expect(state({ status: 'new' })).toBe('new');
    expect(state({ status: 'new', source: 'none', hasValue: false, hasDefault: false })).toBe('new-without-default');
    expect(state({ source: 'entered' })).toBe('entered-unsaved');
  });

  it('counts only what needs a value or a decision', () => {
    const attention = (s: Parameters<typeof state>[0]) => stateNeedsAttention(state(s));
    // A first release: new variables with defaults need nothing; new ones without, and required ones without a value, do.
    expect(attention({ status: 'new' })).toBe(false);
    expect(attention({ status: 'new', source: 'none', hasValue: false, hasDefault: false })).toBe(true);
    expect(attention({ status: 'new', required: true, source: 'none', hasValue: false, hasDefault: false })).toBe(true);
    expect(attention({ status: 'default-changed' })).toBe(true);
    expect(attention({ status: 'type-changed' })).toBe(true);
    expect(attention({ problem: 'bad' })).toBe(true);
    expect(attention({ source: 'remembered', status: 'remembered' })).toBe(false);
    expect(attention({ source: 'entered' })).toBe(false);
  });

  it('clears a changed default once decided, either way', () => {
    expect(state({ status: 'default-changed', decision: 'keep-previous' })).toBe('decided');
    expect(state({ status: 'default-changed', decision: 'use-new' })).toBe('decided');
    expect(stateNeedsAttention('decided')).toBe(false);
    // A later invalid value still wins over the decision.
    expect(state({ status: 'default-changed', decision: 'keep-previous', problem: 'bad' })).toBe('invalid');
  });

  it('shows a typed, unsaved value as "entered", never "missing"', () => {
    const missing: Partial<VariableStateInput> = { required: true, source: 'none', hasValue: false, hasDefault: false };
    expect(state(missing)).toBe('missing-required');
    expect(state(missing, { empty: false })).toBe('entered-unsaved');
    expect(state(missing, { empty: true, problem: 'A value is required.' })).toBe('missing-required');
    expect(state({ type: 'number' } as never, { empty: false, problem: 'Enter a number' })).toBe('invalid');
    // Typing answers "default changed" and "type changed" too.
    expect(state({ status: 'default-changed' }, { empty: false })).toBe('entered-unsaved');
    expect(state({ status: 'type-changed' }, { empty: false })).toBe('entered-unsaved');
  });

  it('says exactly where a secret comes from', () => {
    expect(describeOrigin('remembered', true, false)).toMatch(/keychain/);
    expect(describeOrigin('drop-default', true, false)).toBe("The drop's default");
    expect(describeOrigin('drop-default', true, false)).not.toMatch(/keychain/);
    expect(describeOrigin('entered', true, false)).toMatch(/Typed now.*not in the keychain/);
    expect(describeOrigin('remembered', true, true)).toBe('Typed now (not saved)');
    expect(describeOrigin('none', false, true)).toBe('Entered (not saved)');
  });
});
