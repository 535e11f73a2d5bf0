import type { ContractHandlers } from '../../common/contract';
import { loadRollback, rollbackDeployment } from '../deploy/rollback';
import type { EngineContext } from './engine-context';

type RollbackHandlers = Pick<ContractHandlers, 'rollback.targets' | 'rollback.run'>;

/** The Report screen's "Roll back…": what can be undone, and undoing one step (a database only with its name typed). */
export function rollbackHandlers(ctx: EngineContext): RollbackHandlers {
  return {
    'rollback.targets': async ({ deploymentId }) => {
      const { targets } = await loadRollback({ dataDir: ctx.dataDir, drops: ctx.drops, tenants: ctx.tenants, deploymentId });
      return {
        targets: targets.map((t) => ({
          stepId: t.stepId,
          kind: t.kind,
          label: t.label,
          ...(t.point.disk ? { disk: ctx.redactor.redact(t.point.disk) } : {}),
          ...(t.point.objectVersionLsn ? { versionLsn: t.point.objectVersionLsn } : {}),
        })),
      };
    },
    'rollback.run': async ({ deploymentId, stepId, confirmDatabase }) => {
      const result = await rollbackDeployment({
        dataDir: ctx.dataDir,
        drops: ctx.drops,
        tenants: ctx.tenants,
        deploymentId,
        stepId,
        operator: ctx.settings.get<string>('operator.name') ?? 'operator',
        // Exactly the name, as the CLI prompt asks: a near miss is a refusal, journaled as such.
        confirmDatabase: async (database) => confirmDatabase !== undefined && confirmDatabase.trim() === database,
      });
      return { rollbackId: result.rollbackId, outcome: result.outcome, detail: ctx.redactor.redact(result.targets.map((t) => `${t.label}: ${t.result}${t.detail !== t.result ? ` (${t.detail})` : ''}`).join('; ')) };
    },
  };
}
