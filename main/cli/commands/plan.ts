import { RUN_CONDITION_LABELS } from '../../../common/drop-model';
import { EXIT, type CliCommand } from '../cli-types';
import { dropFromArgument, openDeployEngine, tenantWithValues } from './deploy-engine';

const USAGE = 'drop-runner plan <drop.zip | folder | drop-id> [--tenant <id>] [--var NAME=VALUE]... [--var-file <file>] [--remember] [--password-stdin] [--json] [--data-dir <dir>]';

/** `drop-runner plan`: the ordered steps, their settings (secrets as ********) and each step's dry run against the target. */
export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'Show what a deployment would do: steps in order, resolved settings (secrets masked), and a dry run against the target',
  usage: USAGE,
  valueFlags: ['operator'],
  run: async (ctx) => {
    const engine = openDeployEngine(ctx);
    const drop = await dropFromArgument(engine, ctx.args[0], USAGE);
    const tenantId = await tenantWithValues(ctx, engine, drop);
    const plan = await engine.manager.plan(drop.id, tenantId);
    if (ctx.flags.has('json')) {
      ctx.stdout(`${JSON.stringify(plan, null, 2)}\n`);
      return plan.problems.length > 0 ? EXIT.invalidInput : EXIT.ok;
    }
    ctx.stdout(`Plan for ${drop.project.name} ${drop.release.version} → tenant ${tenantId} (drop ${drop.id})\n\n`);
    plan.steps.forEach((s, i) => {
      ctx.stdout(`${i + 1}. ${s.name} [${s.type}] — rollback: ${s.transactional}\n`);
      ctx.stdout(`   ${s.dryRun.summary}\n`);
      for (const item of s.dryRun.items) ctx.stdout(`   - ${item.label}: ${item.action}${item.detail ? ` (${item.detail})` : ''}\n`);
      if (s.dryRun.error) ctx.stdout(`   error ${s.dryRun.error.code}: ${s.dryRun.error.message}\n   hint: ${s.dryRun.error.hint}\n`);
      if (s.unsupportedReason) ctx.stdout(`   unsupported: ${s.unsupportedReason}\n`);
      if (s.runCondition) ctx.stdout(`   run condition: ${s.runCondition} — ${RUN_CONDITION_LABELS[s.runCondition]}\n`);
      if (s.runConditionNote) ctx.stdout(`   ${s.runConditionNote}\n`);
    });
    if (plan.problems.length > 0) {
      ctx.stdout('\nProblems:\n');
      for (const p of plan.problems) ctx.stdout(`  ${p.code}: ${p.message}\n    hint: ${p.hint}\n`);
    }
    return plan.problems.length > 0 ? EXIT.invalidInput : EXIT.ok;
  },
};
