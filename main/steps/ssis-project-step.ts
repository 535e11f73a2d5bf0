/**
 * The `ssis-project` step: an adapter over main/ssis (catalog folder, project, environment,
 * variables, reference, bindings). The SSIS engine owns the catalog calls; this maps its plan to
 * the plan view and its failures to preflight checks.
 */
import path from 'node:path';
import type { DryRunItem } from '../../common/contract';
import type { PreflightCheck } from '../../common/journal-events';
import { toErrorShape } from '../../common/errors';
import { planSsisStep, runSsisStep, type SsisPlan } from '../ssis/index';
import type { StepContext, StepExecutor, StepPlanDetail } from './step-executor';

const TRANSACTIONAL = 'none (each catalog change is applied on its own; running the step again is safe)';

function options(ctx: StepContext) {
  // A package archive (Octopus Packages/*.nupkg) is read from its extracted folder, where "ispac" is relative to the archive's inside.
  const extracted = ctx.packageRoot !== undefined && ctx.step.package !== undefined && path.resolve(ctx.dropRoot, ctx.step.package) !== ctx.packageRoot;
  return {
    stepId: ctx.step.id,
    dropRoot: extracted ? ctx.packageRoot! : ctx.dropRoot,
    ...(ctx.step.package && !extracted ? { packagePath: ctx.step.package } : {}),
    settings: ctx.settings,
    redact: (s: string) => ctx.redactor.redact(s),
  };
}

/** The dry-run items of an SSIS plan, in the order the run applies them. */
export function ssisPlanItems(plan: SsisPlan): { items: DryRunItem[]; changes: NonNullable<StepPlanDetail['ssisChanges']> } {
  const changes: NonNullable<StepPlanDetail['ssisChanges']> = [];
  changes.push({ kind: 'folder', name: plan.folder.name, action: plan.folder.action });
  if (plan.environmentFolder) changes.push({ kind: 'folder', name: plan.environmentFolder.name, action: plan.environmentFolder.action });
  changes.push({
    kind: 'project',
    name: plan.project.name,
    action: plan.project.action,
    detail: `sha256 ${plan.project.ispacSha256}${plan.project.ispacVersion ? `, version ${plan.project.ispacVersion}` : ''}`,
  });
  changes.push({ kind: 'environment', name: `${plan.environment.folder}/${plan.environment.name}`, action: plan.environment.action });
  for (const v of plan.variables) {
    changes.push({ kind: 'variable', name: v.name, action: v.action, detail: `${v.type}${v.sensitive ? ', sensitive' : ''}${v.changes.length ? ` (${v.changes.join(', ')})` : ''}` });
  }
  changes.push({ kind: 'reference', name: `${plan.project.name} → ${plan.reference.environment}`, action: plan.reference.action, detail: plan.reference.type === 'R' ? 'relative' : 'absolute' });
  for (const b of plan.bindings) {
    changes.push({ kind: 'parameter', name: `${b.package ? `${b.package}:` : ''}${b.parameter}`, action: b.action, detail: b.kind === 'referenced' ? `→ ${b.shown}` : `= ${b.shown}` });
  }
  return { items: changes.map((c) => ({ label: `${c.kind} ${c.name}`, action: c.action, ...(c.detail ? { detail: c.detail } : {}) })), changes };
}

function checkFor(ctx: StepContext, code: string, message: string, hint: string): PreflightCheck {
  const stepId = ctx.step.id;
  if (code === 'SSISDB_MISSING') return { id: `${stepId}:ssisdb`, stepId, title: 'SSIS catalog (SSISDB) present', status: 'fail', detail: message, hint };
  if (code === 'SQL_CONNECT_FAILED' || code === 'SQL_LOGIN_FAILED' || code === 'SSIS_WINDOWS_AUTH_REQUIRED') return { id: `${stepId}:connection`, stepId, title: 'Connect to the SSIS catalog server', status: 'fail', detail: `${code}: ${message}`, hint };
  if (code === 'SSIS_PERMISSION_DENIED') return { id: `${stepId}:permissions`, stepId, title: 'SSIS catalog permissions', status: 'fail', detail: message, hint };
  if (code.endsWith('_SETTINGS_INVALID') || code.startsWith('SSIS_ISPAC')) return { id: `${stepId}:settings`, stepId, title: 'Step settings', status: 'fail', detail: `${code}: ${message}`, hint };
  return { id: `${stepId}:catalog`, stepId, title: 'Read the SSIS catalog', status: 'fail', detail: `${code}: ${message}`, hint };
}

/** The ssis-project executor. */
export const ssisProjectExecutor: StepExecutor = {
  type: 'ssis-project',
  transactional: () => TRANSACTIONAL,

  async plan(ctx) {
    const plan = await planSsisStep(options(ctx));
    const { items, changes } = ssisPlanItems(plan);
    const changing = changes.filter((c) => c.action !== 'unchanged' && c.action !== 'keep').length;
    return {
      summary: plan.upToDate ? `SSIS project ${plan.project.name} is up to date on ${plan.server}.` : `${changing} SSIS catalog change${changing === 1 ? '' : 's'} on ${plan.server} (folder ${plan.folder.name}).`,
      items,
      transactional: TRANSACTIONAL,
      detail: {
        ssisChanges: changes,
        ...(plan.project.action !== 'unchanged'
          ? {
              ssisVersion: {
                folder: plan.folder.name,
                project: plan.project.name,
                ...(plan.project.deployed?.versionLsn ? { versionLsn: plan.project.deployed.versionLsn } : {}),
                ...(plan.project.deployed?.lastDeployedTime ? { deployedAt: plan.project.deployed.lastDeployedTime } : {}),
                ...(plan.project.deployed?.deployedBy ? { deployedBy: plan.project.deployed.deployedBy } : {}),
              },
            }
          : {}),
      },
    };
  },

  async preflight(ctx) {
    const stepId = ctx.step.id;
    try {
      const plan = await planSsisStep(options(ctx));
      return [
        { id: `${stepId}:connection`, stepId, title: `Connect to ${plan.server}`, status: 'pass', detail: 'Reachable with Windows authentication; the login was accepted.' },
        { id: `${stepId}:ssisdb`, stepId, title: 'SSIS catalog (SSISDB) present', status: 'pass', detail: `SSISDB exists; folder ${plan.folder.name} ${plan.folder.action === 'create' ? 'will be created' : 'exists'}.` },
      ];
    } catch (error) {
      const e = toErrorShape(error);
      return [checkFor(ctx, e.code, ctx.redactor.redact(e.message), ctx.redactor.redact(e.hint))];
    }
  },

  async run(ctx) {
    // The catalog deployment is one operation: a graceful cancel lets it finish, an immediate one interrupts it.
    const result = await runSsisStep({ ...options(ctx), signal: ctx.signals.immediate, onEvent: (e) => ctx.emit(e) });
    return { outcome: result.outcome };
  },
};
