import { AppError } from '../../../common/errors';
import type { InterruptedScriptChoice } from '../../../common/journal-events';
import { describeInterruptedScript, INTERRUPTED_CHOICES, type InterruptedScriptAnswer } from '../../deploy/interrupted-script';
import { type CliCommand, type CliContext } from '../cli-types';
import { promptCancelled, promptLine } from '../prompt';
import { applyCommandLineValues, readValueFlags } from '../value-flags';
import { failurePolicy, openDeployEngine, operatorName, type DeployEngine } from './deploy-engine';
import { watchDeployment } from './deploy-watch';
import { askAtManualChecks, isInteractive } from './manual-check-prompt';

const USAGE =
  'drop-runner resume <deployment-id> [--var NAME=VALUE]... [--var-file <file>] [--on-failure abort|skip|retry:N] [--on-interrupted continue|rerun|skip|abort [--reason <text>]] [--yes] [--report <dir>] [--operator <name>] [--data-dir <dir>]';

/** --on-interrupted / --reason as given; INVALID_ARGUMENTS for anything else. */
function interruptedFlag(ctx: CliContext): InterruptedScriptAnswer | undefined {
  const choice = ctx.flags.get('on-interrupted');
  const reason = ctx.flags.get('reason');
  if (choice === undefined) {
    if (reason !== undefined) throw new AppError('INVALID_ARGUMENTS', '--reason goes with --on-interrupted skip.', `Usage: ${USAGE}`);
    return undefined;
  }
  if (!INTERRUPTED_CHOICES.includes(choice as InterruptedScriptChoice)) {
    throw new AppError('INVALID_ARGUMENTS', `--on-interrupted "${choice}" is not a choice.`, 'Use continue, rerun, skip (with --reason) or abort.');
  }
  return { choice: choice as InterruptedScriptChoice, ...(reason !== undefined ? { reason } : {}) };
}

/**
 * On a terminal, a resume that finds a script stopped part-way asks what to do (the same four choices as
 * the flag); elsewhere the manager refuses with DEPLOY_SCRIPT_INTERRUPTED and its hint.
 */
async function askInteractively(ctx: CliContext, engine: DeployEngine, id: string): Promise<InterruptedScriptAnswer | undefined> {
  if (!(ctx.stdin as { isTTY?: boolean }).isTTY) return undefined;
  const cut = engine.manager.interruptedScript(id);
  if (!cut) return undefined;
  ctx.stderr(`The deployment stopped in the middle of a script without a transaction:\n  ${describeInterruptedScript(cut)}\n`);
  for (const b of cut.applied) ctx.stderr(`  applied: batch ${b.batch} (${b.file} line ${b.line})\n`);
  if (cut.inFlightBatch) ctx.stderr(`  in flight: batch ${cut.inFlightBatch} — check the database to see whether it took effect\n`);
  for (;;) {
    const line = await promptLine(ctx.stdin, ctx.stderr, 'continue (from the batch in flight), rerun (whole script), skip (rest of it), or abort? ');
    if (line === null) throw promptCancelled();
    const choice = line.trim().toLowerCase() as InterruptedScriptChoice;
    if (!INTERRUPTED_CHOICES.includes(choice)) continue;
    if (choice !== 'skip') return { choice };
    const reason = await promptLine(ctx.stdin, ctx.stderr, 'Why is it safe to skip (recorded in the report)? ');
    if (reason === null) throw promptCancelled();
    if (reason.trim()) return { choice, reason: reason.trim() };
  }
}

/** `drop-runner resume <id>`: continues an interrupted deployment from its unfinished step (the interruption is journaled). */
export const resumeCommand: CliCommand = {
  name: 'resume',
  summary: 'Continue an interrupted deployment (killed process, power loss) from the step that did not finish',
  usage: USAGE,
  valueFlags: ['on-failure', 'report', 'operator', 'on-interrupted', 'reason'],
  run: async (ctx) => {
    const id = ctx.args[0];
    if (!id || ctx.args.length > 1) throw new AppError('INVALID_ARGUMENTS', 'Give exactly one deployment id (see `drop-runner history`).', `Usage: ${USAGE}`);
    const policy = failurePolicy(ctx.flags.get('on-failure'));
    const given = interruptedFlag(ctx);
    const engine = openDeployEngine(ctx);
    const known = engine.manager.history().find((d) => d.deploymentId === id);
    if (!known) throw new AppError('DEPLOY_NOT_FOUND', `There is no deployment "${id}" on this machine.`, 'Run `drop-runner history` to list the deployments.', { deploymentId: id });
    const onInterrupted = given ?? (await askInteractively(ctx, engine, id));
    // Values typed for the first session are gone with its process: let the engineer give them again.
    const values = await readValueFlags(ctx.flags);
    if (values.values.length > 0) {
      const first = engine.manager.journal(id).events[0];
      const dropId = first?.type === 'deployment-started' ? first.drop.id : undefined;
      const templates = dropId ? engine.drops.get(dropId).variables : [];
      await applyCommandLineValues(engine.tenants, known.tenantId, templates, values);
    }
    const operator = ctx.flags.get('operator') ? await operatorName(ctx, engine.settings, false) : undefined;
    // As in deploy: a person at the terminal is asked what the run asks (a clean-up check, a failed backup).
    const yes = ctx.flags.has('yes');
    const unattended = yes || !isInteractive(ctx);
    const lastStart = engine.manager.journal(id).events.filter((e) => e.type === 'deployment-started').at(-1);
    const answeredBy = operator ?? (lastStart?.type === 'deployment-started' ? lastStart.operator : 'operator');
    const stopAsking = unattended ? () => undefined : askAtManualChecks(ctx, engine.manager, answeredBy);
    try {
      return await watchDeployment(ctx, engine, () =>
        engine.manager.resume(id, { onFailure: policy, confirmManualChecks: yes, unattended, ...(operator ? { operator } : {}), ...(onInterrupted ? { onInterrupted } : {}) }),
      );
    } finally {
      stopAsking();
    }
  },
};
