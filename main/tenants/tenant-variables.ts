/**
 * The variable views of the tenant store: the prefill + diff shown for a drop, the values a plan or
 * deployment resolves (secrets read from the keychain), and the engineer's answer to a changed default.
 * All three are built from diffVariables so the screen, the plan and the decision agree on status and source.
 */
import { AppError } from '../../common/errors';
import type { VariablesView } from '../../common/contract';
import type { DefaultDecision } from '../../common/variable-state';
import { defaultChangeFingerprint, diffVariables, type ValueValidator } from './variable-diff';
import { assertTenantId, isSensitive } from './tenant-model';
import type { TenantRecords } from './tenant-records';
import type { TenantSecrets } from './tenant-secrets';
import type { DropVariables, ResolvedValue, TenantStore } from './tenant-store';

/** TenantStore.diffForDrop: probes the keychain only when a secret is involved, and reports (not throws) a problem. */
export async function diffForDrop(
  records: TenantRecords,
  secrets: TenantSecrets,
  validate: ValueValidator,
  tenantId: string,
  drop: DropVariables,
  opts: { tenantName?: string; probeSecrets?: boolean },
): Promise<VariablesView> {
  assertTenantId(tenantId);
  const record = records.read(tenantId);
  const { items, removed } = diffVariables({
    record,
    templates: drop.variables,
    baked: drop.baked,
    entered: records.session.get(tenantId),
    validate,
  });
  const needsKeychain = opts.probeSecrets ?? (items.some((i) => i.sensitive) || Object.keys(record?.secrets ?? {}).length > 0);
  const problem = needsKeychain ? await secrets.check() : undefined;
  const view: VariablesView = { tenantId, tenantName: record?.name ?? opts.tenantName ?? tenantId, items, removed, secretsAvailable: problem === undefined };
  if (problem) view.secretsProblem = problem;
  return view;
}

/** TenantStore.resolveValues: every value with its source, secrets read from the keychain. */
export async function resolveValues(records: TenantRecords, secrets: TenantSecrets, tenantId: string, drop: DropVariables): Promise<ResolvedValue[]> {
  assertTenantId(tenantId);
  const record = records.read(tenantId);
  const typedValues = records.session.get(tenantId);
  const { items } = diffVariables({ record, templates: drop.variables, baked: drop.baked, entered: typedValues });
  const out: ResolvedValue[] = [];
  for (const item of items) {
    let value = item.value ?? '';
    if (item.sensitive && item.hasValue && item.value === undefined) {
      const typed = typedValues?.get(item.name);
      if (typed !== undefined) value = typed;
      else if (item.source === 'remembered') value = record?.values[item.name]?.value ?? (await secrets.read(tenantId, item.name));
      else if (item.source === 'drop-baked') value = drop.baked.find((b) => b.name === item.name && b.step === undefined)?.value ?? drop.baked.find((b) => b.name === item.name)?.value ?? '';
      else if (item.source === 'drop-default') value = drop.variables.find((t) => t.name === item.name)?.default ?? '';
    } else if (!item.sensitive && item.value === undefined && item.source === 'remembered') {
      // A value an earlier release kept as a secret, now declared non-sensitive.
      value = await secrets.read(tenantId, item.name);
    }
    out.push({ name: item.name, value, source: item.source, sensitive: item.sensitive, ...(item.decision ? { decision: item.decision } : {}) });
  }
  return out;
}

/**
 * TenantStore.decideDefault. Goes through the store's own saveValues / forgetVariable so a decision
 * follows exactly the same keychain-first rules as an edit.
 */
export async function decideDefault(
  records: TenantRecords,
  store: Pick<TenantStore, 'saveValues' | 'forgetVariable'>,
  tenantId: string,
  drop: DropVariables,
  name: string,
  decision: DefaultDecision,
): Promise<void> {
  assertTenantId(tenantId);
  const record = records.require(tenantId);
  const template = drop.variables.find((t) => t.name === name);
  const previous = record.lastRelease?.templates.find((t) => t.name === name);
  const { items } = diffVariables({ record, templates: template ? [template] : [], baked: drop.baked, entered: records.session.get(tenantId) });
  const item = items[0];
  if (!template || !previous || item?.status !== 'default-changed') {
    throw new AppError(
      'VARIABLE_NO_DEFAULT_CHANGE',
      `${name}: the drop did not change this variable's default since the last release${template ? '' : ' (the drop does not declare it)'}, so there is nothing to decide.`,
      'Only variables marked "Default changed" take keep-previous or use-new; set other values with --var or `drop-runner tenant set`.',
      { tenantId, name },
    );
  }
  const ownValue = record.values[name] !== undefined || record.secrets[name] !== undefined;
  if (decision === 'keep-previous') {
    // The tenant's own value already is the previous value; otherwise the old default becomes the tenant's value.
    if (!ownValue) await store.saveValues(tenantId, [{ name, value: previous.default ?? '', ...(isSensitive(template) || isSensitive(previous) ? { sensitive: true } : {}) }], { remember: true, templates: drop.variables });
  } else {
    if (ownValue) await store.forgetVariable(tenantId, name);
    records.session.get(tenantId)?.delete(name);
  }
  const updated = records.require(tenantId);
  updated.decisions = { ...(updated.decisions ?? {}), [name]: { decision, fingerprint: defaultChangeFingerprint(name, previous.default, template.default), at: records.now() } };
  records.write(updated);
}
