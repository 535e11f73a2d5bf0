/**
 * The plan: the drop's steps in order, each with its settings as they will be used (secrets as
 * ********) and its executor's dry run against the target. A step that cannot be planned (server
 * down, variable missing) still appears, with the reason, so the engineer sees the whole picture.
 */
import type { PlanStep, PlanView } from '../../common/contract';
import { toErrorShape, type ErrorShape } from '../../common/errors';
import type { StepRegistry } from '../steps/step-registry';
import type { StepPlanDetail, StepTools } from '../steps/step-executor';
import type { DeploymentInputs } from './deployment-inputs';
import { buildStepContext } from './step-context';

/** The plan view plus the dry-run facts the change request needs. */
export interface DeploymentPlan {
  view: PlanView;
  details: Map<string, StepPlanDetail>;
}

/** Plans every step (dry runs one after another: they may share one server and must not compete). */
export async function buildPlan(inputs: DeploymentInputs, registry: StepRegistry, tools: StepTools): Promise<DeploymentPlan> {
  const { drop, redactor } = inputs;
  const steps: PlanStep[] = [];
  const details = new Map<string, StepPlanDetail>();
  for (const step of drop.steps) {
    const before = steps.length;
    await planOne(step);
    // Every plan line says when its step runs, whatever branch built it.
    for (const p of steps.slice(before)) {
      if (step.runCondition && step.runCondition !== 'success') p.runCondition = step.runCondition;
      if (step.runConditionNote) p.runConditionNote = step.runConditionNote;
    }
  }
  async function planOne(step: (typeof drop.steps)[number]): Promise<void> {
    const { settings, problems } = inputs.settingsFor(step);
    const shownSettings = redactor.redactValue(settings);
    if (step.type === 'unsupported') {
      steps.push({
        id: step.id,
        name: step.name,
        type: 'unsupported',
        transactional: 'not applicable',
        settings: shownSettings,
        dryRun: { summary: 'Drop Runner cannot run this step; it must be skipped explicitly.', items: [] },
        unsupportedReason: step.unsupportedReason ?? 'This step type is not supported.',
      });
      return;
    }
    const executor = registry.get(step.type);
    if (!executor) {
      steps.push({ id: step.id, name: step.name, type: step.type, transactional: 'unknown', settings: shownSettings, dryRun: { summary: `No executor for step type ${step.type}.`, items: [] } });
      return;
    }
    const transactional = executor.transactional(settings);
    if (problems.length > 0 || inputs.secretsProblem) {
      const error: ErrorShape = problems[0] ?? inputs.secretsProblem!;
      steps.push({ id: step.id, name: step.name, type: step.type, transactional, settings: shownSettings, dryRun: { summary: 'Not planned: the step\'s values are incomplete.', items: [], error: strip(error) } });
      return;
    }
    try {
      const result = await executor.plan(await buildStepContext(inputs, step, settings, tools, () => undefined));
      if (result.detail) details.set(step.id, result.detail);
      steps.push({
        id: step.id,
        name: step.name,
        type: step.type,
        transactional: result.transactional,
        settings: shownSettings,
        dryRun: { summary: redactor.redact(result.summary), items: redactor.redactValue(result.items) },
      });
    } catch (error) {
      const e = toErrorShape(error);
      steps.push({
        id: step.id,
        name: step.name,
        type: step.type,
        transactional,
        settings: shownSettings,
        dryRun: { summary: 'The dry run could not read the target.', items: [], error: { code: e.code, message: redactor.redact(e.message), hint: redactor.redact(e.hint) } },
      });
    }
  }
  const problems: ErrorShape[] = [...inputs.problems, ...drop.steps.flatMap((s) => inputs.settingsFor(s).problems)].map(strip);
  if (inputs.secretsProblem) problems.unshift(strip(inputs.secretsProblem));
  return {
    view: { dropId: drop.id, tenantId: inputs.tenantId, steps, variables: inputs.shownVariables(), problems: dedupe(problems) },
    details,
  };
}

function strip(e: ErrorShape): ErrorShape {
  return { code: e.code, message: e.message, hint: e.hint, ...(e.details ? { details: e.details } : {}) };
}

function dedupe(list: ErrorShape[]): ErrorShape[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.code}|${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
