/**
 * Prefill and diff: for each variable template of a drop, what the tenant already has, where the
 * value comes from, and what changed since the tenant's last deployed release. Pure: it reads no
 * keychain, so it never sees a secret value it did not get from this session, and it never emits one.
 */
import type { BakedVariable, VariableTemplate } from '../../common/drop-model';
import type { ValueSource, VariableItem, VariableStatusKind } from '../../common/contract';
import { createHash } from 'node:crypto';
import { deriveVariableState, describeOrigin, stateNeedsAttention } from '../../common/variable-state';
import { isSensitive, type TemplateSnapshot, type TenantRecord } from './tenant-model';

/** Identifies one change of a default (previous → new) without writing either value down. */
export function defaultChangeFingerprint(name: string, previousDefault: string | undefined, newDefault: string | undefined): string {
  return createHash('sha256').update(`${name}\u0000${previousDefault ?? ''}\u0000${newDefault ?? ''}`).digest('hex').slice(0, 32);
}

/** Says why a value is not acceptable for a template, or undefined when it is. */
export type ValueValidator = (template: VariableTemplate, value: string) => string | undefined;

export interface DiffInput {
  /** The tenant as stored; undefined for a tenant never seen before. */
  record: TenantRecord | undefined;
  templates: VariableTemplate[];
  baked?: BakedVariable[];
  /** Values typed in this session (remembered or not); may include secrets, which only count as "has a value". */
  entered?: ReadonlyMap<string, string>;
  validate?: ValueValidator;
}

export interface DiffResult {
  items: VariableItem[];
  /** Remembered for the tenant, absent from the drop: kept, listed apart, can be forgotten. */
  removed: Array<{ name: string; sensitive: boolean }>;
}

/** Computes every template's status, value source and (non-secret) value. */
export function diffVariables(input: DiffInput): DiffResult {
  const { record, templates } = input;
  const entered = input.entered ?? new Map<string, string>();
  const baseline = record?.lastRelease ? new Map(record.lastRelease.templates.map((t) => [t.name, t])) : undefined;
  const baked = bakedByName(input.baked ?? []);
  const items = templates.map((template) => diffOne(template, record, baseline?.get(template.name), baked.get(template.name), entered, input.validate));

  const inDrop = new Set(templates.map((t) => t.name));
  const removed: DiffResult['removed'] = [];
  if (record) {
    for (const name of Object.keys(record.values)) if (!inDrop.has(name)) removed.push({ name, sensitive: false });
    for (const name of Object.keys(record.secrets)) if (!inDrop.has(name)) removed.push({ name, sensitive: true });
  }
  removed.sort((a, b) => a.name.localeCompare(b.name));
  return { items, removed };
}

function diffOne(
  template: VariableTemplate,
  record: TenantRecord | undefined,
  previous: TemplateSnapshot | undefined,
  baked: BakedVariable | undefined,
  entered: ReadonlyMap<string, string>,
  validate: ValueValidator | undefined,
): VariableItem {
  const sensitive = isSensitive(template);
  const name = template.name;
  const rememberedPlain = record?.values[name];
  const rememberedSecret = record?.secrets[name] !== undefined;

  // Precedence: typed now > remembered for the tenant > baked into the drop > the drop's default.
  let source: ValueSource = 'none';
  let value: string | undefined;
  let hasValue = false;
  if (entered.has(name)) {
    source = 'entered';
    value = entered.get(name);
    hasValue = true;
  } else if (rememberedPlain !== undefined || rememberedSecret) {
    source = 'remembered';
    value = rememberedPlain?.value; // undefined for a keychain secret: never read here
    hasValue = true;
  } else if (baked && baked.value !== '') {
    source = 'drop-baked';
    value = baked.value;
    hasValue = true;
  } else if (template.default !== undefined && template.default !== '') {
    source = 'drop-default';
    value = template.default;
    hasValue = true;
  }

  const tenantHasValue = source === 'entered' || source === 'remembered';
  let status: VariableStatusKind;
  if (previous && previous.type !== template.type) status = 'type-changed';
  else if (previous && (previous.default ?? '') !== (template.default ?? '')) status = 'default-changed';
  else if (template.required && !hasValue) status = 'missing-required';
  else if (!previous && !(source === 'remembered')) status = 'new';
  else if (tenantHasValue) status = 'remembered';
  else status = 'unchanged';

  const item: VariableItem = {
    name,
    label: template.label,
    type: template.type,
    required: template.required,
    sensitive,
    status,
    source,
    hasValue,
    state: 'empty',
    attention: false,
    origin: '',
  };
  if (template.help !== undefined) item.help = template.help;
  if (template.group !== undefined) item.group = template.group;
  if (template.choices !== undefined) item.choices = template.choices;
  if (template.pattern !== undefined) item.pattern = template.pattern;
  if (template.default !== undefined && !sensitive) item.defaultValue = template.default;
  if (status === 'default-changed' && previous?.default !== undefined && !sensitive) item.previousDefault = previous.default;
  if (status === 'default-changed') {
    const recorded = record?.decisions?.[name];
    if (recorded && recorded.fingerprint === defaultChangeFingerprint(name, previous?.default, template.default)) item.decision = recorded.decision;
    // "Keep previous value": what this tenant used before, its own value or else the old default.
    if (!sensitive) {
      const before = rememberedPlain?.value ?? previous?.default;
      if (before !== undefined) item.previousValue = before;
    }
  }
  if (!sensitive && value !== undefined) item.value = value;

  // Re-validate whatever value will be used. Secrets are checked only when typed now: a remembered one
  // stays in the keychain until it is needed. Defaults that reference other variables are checked after evaluation.
  if (template.required && !hasValue) item.problem = `${template.label || name} is required and has no value.`;
  else if (validate && value !== undefined && !(source === 'drop-default' && value.includes('#{'))) {
    const problem = validate(template, value);
    // A validator may quote the value it rejects; for a secret that quote must not reach the UI.
    if (problem !== undefined) item.problem = sensitive && value !== '' ? problem.split(value).join('********') : problem;
  }
  if (source === 'remembered' && !sensitive && rememberedPlain === undefined && rememberedSecret) {
    // Stored as a secret by an earlier release that marked it sensitive; its value is only available by reveal.
    item.problem ??= 'Stored as a secret by an earlier release; reveal it to see the value.';
  }
  return withState(item, template.default !== undefined && template.default !== '');
}

/** Sets state, attention and origin from the item's facts (common/variable-state decides). */
export function withState(item: VariableItem, hasDefault: boolean): VariableItem {
  const state = deriveVariableState({
    status: item.status,
    source: item.source,
    hasValue: item.hasValue,
    required: item.required,
    hasDefault,
    ...(item.problem !== undefined && !item.problem.startsWith('Stored as a secret') ? { problem: item.problem } : {}),
    ...(item.decision ? { decision: item.decision } : {}),
  });
  item.state = state;
  item.attention = stateNeedsAttention(state);
  item.origin = describeOrigin(item.source, item.sensitive, false);
  return item;
}

// Octopus step-scoped values repeat a name; the unscoped one is the tenant-wide value.
function bakedByName(baked: BakedVariable[]): Map<string, BakedVariable> {
  const map = new Map<string, BakedVariable>();
  for (const b of baked) {
    const existing = map.get(b.name);
    if (!existing || (existing.step !== undefined && b.step === undefined)) map.set(b.name, b);
  }
  return map;
}
