/**
 * Launching and finishing a run, shared by a new deployment and a resumed one: the runner is started
 * with the manager's hooks (journal then emit, the operator decision bridge), the run is tracked as
 * active until it ends, and its end is settled the same way whatever happened — the journal closed,
 * the lock released, the tenant's history told, the final state emitted.
 */
import type { Drop } from '../../common/drop-model';
import { toErrorShape } from '../../common/errors';
import type { DeploymentOutcome, JournalEvent, JournalEventInput } from '../../common/journal-events';
import type { JournalState } from '../../common/journal-fold';
import type { JournalWriter } from '../journal/journal-file';
import { operatorHooks, type FailurePolicy, type PendingDecisionView } from './decision-bridge';
import type { DeploymentInputs } from './deployment-inputs';
import type { DeploymentLock } from './deployment-lock';
import type { ActiveRun, ManagerContext } from './manager-context';
import { runDeployment, type RunSpec } from './runner';

/** A prepared deployment (new or resumed): its journal open, its lock held, what earlier sessions did. */
export interface LaunchArgs {
  id: string;
  drop: Drop;
  tenantId: string;
  inputs: DeploymentInputs;
  journal: JournalWriter;
  lock: DeploymentLock;
  operator: string;
  startedAtMs: number;
  done: Set<string>;
  attempts: Map<string, number>;
  journalState: JournalState;
  skipUnsupported: string[];
  onFailure: FailurePolicy;
  confirmManualChecks: boolean;
  unattended: boolean;
  resumeScript?: RunSpec['resumeScript'];
  earlierBackups?: RunSpec['earlierBackups'];
}

/** Starts the runner for a prepared deployment and tracks it until it ends. */
export function launchRun(ctx: ManagerContext, args: LaunchArgs): ActiveRun {
  const { emit } = ctx;
  const graceful = new AbortController();
  const immediate = new AbortController();
  const run: ActiveRun = { id: args.id, tenantId: args.tenantId, state: 'running', graceful, immediate, journal: args.journal, operator: args.operator, done: Promise.resolve('succeeded') };
  const setState = (state: ActiveRun['state'], pending?: PendingDecisionView) => {
    run.state = state;
    if (pending) run.pending = pending;
    else delete run.pending;
    emit('deployment-state', { deploymentId: args.id, state, ...(pending ? { pendingDecision: pending } : {}) });
  };
  // Every event is journaled before anyone sees it.
  const append = (input: JournalEventInput): JournalEvent => {
    const event = args.journal.append(input);
    emit('journal', { deploymentId: args.id, event });
    return event;
  };
  const { decide, confirm } = operatorHooks({ run, setState, onFailure: args.onFailure, confirmManualChecks: args.confirmManualChecks, unattended: args.unattended, operator: args.operator, redactor: args.inputs.redactor });

  // Registered before the runner starts: a first step that asks at once (a manual check) must find it.
  ctx.active.set(args.id, run);
  emit('deployment-state', { deploymentId: args.id, state: 'running' });
  run.done = (async (): Promise<DeploymentOutcome> => {
    let outcome: DeploymentOutcome;
    try {
      outcome = await runDeployment({
        deploymentId: args.id,
        inputs: args.inputs,
        registry: ctx.registry,
        tools: ctx.tools(),
        operator: args.operator,
        startedAtMs: args.startedAtMs,
        done: args.done,
        attempts: args.attempts,
        journalState: args.journalState,
        skipUnsupported: new Set(args.skipUnsupported),
        graceful,
        immediate,
        ...(args.resumeScript ? { resumeScript: args.resumeScript } : {}),
        ...(args.earlierBackups ? { earlierBackups: args.earlierBackups } : {}),
        hooks: {
          append,
          // The waiting state is set where the operator is asked (with the decision's kind); the runner only says when work goes on.
          onState: (state) => {
            if (state === 'running' && run.state !== 'running') setState('running');
          },
          decide,
          confirm,
        },
      });
    } catch (error) {
      outcome = stoppedByJournal(ctx, args, append, error);
    } finally {
      releaseRun(ctx, args);
    }
    recordInTenant(ctx, args, outcome);
    emit('deployment-state', { deploymentId: args.id, state: outcome });
    return outcome;
  })();
  return run;
}

/** The journal itself failed (disk full, folder removed): the run cannot go on, and says why where it can. */
function stoppedByJournal(ctx: ManagerContext, args: LaunchArgs, append: (input: JournalEventInput) => JournalEvent, error: unknown): DeploymentOutcome {
  ctx.stoppedBy.set(args.id, toErrorShape(error));
  try {
    append({ type: 'log', level: 'error', message: args.inputs.redactor.redact(`The deployment stopped: ${(error as Error).message}`), source: 'runner' });
    append({ type: 'deployment-finished', outcome: 'failed', durationMs: Date.now() - args.startedAtMs });
  } catch {
    // Nothing more can be written; the journal stays interrupted and a resume will say so.
  }
  return 'failed';
}

/** Closes the journal, forgets the run and frees the machine lock, whatever the run's end. */
function releaseRun(ctx: ManagerContext, args: LaunchArgs): void {
  try {
    args.journal.close();
  } catch (error) {
    // The last fsync failed too (the disk is still full): the file is closed regardless, and the reason kept.
    if (!ctx.stoppedBy.has(args.id)) ctx.stoppedBy.set(args.id, toErrorShape(error));
  }
  ctx.active.delete(args.id);
  args.lock.release();
}

/** The tenant's history: the release and the templates deployed with (the base of the next diff). */
function recordInTenant(ctx: ManagerContext, args: LaunchArgs, outcome: DeploymentOutcome): void {
  try {
    ctx.tenants.recordDeployment(args.tenantId, {
      deploymentId: args.id,
      release: { version: args.drop.release.version, projectId: args.drop.project.id, projectName: args.drop.project.name },
      dropId: args.drop.id,
      outcome,
      at: new Date().toISOString(),
      templates: args.drop.variables,
    });
  } catch {
    // The journal is the record; a settings write failure must not turn a success into an error.
  }
}
