export { runSsisStep, type RunSsisStepResult } from './ssis-run';
export { planSsisStep } from './ssis-plan';
export { prepareSsisStep, type SsisStepOptions, type PreparedSsisStep } from './ssis-step-input';
export { parseSsisSettings, DEFAULT_SSIS_TIMEOUT_SECONDS, type SsisStepSettings, type SsisVariableSetting, type SsisBindingSetting } from './ssis-settings';
export type { SsisPlan, PlannedVariable, PlannedBinding, PlannedReference, PlannedProject, PlannedFolder } from './ssis-plan-model';
export { SSIS_DATA_TYPES, type SsisDataType } from './ssis-data-types';
export { WINDOWS_AUTH_HINT } from './ssis-errors';
export { CATALOG_QUERIES } from './catalog-queries';
