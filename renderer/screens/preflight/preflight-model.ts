/** What stands between the operator and "Deploy" (pure): failing checks, unacknowledged unsupported steps. */
import type { PlanStep, PlanView, PreflightResult } from '../../../common/contract';
import type { PreflightCheck } from '../../../common/journal-events';

/** Pass / warn / fail counts. */
export function countChecks(checks: readonly PreflightCheck[]): { pass: number; warn: number; fail: number } {
  const counts = { pass: 0, warn: 0, fail: 0 };
  for (const check of checks) counts[check.status]++;
  return counts;
}

/** Failures first, then warnings, then passes; stable within a status. */
export function sortChecks(checks: readonly PreflightCheck[]): PreflightCheck[] {
  const rank = { fail: 0, warn: 1, pass: 2 } as const;
  return [...checks].sort((a, b) => rank[a.status] - rank[b.status]);
}

/** Steps Drop Runner cannot run; each needs the operator's explicit "Skip this step". */
export function unsupportedSteps(plan: PlanView | null): PlanStep[] {
  return plan ? plan.steps.filter((s) => s.type === 'unsupported') : [];
}

/**
 * Why Deploy is disabled, in words; empty when it may start. A failing check tied to an unsupported step
 * the operator chose to skip no longer blocks (the engine re-checks the same rule at deploy.start).
 */
export function deployBlockers(preflight: PreflightResult | null, plan: PlanView | null, acknowledged: ReadonlySet<string>): string[] {
  const blockers: string[] = [];
  if (!preflight) return ['Preflight has not run yet.'];
  const skipped = new Set(unsupportedSteps(plan).filter((s) => acknowledged.has(s.id)).map((s) => s.id));
  for (const step of unsupportedSteps(plan)) {
    if (!acknowledged.has(step.id)) blockers.push(`Step "${step.name}" cannot run here: choose "Skip this step" to go on without it.`);
  }
  for (const check of preflight.checks) {
    if (check.status === 'fail' && !(check.stepId && skipped.has(check.stepId))) blockers.push(`${check.title}: ${check.detail}`);
  }
  for (const problem of plan?.problems ?? []) blockers.push(`${problem.code}: ${problem.message}`);
  if (preflight.blocked && blockers.length === 0 && skipped.size === 0) blockers.push('Preflight reported the deployment as blocked.');
  return blockers;
}
