/**
 * Builds the context an executor gets for one step, the same way for plan, preflight and run, so a
 * dry run reads exactly the settings and values the run will use.
 */
import type { DropStep } from '../../common/drop-model';
import type { JournalEventInput } from '../../common/journal-events';
import type { StepContext, StepSignals, StepTools } from '../steps/step-executor';
import type { DeploymentInputs } from './deployment-inputs';
import { preparePackageRoot } from './package-cache';

/** Signals that never fire, for plan and preflight. */
export function quietSignals(): StepSignals {
  return { graceful: new AbortController().signal, immediate: new AbortController().signal };
}

/**
 * One step's context; `extra` adds what only a run has (deployment id, confirm, output variables).
 * Async because a package archive (Octopus steps) is extracted on first use.
 */
export async function buildStepContext(
  inputs: DeploymentInputs,
  step: DropStep,
  settings: Record<string, unknown>,
  tools: StepTools,
  emit: (event: JournalEventInput) => void,
  signals: StepSignals = quietSignals(),
  extra: Partial<Pick<StepContext, 'deploymentId' | 'confirm' | 'setOutputVariable' | 'resumeScript' | 'earlierBackups'>> = {},
): Promise<StepContext> {
  const values = inputs.evaluatedValues();
  const sensitiveNames = new Set(inputs.dictionary.list().filter((e) => e.sensitive).map((e) => e.name.toLowerCase()));
  const packageRoot = await preparePackageRoot(inputs.drop, step, tools.dropsDir);
  return {
    step,
    settings,
    dropRoot: inputs.drop.root,
    ...(packageRoot ? { packageRoot } : {}),
    release: inputs.drop.release.version,
    values,
    sensitiveNames,
    redactor: inputs.redactor,
    emit,
    signals,
    tools,
    ...extra,
  };
}
