/**
 * What the manager does before a run: the plan (each executor's dry run), the preflight (remembered
 * per drop and tenant for the change request), and the change request itself. Start and resume use
 * the same preflight, so a blocked preflight reads the same whichever way the run was begun.
 */
import type { PlanView } from '../../common/contract';
import type { Drop } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import { renderChangeRequestHtml } from '../report/change-request';
import { toChangeRequestInput } from './change-request-input';
import { prepareInputs, type DeploymentInputs } from './deployment-inputs';
import type { ManagerContext } from './manager-context';
import { buildPlan, type DeploymentPlan } from './plan';
import { runPreflight, type PreflightOutcome } from './preflight';
import { machineName } from './started-event';

const preflightKey = (dropId: string, tenantId: string) => `${dropId}\u0000${tenantId}`;

export async function planView(ctx: ManagerContext, dropId: string, tenantId: string): Promise<PlanView> {
  const drop = ctx.drops.get(dropId);
  const inputs = await prepareInputs(drop, tenantId, ctx.tenants);
  return (await buildPlan(inputs, ctx.registry, ctx.tools())).view;
}

/** Runs the preflight for prepared inputs and remembers its result for a later change request. */
export async function preflightWith(ctx: ManagerContext, drop: Drop, inputs: DeploymentInputs, skip: string[]): Promise<PreflightOutcome> {
  const result = await runPreflight(inputs, ctx.registry, ctx.tools(), { allowUnsigned: ctx.allowUnsigned(), skipUnsupported: new Set(skip), dataDir: ctx.dataDir });
  ctx.lastPreflight.set(preflightKey(drop.id, inputs.tenantId), { at: new Date().toISOString(), checks: result.checks });
  return result;
}

export async function preflightFor(ctx: ManagerContext, dropId: string, tenantId: string, skipUnsupported: string[]): Promise<PreflightOutcome> {
  const drop = ctx.drops.get(dropId);
  const inputs = await prepareInputs(drop, tenantId, ctx.tenants);
  return preflightWith(ctx, drop, inputs, skipUnsupported);
}

/** PREFLIGHT_BLOCKED naming every failed check; the first one's hint is the one shown. */
export function blockedError(result: PreflightOutcome): AppError {
  const failed = result.checks.filter((c) => c.status === 'fail');
  return new AppError(
    'PREFLIGHT_BLOCKED',
    `Preflight failed ${failed.length} check${failed.length === 1 ? '' : 's'}: ${failed.map((c) => `${c.title} — ${c.detail}`).join('; ')}`,
    failed[0]?.hint ?? 'Fix the failing checks, then run preflight again.',
    { failureKind: result.failureKind, checks: failed.map((c) => c.id) },
  );
}

/** The inputs' secret problem (a keychain value missing…) as the error a run stops with before it begins. */
export function throwOnSecretsProblem(inputs: DeploymentInputs): void {
  if (inputs.secretsProblem) throw new AppError(inputs.secretsProblem.code, inputs.secretsProblem.message, inputs.secretsProblem.hint);
}

export async function changeRequestHtml(ctx: ManagerContext, dropId: string, tenantId: string, opts: { preparedBy?: string }): Promise<{ html: string }> {
  const drop = ctx.drops.get(dropId);
  const inputs = await prepareInputs(drop, tenantId, ctx.tenants);
  const plan: DeploymentPlan = await buildPlan(inputs, ctx.registry, ctx.tools());
  const preflight = ctx.lastPreflight.get(preflightKey(dropId, tenantId));
  const input = toChangeRequestInput({
    drop,
    tenant: ctx.tenantFacts(drop, tenantId),
    plan: plan.view,
    details: plan.details,
    machine: machineName(),
    ...(preflight ? { preflight } : {}),
    ...(opts.preparedBy ? { preparedBy: opts.preparedBy } : {}),
    ...(ctx.options.appVersion ? { appVersion: ctx.options.appVersion } : {}),
  });
  // The change request leaves the machine (e-mailed to a CAB): no secret may be in it.
  return { html: inputs.redactor.redact(renderChangeRequestHtml(input)) };
}
