/** Filtering, grouping, status and validation rules of the Variables screen (pure). */
import type { ValueSource, VariableItem } from '../../../common/contract';
import { deriveVariableState, STATE_LABELS, stateNeedsAttention, type VariableState } from '../../../common/variable-state';
import type { BadgeIntent } from '../../ui/badge';
import type { IconName } from '../../ui/icons';
import { parseConnectionString } from './connection-string';
import { compileSafeRegex } from '../../../common/safe-regex';

export type VariableTab = 'all' | 'attention' | 'secrets';

/** Entered-but-unsaved values by variable name. */
export type Draft = ReadonlyMap<string, string>;

/**
 * The row's state: the engine's, unless a value is typed and not saved; then the same rule
 * (common/variable-state) applied to the typed value.
 */
export function rowState(item: VariableItem, draftValue: string | undefined): VariableState {
  if (draftValue === undefined) return item.state;
  const problem = validateValue(item, draftValue);
  return deriveVariableState(
    { status: item.status, source: item.source, hasValue: item.hasValue, required: item.required, hasDefault: item.defaultValue !== undefined && item.defaultValue !== '' },
    { empty: draftValue.trim() === '', ...(problem !== undefined ? { problem } : {}) },
  );
}

/** True when the engineer should look at this variable before deploying. */
export function needsAttention(item: VariableItem, draft?: Draft): boolean {
  return stateNeedsAttention(rowState(item, draft?.get(item.name)));
}

/** Case-insensitive match on name, label, group and help text. */
export function matchesQuery(item: VariableItem, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [item.name, item.label, item.group ?? '', item.help ?? ''].some((s) => s.toLowerCase().includes(q));
}

/** The items a tab and a search show, in drop order. */
export function filterVariables(items: readonly VariableItem[], tab: VariableTab, query: string, draft?: Draft): VariableItem[] {
  return items.filter((item) => {
    if (tab === 'attention' && !needsAttention(item, draft)) return false;
    if (tab === 'secrets' && !item.sensitive) return false;
    return matchesQuery(item, query);
  });
}

/** Counts for the tab labels. */
export function countVariables(items: readonly VariableItem[], draft?: Draft): Record<VariableTab, number> {
  let attention = 0;
  let secrets = 0;
  for (const item of items) {
    if (needsAttention(item, draft)) attention++;
    if (item.sensitive) secrets++;
  }
  return { all: items.length, attention, secrets };
}

export const UNGROUPED = 'General';

/** Groups in order of first appearance; variables without a group go under "General". */
export function groupVariables(items: readonly VariableItem[]): Array<{ group: string; items: VariableItem[] }> {
  const groups = new Map<string, VariableItem[]>();
  for (const item of items) {
    const group = item.group?.trim() || UNGROUPED;
    const list = groups.get(group);
    if (list) list.push(item);
    else groups.set(group, [item]);
  }
  return [...groups].map(([group, list]) => ({ group, items: list }));
}

/** The groups cut down to their first `budget` rows in order (all of them when the budget is infinite). */
export function limitRows(groups: ReadonlyArray<{ group: string; items: VariableItem[] }>, budget: number): Array<{ group: string; items: VariableItem[]; total: number }> {
  const out: Array<{ group: string; items: VariableItem[]; total: number }> = [];
  let left = budget;
  for (const g of groups) {
    if (left <= 0) break;
    out.push({ group: g.group, items: left >= g.items.length ? g.items : g.items.slice(0, left), total: g.items.length });
    left -= g.items.length;
  }
  return out;
}

/** Shortest a row can be (px): a label, the name and one input line; real rows are taller, so this over-fills. */
const MIN_ROW_HEIGHT = 48;
const MIN_FIRST_BATCH = 12;
const MAX_FIRST_BATCH = 40;

/**
 * Rows in the first commit for a window `viewportHeight` px tall: more than the window can show even at the
 * shortest row height, so the first paint is a full screen; the rest follow in a transition.
 */
