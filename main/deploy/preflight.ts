/**
 * Preflight: everything that can be known before the first change, each check pass / warn / fail
 * with a hint. Any fail blocks the run. Checks are grouped so the CLI can tell "fix your input"
 * (exit 2) from "fix the machine or the network" (exit 3).
 */
import { groupProblems } from '../../common/problem-groups';
import { statfsSync } from 'node:fs';
import type { PreflightResult } from '../../common/contract';
import type { PreflightCheck } from '../../common/journal-events';
import { toErrorShape } from '../../common/errors';
import type { StepRegistry } from '../steps/step-registry';
import type { StepTools } from '../steps/step-executor';
import type { DeploymentInputs } from './deployment-inputs';
import { buildStepContext } from './step-context';

/** Preflight with the kind of the first failure: input (values, signature, unsupported steps) or environment. */
export interface PreflightOutcome extends PreflightResult {
  failureKind: 'input' | 'environment' | null;
}

export interface PreflightOptions {
  /** Unsigned drops (and unknown publishers) are a warning when true, a failure when false. Invalid signatures always fail. */
  allowUnsigned: boolean;
  /** Ids of unsupported steps the operator chose to skip. */
  skipUnsupported: ReadonlySet<string>;
  /** Folder whose free space is checked (the data folder). */
  dataDir: string;
}

const MIB = 1024 * 1024;
const ENVIRONMENT_SUFFIXES = [':connection', ':ssisdb', ':sqlpackage', ':interpreter', ':permissions', ':catalog'];

/** True for checks about the machine, the network or the server rather than the engineer's input. */
export function isEnvironmentCheck(check: PreflightCheck): boolean {
  return check.id === 'keychain' || check.id === 'disk' || ENVIRONMENT_SUFFIXES.some((s) => check.id.endsWith(s));
}

