/**
 * The `manual-check` step: an instruction the operator must confirm (pause the interface engine,
 * take a backup). Nothing runs on a server; the confirmation — who and when — is what is journaled.
 */
import { AppError } from '../../common/errors';
import type { StepExecutor } from './step-executor';
import { requireString } from './step-settings';

const HINT = 'Write the instruction for the engineer in "instructions".';

/** The manual-check executor. */
export const manualCheckExecutor: StepExecutor = {
  type: 'manual-check',
  transactional: () => 'not applicable (nothing is changed by Drop Runner)',

  async plan(ctx) {
    const instructions = requireString(ctx.settings, ctx.step.id, 'instructions', HINT);
    return {
      summary: 'The operator confirms an instruction before the deployment continues.',
      items: [{ label: 'Manual check', action: 'confirm', detail: instructions }],
      transactional: 'not applicable (nothing is changed by Drop Runner)',
      detail: { instructions },
    };
  },

  async preflight(ctx) {
    try {
      requireString(ctx.settings, ctx.step.id, 'instructions', HINT);
      return [{ id: `${ctx.step.id}:confirmation`, stepId: ctx.step.id, title: 'Manual check', status: 'pass', detail: 'The operator will be asked to confirm this instruction during the run.' }];
    } catch (error) {
      const e = error as AppError;
      return [{ id: `${ctx.step.id}:settings`, stepId: ctx.step.id, title: 'Step settings', status: 'fail', detail: e.message, hint: e.hint }];
    }
  },

  async run(ctx) {
    const instructions = requireString(ctx.settings, ctx.step.id, 'instructions', HINT);
    if (!ctx.confirm) {
      throw new AppError('MANUAL_CHECK_UNCONFIRMED', `Step ${ctx.step.id} needs the operator to confirm: ${instructions}`, 'Confirm the check in the Run screen, or pass --yes to the deploy command after doing it.', { stepId: ctx.step.id });
    }
    ctx.emit({ type: 'log', stepId: ctx.step.id, level: 'info', message: `Waiting for the operator to confirm: ${instructions}`, source: 'manual-check' });
    const answer = await ctx.confirm({ instructions });
    if (answer.answer === 'confirmed') {
      // The report must tell a check confirmed at the moment from one confirmed before the run (--yes).
      const how = answer.inAdvance ? `Confirmed in advance by ${answer.by} (deploy --yes), not at the check itself.` : `Confirmed by ${answer.by}.`;
      ctx.emit({ type: 'log', stepId: ctx.step.id, level: 'info', message: how, source: 'manual-check' });
      ctx.emit({
        type: 'artifact',
        stepId: ctx.step.id,
        artifact: { kind: 'other', name: 'Manual check', action: answer.inAdvance ? 'confirmed in advance' : 'confirmed', detail: answer.inAdvance ? `confirmed in advance by ${answer.by} (deploy --yes)` : `by ${answer.by}` },
      });
      return { outcome: 'succeeded' };
    }
    if (answer.answer === 'skip') return { outcome: 'skipped', reason: answer.reason, by: answer.by };
    if (answer.answer === 'unanswered') {
      throw new AppError('MANUAL_CHECK_UNCONFIRMED', `Step ${ctx.step.id} needs the operator to confirm, and ${answer.why}: ${instructions}`, 'Run the command in a terminal to be asked at the check, or do what it says and pass --yes.', { stepId: ctx.step.id });
    }
    return { outcome: 'cancelled', abort: true, by: answer.by };
  },
};
