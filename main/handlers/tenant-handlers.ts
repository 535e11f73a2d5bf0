import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractHandlers, VariableItem, VariablesView } from '../../common/contract';
import { AppError } from '../../common/errors';
import { defaultExportPath, writeExportFile } from '../tenants/export-file';
import { literalConnectionPassword } from '../tenants/literal-password';
import { applyImport, exportTenant, importTenantPreview } from '../tenants/tenant-transfer';
import { OCTOPUS_PASSWORD_SECRET } from './drop-handlers';
import type { EngineContext } from './engine-context';

type TenantHandlers = Pick<
  ContractHandlers,
  'tenant.list' | 'tenant.export' | 'tenant.importPreview' | 'tenant.importApply' | 'variables.forDrop' | 'variables.save' | 'variables.reveal' | 'variables.forget'
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
  const shown: VariableItem = { ...rest, sensitive: true };
  // diffVariables flags such a value as needing a reveal; as a secret it needs nothing.
  if (shown.problem?.startsWith('Stored as a secret')) delete shown.problem;
  return shown;
}

/** Tenant memory and the Variables screen: prefill + diff, save, reveal on request, forget, move between machines. */
export function tenantHandlers(ctx: EngineContext): TenantHandlers {
  const view = async (dropId: string, tenantId: string): Promise<VariablesView> => {
    const drop = ctx.drops.get(dropId);
    const tenantName = tenantId === drop.target.tenantId ? drop.target.tenantName : undefined;
    const result = await ctx.tenants.diffForDrop(tenantId, drop, tenantName ? { tenantName } : {});
    const kept = new Set(ctx.tenants.secretNames(tenantId));
    const items = result.items.map((i) => (!i.sensitive && kept.has(i.name) ? asKeptSecret(i) : i));
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
    'variables.forget': async ({ tenantId, name }) => {
      await ctx.tenants.forgetVariable(tenantId, name);
      return { ok: true as const };
    },
  };
}
