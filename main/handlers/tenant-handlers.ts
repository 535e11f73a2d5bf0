import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractHandlers, VariableItem, VariablesView } from '../../common/contract';
import { AppError } from '../../common/errors';
import { defaultExportPath, writeExportFile } from '../tenants/export-file';
import { literalConnectionPassword } from '../tenants/literal-password';
import { applyImport, exportTenant, importTenantPreview } from '../tenants/tenant-transfer';
import { describeOrigin } from '../../common/variable-state';
import { evaluate } from '../variables/evaluator';
import { MASK } from '../variables/redactor';
import { OCTOPUS_PASSWORD_SECRET } from './drop-handlers';
import type { EngineContext } from './engine-context';

type TenantHandlers = Pick<
  ContractHandlers,
  'tenant.list' | 'tenant.export' | 'tenant.importPreview' | 'tenant.importApply' | 'variables.forDrop' | 'variables.save' | 'variables.reveal' | 'variables.forget' | 'variables.decide'
>;

function readTransferFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new AppError('TENANT_IMPORT_UNREADABLE', `Cannot read "${path}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, 'Check the path of the exported tenant file.');
  }
}

/**
 * A value the tenant keeps in the keychain is shown as a secret even when the drop's template is not
 * marked sensitive (a connection string carrying a password): masked, no value or default sent to the UI.
 */
function asKeptSecret(item: VariableItem): VariableItem {
  const { value: _value, defaultValue: _default, previousDefault: _previous, ...rest } = item;
  const shown: VariableItem = { ...rest, sensitive: true, origin: describeOrigin(rest.source, true, false) };
  // diffVariables flags such a value as needing a reveal; as a secret it needs nothing.
  if (shown.problem?.startsWith('Stored as a secret')) delete shown.problem;
  return shown;
}

/**
 * Drop defaults that refer to other variables (`https://#{InterfaceEngineHost}:8443/api`), evaluated with
 * the values the tenant has now, so the screen shows what the default will become. Secrets take part
 * as ******** only: their values are never read here.
 */
function withResolvedDefaults(items: VariableItem[], baked: ReadonlyArray<{ name: string; value: string; sensitive: boolean; step?: string }>): VariableItem[] {
  const vars: Record<string, string | null> = {};
  for (const b of baked) if (b.step === undefined) vars[b.name] = b.sensitive ? MASK : b.value;
  for (const i of items) {
    if (i.sensitive) vars[i.name] = i.hasValue ? MASK : null;
    else if (i.value !== undefined) vars[i.name] = i.value;
    else if (!i.hasValue) delete vars[i.name];
  }
  return items.map((i) => {
    if (i.sensitive || i.defaultValue === undefined || !i.defaultValue.includes('#{')) return i;
    const r = evaluate(i.defaultValue, vars);
    return r.text === i.defaultValue ? i : { ...i, resolvedDefault: r.text };
  });
}

/** Tenant memory and the Variables screen: prefill + diff, save, reveal on request, forget, move between machines. */
export function tenantHandlers(ctx: EngineContext): TenantHandlers {
  const view = async (dropId: string, tenantId: string): Promise<VariablesView> => {
    const drop = ctx.drops.get(dropId);
    const tenantName = tenantId === drop.target.tenantId ? drop.target.tenantName : undefined;
    const result = await ctx.tenants.diffForDrop(tenantId, drop, tenantName ? { tenantName } : {});
    const kept = new Set(ctx.tenants.secretNames(tenantId));
    const items = withResolvedDefaults(
      result.items.map((i) => (!i.sensitive && kept.has(i.name) ? asKeptSecret(i) : i)),
      drop.baked,
    ).map((i) => (i.resolvedDefault === undefined ? i : { ...i, resolvedDefault: ctx.redactor.redact(i.resolvedDefault) }));
    // The remembered Octopus drop password is not a variable of any release: never list it as "removed".
    return { ...result, items, removed: result.removed.filter((r) => r.name !== OCTOPUS_PASSWORD_SECRET) };
  };
  return {
    'tenant.list': async () => ctx.tenants.list(),
    'tenant.export': async ({ tenantId, includeSecrets, passphrase, outPath }) => {
      ctx.redactor.add(passphrase);
      const file = await exportTenant(ctx.tenants, tenantId, { includeSecrets, passphrase });
      const target = outPath ?? defaultExportPath(join(ctx.dataDir, 'exports'), tenantId);
      writeExportFile(target, file);
      return { path: target };
    },
    'tenant.importPreview': async ({ path, passphrase }) => {
      ctx.redactor.add(passphrase);
      const preview = importTenantPreview(ctx.tenants, readTransferFile(path), passphrase);
      return { tenantId: preview.tenantId, tenantName: preview.tenantName, changes: preview.changes };
    },
    'tenant.importApply': async ({ path, passphrase }) => {
      ctx.redactor.add(passphrase);
      return applyImport(ctx.tenants, readTransferFile(path), passphrase);
    },
    'variables.forDrop': async ({ dropId, tenantId }) => {
      const drop = ctx.drops.get(dropId);
      if (!ctx.tenants.get(tenantId)) ctx.tenants.ensure(tenantId, tenantId === drop.target.tenantId ? drop.target.tenantName : undefined);
      return view(dropId, tenantId);
    },
    'variables.save': async ({ dropId, tenantId, values, remember }) => {
      const drop = ctx.drops.get(dropId);
      const templates = new Map(drop.variables.map((v) => [v.name, v]));
      const inputs = values.map((v) => {
        const template = templates.get(v.name);
        if (template?.sensitive || template?.type === 'sensitive') {
          ctx.redactor.add(v.value);
          return v;
        }
        // A password written into a connection string is as secret as a sensitive variable: the tenant
        // store keeps the whole value in the keychain; the password itself must be masked everywhere.
        const password = template?.type === 'connection-string' ? literalConnectionPassword(v.value) : undefined;
        if (password !== undefined) ctx.redactor.add(password);
        return v;
      });
      ctx.tenants.ensure(tenantId, tenantId === drop.target.tenantId ? drop.target.tenantName : undefined);
      await ctx.tenants.saveValues(tenantId, inputs, { remember, templates: drop.variables });
      return view(dropId, tenantId);
    },
    'variables.reveal': async ({ tenantId, name }) => {
      const value = await ctx.tenants.revealSecret(tenantId, name);
      ctx.redactor.add(value);
      return { value };
    },
    'variables.decide': async ({ dropId, tenantId, name, decision }) => {
      const drop = ctx.drops.get(dropId);
      await ctx.tenants.decideDefault(tenantId, drop, name, decision);
      return view(dropId, tenantId);
    },
    'variables.forget': async ({ tenantId, name }) => {
      await ctx.tenants.forgetVariable(tenantId, name);
      return { ok: true as const };
    },
  };
}
