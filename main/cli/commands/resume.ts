import { AppError } from '../../../common/errors';
import { type CliCommand } from '../cli-types';
import { applyCommandLineValues, readValueFlags } from '../value-flags';
import { failurePolicy, openDeployEngine, operatorName } from './deploy-engine';
import { watchDeployment } from './deploy-watch';

const USAGE = 'drop-runner resume <deployment-id> [--var NAME=VALUE]... [--var-file <file>] [--on-failure abort|skip|retry:N] [--yes] [--report <dir>] [--operator <name>] [--data-dir <dir>]';

/** `drop-runner resume <id>`: continues an interrupted deployment from its unfinished step (the interruption is journaled). */
export const resumeCommand: CliCommand = {
  name: 'resume',
  summary: 'Continue an interrupted deployment (killed process, power loss) from the step that did not finish',
  usage: USAGE,
  valueFlags: ['on-failure', 'report', 'operator'],
  run: async (ctx) => {
    const id = ctx.args[0];
    if (!id || ctx.args.length > 1) throw new AppError('INVALID_ARGUMENTS', 'Give exactly one deployment id (see `drop-runner history`).', `Usage: ${USAGE}`);
    const policy = failurePolicy(ctx.flags.get('on-failure'));
    const engine = openDeployEngine(ctx);
    const known = engine.manager.history().find((d) => d.deploymentId === id);
    if (!known) throw new AppError('DEPLOY_NOT_FOUND', `There is no deployment "${id}" on this machine.`, 'Run `drop-runner history` to list the deployments.', { deploymentId: id });
    // Values typed for the first session are gone with its process: let the engineer give them again.
    const values = await readValueFlags(ctx.flags);
    if (values.values.length > 0) {
      const first = engine.manager.journal(id).events[0];
      const dropId = first?.type === 'deployment-started' ? first.drop.id : undefined;
      const templates = dropId ? engine.drops.get(dropId).variables : [];
      await applyCommandLineValues(engine.tenants, known.tenantId, templates, values);
    }
    const operator = ctx.flags.get('operator') ? await operatorName(ctx, engine.settings, false) : undefined;
    return watchDeployment(ctx, engine, () => engine.manager.resume(id, { onFailure: policy, confirmManualChecks: ctx.flags.has('yes'), ...(operator ? { operator } : {}) }));
  },
};
