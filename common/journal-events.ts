/**
 * Everything that happens in a deployment is one of these events, appended to
 * <data>/deployments/<id>/journal.jsonl. The progress view, resume and the report all read them:
 * nothing is reported that the journal cannot prove. Values here are already redacted.
 */

export type StepOutcome = 'succeeded' | 'failed' | 'skipped' | 'cancelled';
export type DeploymentOutcome = 'succeeded' | 'failed' | 'aborted' | 'cancelled';
export type CheckStatus = 'pass' | 'warn' | 'fail';

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
      steps: Array<{ id: string; name: string; type: string; transactional?: string }>;
      /** Names, sources and sensitivity of the values used; secret values are '********'. */
      variables: Array<{ name: string; source: string; sensitive: boolean; value: string }>;
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
    })
  | (Base & { type: 'decision'; stepId: string; decision: 'retry' | 'skip' | 'abort'; reason?: string; by: string })
  | (Base & { type: 'cancel-requested'; mode: 'graceful' | 'immediate'; by: string })
  | (Base & { type: 'interrupted'; detectedAt: string; lastSeq: number; stepId?: string; note: string })
  | (Base & { type: 'deployment-finished'; outcome: DeploymentOutcome; durationMs: number });

export type JournalEventType = JournalEvent['type'];

/** An event before the journal numbers and stamps it. */
export type JournalEventInput = JournalEvent extends infer E ? (E extends JournalEvent ? Omit<E, 'seq' | 'at'> : never) : never;
