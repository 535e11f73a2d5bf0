import type { ContractHandlers } from '../../common/contract';
import { AppError } from '../../common/errors';
import type { DeploymentManager } from '../deploy/deployment-manager';
import { clearLock, lockStatus } from '../deploy/stale-lock';
import type { EngineContext } from './engine-context';

type DeployHandlers = Pick<
  ContractHandlers,
  | 'plan.get'
  | 'plan.changeRequest'
  | 'preflight.run'
  | 'deploy.start'
  | 'deploy.decide'
  | 'deploy.cancel'
  | 'deploy.resume'
  | 'deploy.journal'
  | 'deploy.history'
  | 'deploy.interrupted'
  | 'deploy.interruptedScript'
  | 'deploy.lockStatus'
  | 'deploy.unlock'
>;

/** The operator recorded in the journal: asked once in the UI and remembered in settings. */
function operatorName(ctx: EngineContext): string {
  const name = ctx.settings.get<string>('operator.name');
  if (!name) throw new AppError('OPERATOR_REQUIRED', 'The operator’s name is not set.', 'Enter your name when Drop Runner asks for it: it goes into the deployment report.');
  return name;
}

/** Plan, preflight and the guided run, delegated to the deployment manager; its events go to every UI. */
export function deployHandlers(ctx: EngineContext, manager: DeploymentManager): DeployHandlers {
  manager.onEvent((name, payload) => {
    if (name === 'journal') ctx.events.emit('journal', payload as { deploymentId: string; event: never });
    else ctx.events.emit('deployment-state', payload as never);
  });
  return {
    'plan.get': ({ dropId, tenantId }) => manager.plan(dropId, tenantId),
    'plan.changeRequest': ({ dropId, tenantId }) => manager.changeRequestHtml(dropId, tenantId, { preparedBy: ctx.settings.get<string>('operator.name') ?? '' }),
    'preflight.run': async ({ dropId, tenantId, skipUnsupported }) => {
      const outcome = await manager.preflight(dropId, tenantId, skipUnsupported ? { skipUnsupported } : {});
      return { checks: outcome.checks, blocked: outcome.blocked };
    },
    'deploy.start': ({ dropId, tenantId, skipUnsupported }) =>
      manager.start({ dropId, tenantId, operator: operatorName(ctx), ...(skipUnsupported ? { skipUnsupported } : {}), onFailure: { kind: 'ask' } }),
    'deploy.decide': async ({ deploymentId, stepId, decision, reason }) => {
      manager.decide(deploymentId, stepId, decision, reason, operatorName(ctx));
      return { ok: true as const };
    },
    'deploy.cancel': async ({ deploymentId, mode }) => {
      manager.cancel(deploymentId, mode, ctx.settings.get<string>('operator.name') ?? 'operator');
      return { ok: true as const };
    },
    'deploy.resume': ({ deploymentId, onInterrupted }) =>
      manager.resume(deploymentId, {
        operator: operatorName(ctx),
        onFailure: { kind: 'ask' },
        ...(onInterrupted ? { onInterrupted: { choice: onInterrupted.choice, ...(onInterrupted.reason ? { reason: onInterrupted.reason } : {}) } } : {}),
      }),
    'deploy.journal': async ({ deploymentId, afterSeq }) => manager.journal(deploymentId, afterSeq),
    'deploy.history': async ({ tenantId }) => manager.history(tenantId),
    'deploy.interrupted': async () => manager.interrupted(),
    'deploy.interruptedScript': async ({ deploymentId }) => manager.interruptedScript(deploymentId),
    'deploy.lockStatus': async () => lockStatus(ctx.dataDir),
    'deploy.unlock': async ({ deploymentId }) => ({ cleared: clearLock(ctx.dataDir, deploymentId) !== null }),
  };
}
