/**
 * Adapts a plan to the report module's change-request input: the same dry run the engineer sees,
 * laid out for the hospital's change board before anything runs.
 */
import type { PlanView } from '../../common/contract';
import type { Drop } from '../../common/drop-model';
import type { PreflightCheck } from '../../common/journal-events';
import type { ChangeRequestInput, ChangeRequestStep } from '../report/change-request';
import type { StepPlanDetail } from '../steps/step-executor';

export interface ChangeRequestFacts {
  drop: Drop;
  tenant: { id: string; name: string; environment: string };
  plan: PlanView;
  details: ReadonlyMap<string, StepPlanDetail>;
  preparedBy?: string;
  machine?: string;
  appVersion?: string;
  preflight?: { at: string; checks: PreflightCheck[] };
}

/** Builds the ChangeRequestInput from a plan and its dry-run details (secrets are already masked in the plan). */
export function toChangeRequestInput(facts: ChangeRequestFacts): ChangeRequestInput {
  const { drop, plan } = facts;
  const steps: ChangeRequestStep[] = plan.steps.map((s) => {
    const d = facts.details.get(s.id);
    const warnings = [...(d?.warnings ?? [])];
    if (s.dryRun.error) warnings.push(`The dry run could not complete: ${s.dryRun.error.code}: ${s.dryRun.error.message}`);
    if (s.type === 'unsupported') warnings.push(`Drop Runner cannot run this step: ${s.unsupportedReason ?? 'unsupported'}. It must be done by hand and skipped explicitly.`);
    const instructions = d?.instructions ?? (typeof s.settings.instructions === 'string' ? s.settings.instructions : undefined);
    return {
      id: s.id,
      name: s.name,
      type: s.type,
      transactional: s.transactional,
      description: s.dryRun.summary,
      ...(d?.scriptsPending ? { scriptsPending: d.scriptsPending } : {}),
      ...(d?.scriptsAlreadyApplied ? { scriptsAlreadyApplied: d.scriptsAlreadyApplied } : {}),
      ...(d?.ssisChanges ? { ssisChanges: d.ssisChanges } : {}),
      ...(instructions ? { instructions } : {}),
      ...(d?.backup ? { backup: d.backup } : {}),
      ...((s.type === 'sql-scripts' || s.type === 'dacpac') && s.settings.backup === 'none' ? { backupOff: true } : {}),
      ...(d?.ssisVersion ? { ssisVersion: d.ssisVersion } : {}),
      ...(warnings.length ? { warnings } : {}),
    };
  });
  const sig = drop.provenance.signature;
  return {
    drop: {
      id: drop.id,
      format: drop.format,
      project: { ...drop.project },
      release: { version: drop.release.version, ...(drop.release.channel ? { channel: drop.release.channel } : {}), ...(drop.release.notes ? { notes: drop.release.notes } : {}) },
      sha256: drop.provenance.sha256,
      signature: { state: sig.state, ...(sig.state === 'verified' ? { publisher: sig.publisher } : {}) },
      sourcePath: drop.provenance.sourcePath,
    },
    tenant: facts.tenant,
    ...(facts.preparedBy ? { preparedBy: facts.preparedBy } : {}),
    ...(facts.machine ? { machine: facts.machine } : {}),
    ...(facts.appVersion ? { appVersion: facts.appVersion } : {}),
    steps,
    variables: plan.variables.map((v) => ({ name: v.name, source: v.source, sensitive: v.sensitive, ...(v.sensitive ? {} : { value: v.value }) })),
    preflight: facts.preflight ?? null,
  };
}
