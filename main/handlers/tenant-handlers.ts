import { readFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractHandlers, VariablesView } from '../../common/contract';
import { AppError } from '../../common/errors';
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

/** Tenant memory and the Variables screen: prefill + diff, save, reveal on request, forget, move between machines. */
export function tenantHandlers(ctx: EngineContext): TenantHandlers {
  const view = async (dropId: string, tenantId: string): Promise<VariablesView> => {
    const drop = ctx.drops.get(dropId);
    const tenantName = tenantId === drop.target.tenantId ? drop.target.tenantName : undefined;
    const result = await ctx.tenants.diffForDrop(tenantId, drop, tenantName ? { tenantName } : {});
    // The remembered Octopus drop password is not a variable of any release: never list it as "removed".
    return { ...result, removed: result.removed.filter((r) => r.name !== OCTOPUS_PASSWORD_SECRET) };
  };
  return {
    'tenant.list': async () => ctx.tenants.list(),
    'tenant.export': async ({ tenantId, includeSecrets, passphrase, outPath }) => {
      ctx.redactor.add(passphrase);
      const file = await exportTenant(ctx.tenants, tenantId, { includeSecrets, passphrase });
      const target = outPath ?? join(ctx.dataDir, 'exports', `${tenantId}-${new Date().toISOString().slice(0, 10)}.drtenant`);
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(`${target}.tmp`, file, { mode: 0o600 });
      renameSync(`${target}.tmp`, target);
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
      const sensitive = new Set(drop.variables.filter((v) => v.sensitive).map((v) => v.name));
      for (const v of values) if (sensitive.has(v.name)) ctx.redactor.add(v.value);
      ctx.tenants.ensure(tenantId, tenantId === drop.target.tenantId ? drop.target.tenantName : undefined);
      await ctx.tenants.saveValues(tenantId, values, { remember, templates: drop.variables });
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
