/**
 * Everything that happens in a deployment is one of these events, appended to
 * <data>/deployments/<id>/journal.jsonl. The progress view, resume and the report all read them:
 * nothing is reported that the journal cannot prove. Values here are already redacted.
 */

import type { RunCondition } from './drop-model';

export type StepOutcome = 'succeeded' | 'failed' | 'skipped' | 'cancelled';
/**
 * How a run ended. `completed-with-skips`: it reached the end but a step was skipped after failing or by
 * the operator, so the release is not fully applied (journals before it existed say `succeeded`; the
 * fold in journal-fold.ts reads those honestly). Only `succeeded` is a success.
 */
export type DeploymentOutcome = 'succeeded' | 'completed-with-skips' | 'failed' | 'aborted' | 'cancelled';
/**
 * Why a step was skipped: `after-failure` (it failed and the operator skipped it), `operator` (the
 * operator declined it, e.g. a manual check), `unsupported` (chosen before the run), `run-condition`
 * (its run condition said not to run).
 */
export type SkipCause = 'after-failure' | 'operator' | 'unsupported' | 'run-condition';
export type CheckStatus = 'pass' | 'warn' | 'fail';
/**
 * A resume's answer for a script a crash interrupted: continue from the batch that was in flight,
 * rerun it from its first batch, skip the rest of it (with a reason), or abort the deployment.
 */
export type InterruptedScriptChoice = 'continue' | 'rerun' | 'skip' | 'abort';

export interface PreflightCheck {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  hint?: string;
  stepId?: string;
}

/** What a step applied, for the report: scripts with hashes, SSIS objects, variables changed (names only). */
export interface StepArtifact {
  kind: 'script' | 'ssis-folder' | 'ssis-project' | 'ssis-environment' | 'ssis-variable' | 'ssis-reference' | 'ssis-parameter' | 'dacpac' | 'output-variable' | 'backup' | 'ssis-rollback-point' | 'rollback' | 'other';
  name: string;
  /** e.g. 'applied', 'skipped (already applied)', 'created', 'updated', 'unchanged', 'drift'. */
  action: string;
  sha256?: string;
  detail?: string;
  /** SSISDB catalog.operations id returned by catalog.deploy_project etc.; text because it is a bigint. */
  operationId?: string;
  /** What `drop-runner rollback` needs to undo this step (kinds 'backup' and 'ssis-rollback-point'); never a secret. */
  restore?: RestorePoint;
}

/**
 * How to go back: a verified backup file of a database, or the SSIS project version and the
 * environment variable values that were there before the deployment changed them.
 */
export interface RestorePoint {
  /** Server as the connection named it, and the database ('backup'). */
  server?: string;
  database?: string;
  /** Backup file on the SQL Server machine ('backup'). */
  disk?: string;
  bytes?: number;
  verified?: boolean;
  /** SSIS catalog folder and project, and catalog.object_versions.object_version_lsn (text: bigint). */
  folder?: string;
  project?: string;
  objectVersionLsn?: string;
  /** Catalog folder of the environment (differs from `folder` for absolute references). */
  environmentFolder?: string;
  deployedAt?: string;
  deployedBy?: string;
  /** Environment variables the step was about to change: previous value (absent when sensitive or new). */
  variables?: Array<{ environment: string; name: string; existed: boolean; sensitive: boolean; type?: string; value?: string }>;
}

interface Base {
  /** 1-based, strictly increasing within one journal. */
  seq: number;
  /** ISO-8601 UTC. */
  at: string;
}

export type JournalEvent =
  | (Base & {
      type: 'deployment-started';
      deploymentId: string;
      drop: {
        id: string;
        format: 'native' | 'octopus';
        project: { id: string; name: string };
        release: { version: string; notes?: string; channel?: string };
        sha256: string | null;
        signature: { state: string; publisher?: string };
        sourcePath: string;
      };
      tenant: { id: string; name: string; environment: string };
      machine: string;
      osUser: string;
      /**
       * The machine's time zone when the deployment started: every time in the journal is UTC, and
       * hospital IT reading the report needs to match it to their local logs. Absent in older journals.
       */
      clock?: { timeZone: string; utcOffsetMinutes: number };
      operator: string;
      /** runCondition is absent in older journals and for 'success' steps. */
      steps: Array<{ id: string; name: string; type: string; transactional?: string; runCondition?: RunCondition }>;
      /** Names, sources and sensitivity of the values used; secret values are '********'. `decision`: the answer to a changed default. */
      variables: Array<{ name: string; source: string; sensitive: boolean; value: string; decision?: 'keep-previous' | 'use-new' }>;
      /** Set when the target was the simulated SQL Server of `npm run demo`: what the report's header says about it. */
      simulatedServer?: string;
      resumedFrom?: string;
      /** Set on a rollback's own record: the deployment it rolled back (main/deploy/rollback.ts). */
      rollbackOf?: string;
    })
  | (Base & { type: 'preflight'; checks: PreflightCheck[] })
  | (Base & { type: 'step-started'; stepId: string; attempt: number })
  | (Base & { type: 'progress'; stepId: string; percent: number; item?: string })
  | (Base & { type: 'log'; stepId?: string; level: 'debug' | 'info' | 'warn' | 'error'; message: string; source?: string })
  | (Base & { type: 'warning'; stepId?: string; message: string })
  | (Base & { type: 'artifact'; stepId: string; artifact: StepArtifact })
  | (Base & {
      type: 'step-finished';
      stepId: string;
      attempt: number;
      outcome: StepOutcome;
      durationMs: number;
      error?: { code: string; message: string; hint: string };
      /** For outcome 'skipped' (absent in older journals, where a decision event says it). */
      skip?: { cause: SkipCause; reason: string };
    })
  | (Base & { type: 'decision'; stepId: string; decision: 'retry' | 'skip' | 'abort'; reason?: string; by: string })
  | (Base & { type: 'cancel-requested'; mode: 'graceful' | 'immediate'; by: string })
  /** The run stopped before its last step; steps started after this are clean-up (run condition always/failure). */
  | (Base & { type: 'run-stopped'; outcome: 'failed' | 'aborted' | 'cancelled'; stepId?: string })
  | (Base & { type: 'interrupted'; detectedAt: string; lastSeq: number; stepId?: string; note: string })
  /**
   * A script of a `transaction: none` sql-scripts step begins (batches: how many will be sent). Together
   * with batch-committed this tells a resume how far a script got when the process died.
   */
  | (Base & { type: 'script-started'; stepId: string; script: string; batches: number; sha256: string })
  /** One batch of a `transaction: none` script came back from the server (so it is committed); 1-based among the sent batches. */
  | (Base & { type: 'batch-committed'; stepId: string; script: string; batch: number; of: number; file: string; line: number })
  /** What the operator chose, on resume, for a script the crash left part-way (see main/deploy/interrupted-script.ts). */
  | (Base & {
      type: 'interrupted-script';
      stepId: string;
      script: string;
      /** Batches known committed (1..appliedBatches). */
      appliedBatches: number;
      /** The batch that was sent when the process died, if any: it may or may not have been applied. */
      inFlightBatch?: number;
      of: number;
      choice: InterruptedScriptChoice;
      reason?: string;
      by: string;
    })
  | (Base & { type: 'deployment-finished'; outcome: DeploymentOutcome; durationMs: number });

export type JournalEventType = JournalEvent['type'];

/** An event before the journal numbers and stamps it. */
export type JournalEventInput = JournalEvent extends infer E ? (E extends JournalEvent ? Omit<E, 'seq' | 'at'> : never) : never;
