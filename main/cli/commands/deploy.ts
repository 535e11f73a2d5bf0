import { AppError } from '../../../common/errors';
import type { CliCommand } from '../cli-types';
import { dropFromArgument, failurePolicy, openDeployEngine, operatorName, tenantWithValues } from './deploy-engine';
import { printFailure } from '../failure';
import { printChecks } from './deploy-progress';
import { watchDeployment } from './deploy-watch';
import { askAtManualChecks, isInteractive } from './manual-check-prompt';

const USAGE =
  'drop-runner deploy <drop.zip | folder | drop-id> [--tenant <id>] [--var NAME=VALUE]... [--var-file <file>] [--remember] [--on-failure abort|skip|retry:N] [--yes] [--skip-unsupported <step-id>]... [--report <dir>] [--operator <name>] [--password-stdin] [--data-dir <dir>]';

/** `drop-runner deploy`: preflight, then the steps in order with the log in the terminal; exit 0 / 1 / 2 / 3 / 130. */
export const deployCommand: CliCommand = {
  name: 'deploy',
  summary: 'Deploy a drop to a tenant: preflight, run every step with the log in the terminal, optionally write the report',
  usage: USAGE,
  valueFlags: ['on-failure', 'report', 'operator', 'skip-unsupported'],
  run: async (ctx) => {
    const policy = failurePolicy(ctx.flags.get('on-failure'));
    const engine = openDeployEngine(ctx);
    const drop = await dropFromArgument(engine, ctx.args[0], USAGE);
    const tenantId = await tenantWithValues(ctx, engine, drop);
    const manual = drop.steps.filter((s) => s.type === 'manual-check');
    const yes = ctx.flags.has('yes');
    const interactive = isInteractive(ctx);
    // Nobody to ask: an unattended run must say in advance (--yes) that the checks are done.
    if (manual.length > 0 && !yes && !interactive) {
      return printFailure(ctx, new AppError('MANUAL_CHECK_NEEDS_YES', `This drop has ${manual.length} manual check${manual.length === 1 ? '' : 's'} the operator must confirm: ${manual.map((s) => `"${s.name}"`).join(', ')}.`, 'Run deploy in a terminal to be asked at each check, or read them with `drop-runner plan`, do what they say, and run deploy again with --yes (the report then says they were confirmed in advance).'));
    }
    const skipUnsupported = ctx.flags.getAll('skip-unsupported');
    const operator = await operatorName(ctx, engine.settings, interactive);
    ctx.stdout(`Preflight for ${drop.project.name} ${drop.release.version} → ${tenantId}\n`);
    const preflight = await engine.manager.preflight(drop.id, tenantId, { skipUnsupported });
    printChecks(ctx, preflight.checks, tenantId);
    if (preflight.blocked) {
      return printFailure(ctx, {
        code: 'PREFLIGHT_BLOCKED',
        message: `${preflight.checks.filter((c) => c.status === 'fail').length} preflight check(s) failed; nothing was changed.`,
        hint: 'Fix the failing checks above, then run the command again.',
        details: { failureKind: preflight.failureKind },
      });
    }
    // A person at the terminal is asked every question the run has (manual checks, a failed backup); with
    // nobody there (or --yes), the run never waits for one: see StartOptions.unattended.
    const unattended = yes || !interactive;
    const stopAsking = unattended ? () => undefined : askAtManualChecks(ctx, engine.manager, operator);
    try {
      return await watchDeployment(ctx, engine, () =>
        engine.manager.start({ dropId: drop.id, tenantId, operator, skipUnsupported, onFailure: policy, confirmManualChecks: yes, unattended, preflight }),
      );
    } finally {
      stopAsking();
    }
  },
};
