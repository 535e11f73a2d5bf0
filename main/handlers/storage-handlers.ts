import type { ContractHandlers } from '../../common/contract';
import type { DeploymentManager } from '../deploy/deployment-manager';
import { dropsInUse } from '../deploy/drops-in-use';
import type { EngineContext } from './engine-context';

type StorageHandlers = Pick<ContractHandlers, 'storage.drops' | 'storage.removeDrop'>;

/** The disk kept drops take, and removing the ones no deployment needs any more. */
export function storageHandlers(ctx: EngineContext, deployments: DeploymentManager): StorageHandlers {
  return {
    'storage.drops': async () => {
      const inUse = dropsInUse(deployments.history());
      const drops = ctx.drops.stored((dropId) => inUse.get(dropId));
      return { drops, totalBytes: drops.reduce((sum, d) => sum + d.bytes, 0) };
    },
    'storage.removeDrop': async ({ dropId }) => {
      // Read at the moment of removal: a deployment may have started since the list was shown.
      const inUse = dropsInUse(deployments.history());
      return { dropId, freedBytes: ctx.drops.remove(dropId, inUse.get(dropId)) };
    },
  };
}
