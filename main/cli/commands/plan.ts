import { RUN_CONDITION_LABELS } from '../../../common/drop-model';
import { EXIT, type CliCommand } from '../cli-types';
import { terminalWriter } from '../terminal-text';
import { groupProblems } from '../../../common/problem-groups';
import { printProblems } from '../problem-list';
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
      // problemGroups: the same problems, one entry per root cause (what the text output prints).
      ctx.stdout(`${JSON.stringify({ ...plan, problemGroups: groupProblems(plan.problems) }, null, 2)}\n`);
      return plan.problems.length > 0 ? EXIT.invalidInput : EXIT.ok;
    }
    // Step names, labels and details quote the drop.
    const stdout = terminalWriter(ctx.stdout);
    stdout(`Plan for ${drop.project.name} ${drop.release.version} → tenant ${tenantId} (drop ${drop.id})\n\n`);
    plan.steps.forEach((s, i) => {
      stdout(`${i + 1}. ${s.name} [${s.type}] — rollback: ${s.transactional}\n`);
      stdout(`   ${s.dryRun.summary}\n`);
      for (const item of s.dryRun.items) stdout(`   - ${item.label}: ${item.action}${item.detail ? ` (${item.detail})` : ''}\n`);
      const waitsFor = s.dryRun.error?.details?.missing;
      // A step waiting for a missing value is listed under that value in "Problems"; saying it here once is enough.
      if (Array.isArray(waitsFor)) stdout(`   waits for: ${waitsFor.map((m) => `#{${String(m)}}`).join(', ')} (see Problems below)\n`);
      else if (s.dryRun.error) stdout(`   error ${s.dryRun.error.code}: ${s.dryRun.error.message}\n   hint: ${s.dryRun.error.hint}\n`);
      if (s.unsupportedReason) stdout(`   unsupported: ${s.unsupportedReason}\n`);
      if (s.runCondition) stdout(`   run condition: ${s.runCondition} — ${RUN_CONDITION_LABELS[s.runCondition]}\n`);
      if (s.runConditionNote) stdout(`   ${s.runConditionNote}\n`);
    });
    if (plan.problems.length > 0) printProblems({ stdout }, plan.problems, tenantId);
    return plan.problems.length > 0 ? EXIT.invalidInput : EXIT.ok;
  },
};