export function firstBatchSize(viewportHeight: number): number {
  const fit = Number.isFinite(viewportHeight) && viewportHeight > 0 ? Math.ceil(viewportHeight / MIN_ROW_HEIGHT) + 2 : MAX_FIRST_BATCH;
  return Math.min(MAX_FIRST_BATCH, Math.max(MIN_FIRST_BATCH, fit));
}

type BadgeSpec = { label: string; intent: BadgeIntent; icon: IconName; title: string };

/** The badge of each state; labels come from common/variable-state so the CLI and the screen say the same. */
export const STATE_BADGES: Record<VariableState, BadgeSpec | null> = {
  invalid: { label: STATE_LABELS.invalid!, intent: 'danger', icon: 'error', title: 'The value is not acceptable for this variable' },
  'missing-required': { label: STATE_LABELS['missing-required']!, intent: 'danger', icon: 'error', title: 'Required, and no value yet (no default either)' },
  'type-changed': { label: STATE_LABELS['type-changed']!, intent: 'warning', icon: 'warning', title: 'The drop changed its type; check the value' },
  'default-changed': { label: STATE_LABELS['default-changed']!, intent: 'warning', icon: 'warning', title: 'The drop changed its default since the last release: keep the previous value or use the new default' },
  'entered-unsaved': { label: STATE_LABELS['entered-unsaved']!, intent: 'brand', icon: 'document', title: 'Typed now; saved when you press Save (or used for this run only)' },
  'new-without-default': { label: STATE_LABELS['new-without-default']!, intent: 'warning', icon: 'info', title: 'This release introduces the variable and gives it no default' },
  new: { label: STATE_LABELS.new!, intent: 'brand', icon: 'info', title: 'This release introduces the variable; its default applies' },
  decided: { label: 'Default changed', intent: 'neutral', icon: 'check', title: 'The default changed; you decided which value to use' },
  remembered: { label: STATE_LABELS.remembered!, intent: 'success', icon: 'check', title: 'Value remembered on this machine from an earlier release' },
  default: null,
  empty: null,
};

export const SOURCE_LABELS: Record<ValueSource, string> = {
  remembered: 'Remembered',
  'drop-default': 'Drop default',
  'drop-baked': 'From drop',
  entered: 'Entered now',
  none: 'No value',
};

/** Where the shown value comes from, counting unsaved edits as "entered". */
export function effectiveSource(item: VariableItem, draft: Draft): ValueSource {
  return draft.has(item.name) ? 'entered' : item.source;
}

/**
 * Quick validation while typing, by type; the engine validates again on save and at deploy time. Values
 * with #{…} references are evaluated later, so only "required" applies to them here.
 */
export function validateValue(item: Pick<VariableItem, 'type' | 'required' | 'choices' | 'pattern'>, value: string): string | undefined {
  if (value.trim() === '') return item.required ? 'A value is required.' : undefined;
  if (value.includes('#{')) return undefined;
  switch (item.type) {
    case 'number':
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value.trim())) return 'Enter a number, e.g. 30 or 2.5.';
      break;
    case 'boolean':
      if (!/^(true|false)$/i.test(value.trim())) return 'Enter true or false.';
      break;
    case 'choice':
      if (item.choices && item.choices.length > 0 && !item.choices.includes(value)) return `Choose one of: ${item.choices.join(', ')}.`;
      break;
    case 'connection-string': {
      const parsed = parseConnectionString(value);
      if (parsed.problem) return parsed.problem;
      break;
    }
    default:
      break;
  }
  if (item.pattern) {
    // RE2 (linear time), as the engine checks it: a hostile pattern cannot freeze the screen while typing.
    // A pattern it cannot use is the drop's fault; the engine reports it. Don't block typing on it.
    const compiled = compileSafeRegex(item.pattern, { anchored: true, dialect: 'javascript' });
    if (compiled.ok && !compiled.regex.test(value)) return `Does not match the required format (${item.pattern}).`;
  }
  return undefined;
}
