/**
 * The one place a variable's state is decided: its badge, whether it needs the engineer, and how the
 * origin of its value is said. The engine derives it for every item it sends (variables.forDrop) and
 * the Variables screen derives it again, with the same function, for a value typed but not yet saved,
 * so the screen and the terminal can never disagree on what "needs attention" means.
 */
import type { ValueSource, VariableStatusKind } from './contract';

/** What the engineer sees on a variable, most urgent first. */
export type VariableState =
  /** The value given (typed, remembered or defaulted) is not acceptable for the variable's type or format. */
  | 'invalid'
  /** Required, and nothing gives it a value (no default either). */
  | 'missing-required'
  /** The drop changed the variable's type since the last release: the value must be looked at. */
  | 'type-changed'
  /** The drop changed its default since the last release and the engineer has not yet chosen between the old and the new. */
  | 'default-changed'
  /** Typed in this session and not (yet) remembered on this machine. */
  | 'entered-unsaved'
  /** New in this release and without any value (optional, no default). */
  | 'new-without-default'
  /** New in this release; its default or the drop's value applies. */
  | 'new'
  /** The default changed and the engineer decided (keep the previous value or use the new default). */
  | 'decided'
  /** The tenant's remembered value applies. */
  | 'remembered'
  /** The drop's default (or a value baked into the drop) applies. */
  | 'default'
  /** Optional and empty. */
  | 'empty';

/** States the engineer must act on before deploying ("needs attention"). */
export const ATTENTION_STATES: ReadonlySet<VariableState> = new Set(['invalid', 'missing-required', 'type-changed', 'default-changed', 'new-without-default']);

/** A recorded answer to "the default changed": keep what was used before, or take the new default. */
export type DefaultDecision = 'keep-previous' | 'use-new';

/** The facts the state depends on; an engine VariableItem carries all of them. */
export interface VariableStateInput {
  status: VariableStatusKind;
  source: ValueSource;
  hasValue: boolean;
  required: boolean;
  /** The drop declares a default (a non-empty one), whatever the tenant uses. */
  hasDefault?: boolean;
  problem?: string;
  /** The decision recorded for the current default change, if any. */
  decision?: DefaultDecision;
}

/** An unsaved value typed on the screen: whether it is empty and what is wrong with it. */
export interface DraftFacts {
  empty: boolean;
  problem?: string;
}

/** Derives the state; `draft` is a value typed on the screen and not yet saved. */
export function deriveVariableState(input: VariableStateInput, draft?: DraftFacts): VariableState {
  if (draft) {
    if (draft.problem !== undefined) return draft.empty && input.required ? 'missing-required' : 'invalid';
    // Typing a value is itself the answer to "new", "default changed" and "type changed".
    return 'entered-unsaved';
  }
  if (input.required && !input.hasValue) return 'missing-required';
  if (input.problem !== undefined) return 'invalid';
  if (input.source === 'entered') return 'entered-unsaved';
  if (input.status === 'type-changed') return 'type-changed';
  if (input.status === 'default-changed') return input.decision ? 'decided' : 'default-changed';
  if (input.status === 'new') return input.hasValue || input.hasDefault ? 'new' : 'new-without-default';
  if (input.source === 'remembered') return 'remembered';
  if (input.source === 'drop-default' || input.source === 'drop-baked') return 'default';
  return 'empty';
}

/** True when the state needs a decision or a value before deploying. */
export function stateNeedsAttention(state: VariableState): boolean {
  return ATTENTION_STATES.has(state);
}

/** Badge text for each state (null: nothing to flag). */
export const STATE_LABELS: Record<VariableState, string | null> = {
  invalid: 'Invalid',
  'missing-required': 'Missing required',
  'type-changed': 'Type changed',
  'default-changed': 'Default changed',
  'entered-unsaved': 'Entered (not saved)',
  'new-without-default': 'New · no value',
  new: 'New',
  decided: 'Default changed · decided',
  remembered: 'Remembered',
  default: null,
  empty: null,
};

/**
 * Where the value comes from, said exactly. For a secret, "keychain" only when the tenant's keychain
 * holds it: a secret that has only the drop's default says so.
 */
export function describeOrigin(source: ValueSource, sensitive: boolean, unsaved: boolean): string {
  if (unsaved) return sensitive ? 'Typed now (not saved)' : 'Entered (not saved)';
  switch (source) {
    case 'entered':
      return sensitive ? 'Typed now, for this run only (not in the keychain)' : 'Entered for this run only (not remembered)';
    case 'remembered':
      return sensitive ? 'OS keychain (remembered for this tenant)' : 'Remembered on this machine';
    case 'drop-default':
      return "The drop's default";
    case 'drop-baked':
      return 'Set in the drop';
    case 'none':
      return 'No value';
  }
}
