/**
 * What every step type implements, and what the deploy runner hands it. Executors know their own
 * step type only; the runner owns ordering, the journal, decisions and cancel. Plan and preflight use
 * the same context as a run, without a deployment id, so a dry run sees exactly what the run will.
 */
import type { ConfirmAbout, DryRunItem } from '../../common/contract';
import type { DropStep, StepType } from '../../common/drop-model';
import type { JournalEventInput, PreflightCheck, RestorePoint } from '../../common/journal-events';
import type { Redactor } from '../variables/redactor';

/** The operator's answer to a manual check (or to any confirmation a step asks for). */
/** `inAdvance`: confirmed before the run by an unattended `deploy --yes`, not at the check itself. */
export type ConfirmAnswer =
  | { answer: 'confirmed'; by: string; inAdvance?: boolean }
  | { answer: 'skip'; reason: string; by: string }
  | { answer: 'abort'; by: string }
  /** Nobody could be asked (an unattended run): the step fails and the failure policy decides. */
  | { answer: 'unanswered'; why: string };

/** Cancel requests: graceful stops after the current batch/item, immediate also interrupts it. */
export interface StepSignals {
  graceful: AbortSignal;
  immediate: AbortSignal;
}

/** Tools the executors look up on this machine; injectable so tests and settings can point elsewhere. */
export interface StepTools {
  /** SqlPackage's path or null (main/steps/dacpac/find-sqlpackage.ts). */
  findSqlPackage: () => string | null;
  /** Environment for child processes (scripts, SqlPackage); defaults to process.env. */
  env: NodeJS.ProcessEnv;
  /** `<dataDir>/drops`: package archives of Octopus steps are extracted under it (main/deploy/package-cache.ts). */
  dropsDir?: string;
}

/** Everything a step executor may use. Values here are real (secrets included): executors must pass text through `redactor` before it leaves them. */
export interface StepContext {
  /** Set during a run; undefined for plan and preflight. */
  deploymentId?: string;
  step: DropStep;
  /** The step's settings after #{…} evaluation (secrets in clear; mask with the redactor before showing). */
  settings: Record<string, unknown>;
  /** Absolute root of the extracted drop. */
  dropRoot: string;
  /** Absolute folder of the step's package, when it has one. */
  packageRoot?: string;
  release: string;
  /** Every variable by name after evaluation (tenant values, baked values, earlier steps' output variables). */
  values: ReadonlyMap<string, string>;
  /** Names (lower-case) of sensitive values: environment variables built from them stay masked. */
  sensitiveNames: ReadonlySet<string>;
  redactor: Redactor;
  /** Journal an event (the runner stamps, numbers and redacts it). */
  emit(event: JournalEventInput): void;
  signals: StepSignals;
  tools: StepTools;
  /** Asks the operator to confirm an instruction (manual checks); absent in plan/preflight. */
  confirm?(request: { instructions: string; about?: ConfirmAbout }): Promise<ConfirmAnswer>;
  /** Publishes an output variable for later steps (`Octopus.Action[<step>].Output.<name>`). */
  setOutputVariable?(name: string, value: string, sensitive: boolean): void;
  /**
   * On the first attempt after a resume: the operator's answer for a `transaction: none` script the crash left
   * part-way (main/deploy/interrupted-script.ts). Only the sql-scripts executor reads it.
   */
  resumeScript?: { script: string; choice: 'continue' | 'rerun' | 'skip'; appliedBatches: number; reason?: string };
  /**
   * Backups before change (taken, or skipped: no `disk`) that an earlier session of this deployment
   * journaled. After a resume in a new process a database is not backed up again: that copy would
   * already hold the earlier steps' changes, and the back-out plan must point at the first one.
   */
  earlierBackups?: readonly RestorePoint[];
}

/** An executor's dry-run answer, shown in the plan and in the change request. */
export interface StepPlanResult {
  summary: string;
  items: DryRunItem[];
  /** What is rolled back on failure, in words ("each script in its own transaction", "none"). */
  transactional: string;
  /** Structured detail the change request uses (scripts pending / applied, SSIS changes, instructions). */
  detail?: StepPlanDetail;
}

/** Facts of a dry run the change-request adapter turns into its sections. */
export interface StepPlanDetail {
  scriptsPending?: Array<{ name: string; sha256?: string }>;
  scriptsAlreadyApplied?: Array<{ name: string; sha256?: string }>;
  ssisChanges?: Array<{ kind: 'folder' | 'project' | 'environment' | 'variable' | 'reference' | 'parameter'; name: string; action: string; detail?: string }>;
  instructions?: string;
  warnings?: string[];
  /** The backup before change this step will take (main/steps/backup/): for the back-out plan. */
  backup?: { database: string; folder: string | null; expectedBytes: number | null; compression: boolean; verify: string; restore: string[]; note?: string };
  /** The SSIS project version the catalog holds now (what a rollback returns to). */
  ssisVersion?: { folder: string; project: string; versionLsn?: string; deployedAt?: string; deployedBy?: string };
}

/** How a run ended when it did not throw; a failure is an AppError thrown by `run`. */
export interface StepRunResult {
  outcome: 'succeeded' | 'cancelled' | 'skipped';
  /** For 'skipped' (a manual check the operator skipped): the recorded reason. */
  reason?: string;
  by?: string;
  /** For a manual check the operator refused: the deployment stops as aborted. */
  abort?: boolean;
}

/** One step type. */
export interface StepExecutor {
  type: StepType;
  /** What rolls back on failure, known without touching the target (for the plan header and the journal). */
  transactional(settings: Record<string, unknown>): string;
  /** The dry run: reads the target when it can, never writes. Throws AppError when it cannot plan. */
  plan(ctx: StepContext): Promise<StepPlanResult>;
  /** Checks this step needs before the run (connection, permissions, tools); never throws. */
  preflight(ctx: StepContext): Promise<PreflightCheck[]>;
  /** Runs the step; throws AppError (code, message, hint) on failure. */
  run(ctx: StepContext): Promise<StepRunResult>;
}
