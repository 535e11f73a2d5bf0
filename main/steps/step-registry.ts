/**
 * Which executor runs which step type. The runner, the planner and preflight look executors up
 * here; tests and future step types register more without touching the runner.
 */
import type { StepType } from '../../common/drop-model';
import { dacpacExecutor } from './dacpac/dacpac-step';
import { manualCheckExecutor } from './manual-check-step';
import { scriptExecutor } from './script/script-step';
import { sqlScriptsExecutor } from './sql-scripts-step';
import { ssisProjectExecutor } from './ssis-project-step';
import type { StepExecutor } from './step-executor';
import { withBackupBeforeChange } from './backup/backup-before-change';

/** A lookup of executors by step type. */
export interface StepRegistry {
  get(type: string): StepExecutor | undefined;
  types(): StepType[];
}

/**
 * The built-in executor of every step type. Typed as a record over StepType (common/drop-model.ts), so a
 * type added to STEP_TYPES does not compile until it has an executor here (main/steps/README.md).
 */
const BUILT_IN: { [T in StepType]: StepExecutor & { type: T } } = {
  // Steps that change a database take a verified backup first (backup: "before", the default).
  'sql-scripts': withBackupBeforeChange(sqlScriptsExecutor) as StepExecutor & { type: 'sql-scripts' },
  'ssis-project': ssisProjectExecutor as StepExecutor & { type: 'ssis-project' },
  dacpac: withBackupBeforeChange(dacpacExecutor) as StepExecutor & { type: 'dacpac' },
  script: scriptExecutor as StepExecutor & { type: 'script' },
  'manual-check': manualCheckExecutor as StepExecutor & { type: 'manual-check' },
};

/** The built-in executors: sql-scripts, ssis-project, dacpac, script, manual-check. */
export function builtInExecutors(): StepExecutor[] {
  return Object.values(BUILT_IN);
}

/** Builds a registry; later executors for the same type replace earlier ones. */
export function createStepRegistry(executors: StepExecutor[] = builtInExecutors()): StepRegistry {
  const byType = new Map<string, StepExecutor>();
  for (const e of executors) byType.set(e.type, e);
  return {
    get: (type) => byType.get(type),
    types: () => [...byType.keys()] as StepType[],
  };
}
