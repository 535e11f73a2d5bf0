import type { ContractHandlers } from '../../common/contract';
import { AppError } from '../../common/errors';
import { toDropView, type EngineContext } from './engine-context';

/** The tenant secret under which a working Octopus drop password is remembered. */
export const OCTOPUS_PASSWORD_SECRET = 'Octopus.OfflineDrop.Password';

type DropHandlers = Pick<ContractHandlers, 'drop.open' | 'drop.get' | 'drop.recent'>;

/** Opening drops: verify, extract, remember; Octopus drop passwords come from the request or the tenant's keychain. */
export function dropHandlers(ctx: EngineContext): DropHandlers {
  return {
    'drop.open': async ({ path, password, tenantId }) => {
      let passwordUsed: string | undefined;
      const drop = await ctx.drops.open(path, {
        octopusPassword: async () => {
          if (password) {
            ctx.redactor.add(password);
            passwordUsed = password;
            return password;
          }
          if (!tenantId || !ctx.tenants.get(tenantId) || !ctx.tenants.secretNames(tenantId).includes(OCTOPUS_PASSWORD_SECRET)) return undefined;
          const remembered = await ctx.tenants.revealSecret(tenantId, OCTOPUS_PASSWORD_SECRET);
          ctx.redactor.add(remembered);
          return remembered;
        },
      });
      if (passwordUsed) {
        // The password worked: remember it for this drop's tenant like any other tenant secret.
        ctx.tenants.ensure(drop.target.tenantId, drop.target.tenantName);
        await ctx.tenants.saveValues(drop.target.tenantId, [{ name: OCTOPUS_PASSWORD_SECRET, value: passwordUsed, sensitive: true }], { remember: true });
      }
      return toDropView(drop);
    },
    'drop.get': async ({ dropId }) => toDropView(ctx.drops.get(dropId)),
    'drop.recent': async () => ctx.drops.recent(),
  };
}

/** Refuses requests that need a drop that was never opened on this machine. */
export function requireDropTenant(ctx: EngineContext, dropId: string, tenantId: string) {
  const drop = ctx.drops.get(dropId);
  if (!tenantId) throw new AppError('TENANT_REQUIRED', 'No tenant was chosen.', 'Choose the hospital (tenant) this deployment is for.');
  return drop;
}
