/**
 * Builds the context an executor gets for one step, the same way for plan, preflight and run, so a
 * dry run reads exactly the settings and values the run will use.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { DropStep } from '../../common/drop-model';
import type { JournalEventInput } from '../../common/journal-events';
import type { StepContext, StepSignals, StepTools } from '../steps/step-executor';
import type { DeploymentInputs } from './deployment-inputs';

/** Signals that never fire, for plan and preflight. */
export function quietSignals(): StepSignals {
  return { graceful: new AbortController().signal, immediate: new AbortController().signal };
}

/** The absolute package folder of a step, kept inside the drop. */
export function packageRootOf(dropRoot: string, step: DropStep): string | undefined {
  if (!step.package) return undefined;
  const full = resolve(dropRoot, step.package);
  const rel = relative(dropRoot, full);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return full;
}

/** One step's context; `extra` adds what only a run has (deployment id, confirm, output variables). */
export function buildStepContext(
  inputs: DeploymentInputs,
  step: DropStep,
  settings: Record<string, unknown>,
  tools: StepTools,
  emit: (event: JournalEventInput) => void,
  signals: StepSignals = quietSignals(),
  extra: Partial<Pick<StepContext, 'deploymentId' | 'confirm' | 'setOutputVariable'>> = {},
): StepContext {
  const values = inputs.evaluatedValues();
  const sensitiveNames = new Set(inputs.dictionary.list().filter((e) => e.sensitive).map((e) => e.name.toLowerCase()));
  const packageRoot = packageRootOf(inputs.drop.root, step);
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