/** Runs every check; never throws for a failing check. */
export async function runPreflight(inputs: DeploymentInputs, registry: StepRegistry, tools: StepTools, options: PreflightOptions): Promise<PreflightOutcome> {
  const { drop, redactor } = inputs;
  const checks: PreflightCheck[] = [];

  const sig = drop.provenance.signature;
  if (sig.state === 'verified') checks.push({ id: 'signature', title: 'Drop signature', status: 'pass', detail: `Signed by ${sig.publisher} (key ${sig.keyId}).` });
  else if (sig.state === 'invalid') {
    checks.push({ id: 'signature', title: 'Drop signature', status: 'fail', detail: `The signature is invalid: ${sig.reason}`, hint: 'The drop was changed after it was signed. Get a fresh copy from the vendor; never deploy it.' });
  } else {
    const what = sig.state === 'unsigned' ? 'The drop is not signed.' : `The drop is signed with a key that is not trusted on this machine (${sig.keyId}).`;
    checks.push(
      options.allowUnsigned
        ? { id: 'signature', title: 'Drop signature', status: 'warn', detail: what, hint: 'Compare the zip\'s SHA-256 with the one the vendor sent, or trust the publisher key ("Trust this publisher…" on the Overview, or `drop-runner trust add`).' }
        : { id: 'signature', title: 'Drop signature', status: 'fail', detail: `${what} This machine only deploys drops from trusted publishers.`, hint: 'Trust the publisher key after checking its fingerprint with the vendor ("Trust this publisher…" on the Overview, or `drop-runner trust add`), or change the "allow unsigned drops" setting.' },
    );
  }

  const needsSecrets = inputs.values.some((v) => v.sensitive && v.source === 'remembered');
  if (inputs.secretsProblem) checks.push({ id: 'keychain', title: 'OS keychain', status: 'fail', detail: `${inputs.secretsProblem.code}: ${inputs.secretsProblem.message}`, hint: inputs.secretsProblem.hint });
  else if (needsSecrets) checks.push({ id: 'keychain', title: 'OS keychain', status: 'pass', detail: 'The tenant\'s secrets were read from the keychain.' });

  // One check per root cause: a missing value is not repeated by every default and step setting that uses it.
  const stepReferences = drop.steps.filter((s) => s.type !== 'unsupported' && registry.get(s.type)).flatMap((s) => inputs.settingsFor(s).problems.filter((p) => p.details?.missing !== undefined));
  const variableGroups = groupProblems([...inputs.problems, ...stepReferences]);
  if (variableGroups.length === 0) checks.push({ id: 'variables', title: 'Variables', status: 'pass', detail: `All ${inputs.values.length} variables have acceptable values.` });
  for (const g of variableGroups) {
    const needed = [
      ...(g.dependentVariables.length > 0 ? [`needed by the value of ${g.dependentVariables.join(', ')}`] : []),
      ...(g.dependentSteps.length > 0 ? [`needed by step${g.dependentSteps.length === 1 ? '' : 's'} ${g.dependentSteps.join(', ')}`] : []),
    ];
    checks.push({ id: g.variable ? `variables:${g.variable}` : `variables-problem:${g.root.code}`, title: `Variable ${g.variable ?? ''}`.trim(), status: 'fail', detail: `${g.root.code}: ${g.root.message}${needed.length > 0 ? ` (${needed.join('; ')})` : ''}`, hint: g.root.hint });
  }

  try {
    const fs = statfsSync(options.dataDir);
    const free = fs.bavail * fs.bsize;
    const shown = `${Math.round(free / MIB)} MiB free in ${options.dataDir}.`;
    if (free < 50 * MIB) checks.push({ id: 'disk', title: 'Free disk space', status: 'fail', detail: shown, hint: 'Free at least 50 MiB: the journal and the report are written there during the run.' });
    else if (free < 500 * MIB) checks.push({ id: 'disk', title: 'Free disk space', status: 'warn', detail: shown, hint: 'Less than 500 MiB is left; a long log may fill it.' });
    else checks.push({ id: 'disk', title: 'Free disk space', status: 'pass', detail: shown });
  } catch (error) {
    checks.push({ id: 'disk', title: 'Free disk space', status: 'warn', detail: `Could not read the free space: ${(error as Error).message}`, hint: 'Check the data folder\'s disk by hand.' });
  }

  for (const step of drop.steps) {
    if (step.type === 'unsupported') {
      const reason = step.unsupportedReason ?? 'This step type is not supported.';
      checks.push(
        options.skipUnsupported.has(step.id)
          ? { id: `${step.id}:unsupported`, stepId: step.id, title: `Unsupported step "${step.name}"`, status: 'warn', detail: `${reason} It will be skipped, as chosen.` }
          : { id: `${step.id}:unsupported`, stepId: step.id, title: `Unsupported step "${step.name}"`, status: 'fail', detail: reason, hint: 'Do this step by hand or ask the vendor; then choose to skip it explicitly (the UI\'s skip box, or --skip-unsupported <step id>).' },
      );
      continue;
    }
    const executor = registry.get(step.type);
    if (!executor) {
      checks.push({ id: `${step.id}:executor`, stepId: step.id, title: `Step "${step.name}"`, status: 'fail', detail: `No executor for step type ${step.type}.`, hint: 'Update Drop Runner.' });
      continue;
    }
    const { settings, problems } = inputs.settingsFor(step);
    if (problems.length > 0) {
      // References to a missing value are listed under that value's check above.
      for (const p of problems.filter((x) => x.details?.missing === undefined)) checks.push({ id: `${step.id}:settings`, stepId: step.id, title: `Step "${step.name}" settings`, status: 'fail', detail: `${p.code}: ${p.message}`, hint: p.hint });
      continue;
    }
    if (inputs.secretsProblem) continue;
    try {
      const stepChecks = await executor.preflight(await buildStepContext(inputs, step, settings, tools, () => undefined));
      checks.push(...stepChecks.map((c) => redactor.redactValue({ ...c, title: `${step.name}: ${c.title}` })));
    } catch (error) {
      const e = toErrorShape(error);
      checks.push({ id: `${step.id}:preflight`, stepId: step.id, title: `Step "${step.name}"`, status: 'fail', detail: `${e.code}: ${redactor.redact(e.message)}`, hint: redactor.redact(e.hint) });
    }
  }

  const failed = checks.filter((c) => c.status === 'fail');
  return {
    checks,
    blocked: failed.length > 0,
    failureKind: failed.length === 0 ? null : failed.some(isEnvironmentCheck) ? 'environment' : 'input',
  };
}
