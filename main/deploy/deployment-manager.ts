/**
 * The deployment engine behind the contract (plan.get, preflight.run, deploy.*) and the CLI: plans,
 * preflights, starts and resumes deployments, holds the pending decisions of running ones, and
 * fans every journal event and state change out to listeners. One instance per host process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import type { DeploymentSummary, PendingDecision, PlanView } from '../../common/contract';
import type { Drop } from '../../common/drop-model';
import { dropsDir } from '../drop/drop-store';
import { AppError, toErrorShape, type ErrorShape } from '../../common/errors';
import type { DeploymentOutcome, JournalEvent, JournalEventInput } from '../../common/journal-events';
import type { SettingsStore } from '../platform/settings-store';
import { renderChangeRequestHtml } from '../report/change-request';
import { findSqlPackage } from '../steps/dacpac/find-sqlpackage';
import type { ConfirmAnswer, StepTools } from '../steps/step-executor';
import { createStepRegistry, type StepRegistry } from '../steps/step-registry';
import type { TenantStore } from '../tenants/tenant-store';
import { toChangeRequestInput } from './change-request-input';
import { acquireDeploymentLock, liveLockHolder, readLock, lockIsLive, type DeploymentLock } from './deployment-lock';
import { prepareInputs, type DeploymentInputs } from './deployment-inputs';
import { deploymentsDir, isDeploymentId, journalPathOf, listDeployments, summarize } from './deployment-index';
import { JournalWriter, readJournal } from '../journal/journal-file';
import { buildPlan, type DeploymentPlan } from './plan';
import { runPreflight, type PreflightOutcome } from './preflight';
import { runDeployment, type DecisionAnswer, type RunSpec } from './runner';
import { finishedStepIds, foldJournal, unfinishedStepId, type JournalState } from '../../common/journal-fold';
import { ensureDirSync } from '../platform/ensure-dir';
import { writingTo } from '../platform/disk-full';
import { checkInterruptedAnswer, findInterruptedScript, interruptedScriptError, type InterruptedScript, type InterruptedScriptAnswer } from './interrupted-script';

/** What a non-interactive run does when a step fails. 'ask' waits for decide() (the UI). */
export type FailurePolicy = { kind: 'ask' } | { kind: 'fail' } | { kind: 'abort' } | { kind: 'skip'; reason: string } | { kind: 'retry'; times: number };

/** A pending decision as the manager keeps it: a failed step, or a manual check awaiting confirmation. */
export interface PendingDecisionView extends PendingDecision {
  kind: 'failure' | 'confirm';
}

/** The decisions an operator can send; 'confirm' only answers a manual check. */
export type OperatorDecision = 'retry' | 'skip' | 'abort' | 'confirm';

/** Listener of the contract's 'journal' and 'deployment-state' events. */
export type DeploymentEventListener = (
  name: 'journal' | 'deployment-state',
  payload: { deploymentId: string; event: JournalEvent } | { deploymentId: string; state: DeploymentSummary['state']; pendingDecision?: PendingDecisionView },
) => void;

export interface DeploymentManagerOptions {
  dataDir: string;
  /** Where drops are found by id (main/drop/drop-library.ts DropLibrary). */
  drops: { get(dropId: string): Drop };
  tenants: TenantStore;
  /** Reads `deploy.allowUnsigned` (default true) and `deploy.sqlPackagePath`. */
  settings?: SettingsStore;
  registry?: StepRegistry;
  tools?: Partial<StepTools>;
  appVersion?: string;
  /** `npm run demo`: the target is the simulated SQL Server; journals (and so reports) say so. */
  simulatedServer?: string;
}

export interface StartOptions {
  dropId: string;
  tenantId: string;
  operator: string;
  skipUnsupported?: string[];
  /** Default 'ask' (decisions through decide()). */
  onFailure?: FailurePolicy;
  /** True: manual checks are confirmed without asking (the CLI's --yes, given after doing them). */
  confirmManualChecks?: boolean;
  /** A preflight run moments ago (the CLI prints it first); otherwise preflight runs here. */
  preflight?: PreflightOutcome;
}

export interface ResumeOptions {
  operator?: string;
  /**
   * The answer for a `transaction: none` script the crash left part-way. Without it such a resume is
   * refused with DEPLOY_SCRIPT_INTERRUPTED (main/deploy/interrupted-script.ts).
   */
  onInterrupted?: InterruptedScriptAnswer;
  onFailure?: FailurePolicy;
  confirmManualChecks?: boolean;
}

/** What `run.json` keeps beside the journal so a resume in a new process knows how the run was started. */
interface RunRecord {
  deploymentId: string;
  dropId: string;
  tenantId: string;
  operator: string;
  skipUnsupported: string[];
}

interface Active {
  id: string;
  tenantId: string;
  state: 'running' | 'awaiting-decision';
  pending?: PendingDecisionView;
  answer?: (decision: OperatorDecision, reason: string | undefined, by: string) => void;
  graceful: AbortController;
  immediate: AbortController;
  journal: JournalWriter;
  done: Promise<DeploymentOutcome>;
  operator: string;
}

/** The manager's API (see the file comment). */
export interface DeploymentManager {
  plan(dropId: string, tenantId: string): Promise<PlanView>;
  preflight(dropId: string, tenantId: string, options?: { skipUnsupported?: string[] }): Promise<PreflightOutcome>;
  start(options: StartOptions): Promise<{ deploymentId: string }>;
  decide(deploymentId: string, stepId: string, decision: OperatorDecision, reason?: string, by?: string): void;
  cancel(deploymentId: string, mode: 'graceful' | 'immediate', by?: string): void;
  resume(deploymentId: string, options?: ResumeOptions): Promise<{ deploymentId: string }>;
  /** The script a crash left part-way in an interrupted deployment (transaction none), or null. */
  interruptedScript(deploymentId: string): InterruptedScript | null;
  journal(deploymentId: string, afterSeq?: number): { events: JournalEvent[]; state: DeploymentSummary['state']; pendingDecision?: PendingDecisionView };
  history(tenantId?: string): DeploymentSummary[];
  interrupted(): DeploymentSummary[];
  changeRequestHtml(dropId: string, tenantId: string, options?: { preparedBy?: string }): Promise<{ html: string }>;
  /** Why a deployment started here stopped when its journal could not record it (e.g. DISK_FULL); undefined otherwise. */
  stoppedBy(deploymentId: string): ErrorShape | undefined;
  /** Resolves when a deployment started here ends, with its summary. */
  wait(deploymentId: string): Promise<DeploymentSummary>;
  onEvent(listener: DeploymentEventListener): () => void;
  /** Gracefully cancels running deployments and waits for them. */
  close(): Promise<void>;
}

function machineName(): string {
  return hostname();
}

function machineClock(): { timeZone: string; utcOffsetMinutes: number } {
  // getTimezoneOffset is minutes to ADD to local time to reach UTC; the report shows the usual sign.
  return { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'unknown', utcOffsetMinutes: -new Date().getTimezoneOffset() || 0 };
}

function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USERNAME ?? process.env.USER ?? 'unknown';
  }
}

function newDeploymentId(tenantId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${tenantId}-${randomBytes(3).toString('hex')}`;
}

function notFound(deploymentId: string): AppError {
  return new AppError('DEPLOY_NOT_FOUND', `There is no deployment "${deploymentId}" on this machine.`, 'Run `drop-runner history` to list the deployments.', { deploymentId });
}

/** Creates the manager; nothing is read from disk until a method needs it. */
export function createDeploymentManager(options: DeploymentManagerOptions): DeploymentManager {
  const { dataDir, drops, tenants } = options;
  const registry = options.registry ?? createStepRegistry();
  const settings = options.settings;
  const tools = (): StepTools => ({
    findSqlPackage: () => findSqlPackage(settings?.get<string>('deploy.sqlPackagePath') || undefined, options.tools?.env ?? process.env),
    env: process.env,
    dropsDir: dropsDir(dataDir),
    ...options.tools,
  });
  const allowUnsigned = () => settings?.get<boolean>('deploy.allowUnsigned') ?? true;
  const active = new Map<string, Active>();
  /** Why a run started here stopped without its journal being able to say so (DISK_FULL…), for the CLI to print. */
  const stoppedBy = new Map<string, ErrorShape>();
  const listeners = new Set<DeploymentEventListener>();
  const emit: DeploymentEventListener = (name, payload) => {
    for (const l of listeners) {
      try {
        l(name, payload);
      } catch {
        // A broken listener (a closed UI connection) must never stop a deployment.
      }
    }
  };

  const liveState = (id: string): DeploymentSummary['state'] | undefined => {
    const a = active.get(id);
    if (a) return a.state;
    const lock = readLock(dataDir);
    return lock && lock.deploymentId === id && lockIsLive(lock) ? 'running' : undefined;
  };

  const tenantFacts = (drop: Drop, tenantId: string) => ({
    id: tenantId,
    name: tenants.get(tenantId)?.name ?? (drop.target.tenantId === tenantId ? drop.target.tenantName : tenantId),
    environment: drop.target.environment,
  });

  // The last preflight of each drop and tenant in this process: a change request made after it shows its result.
  const lastPreflight = new Map<string, { at: string; checks: PreflightOutcome['checks'] }>();
  const preflightWith = async (drop: Drop, inputs: DeploymentInputs, skip: string[]) => {
    const result = await runPreflight(inputs, registry, tools(), { allowUnsigned: allowUnsigned(), skipUnsupported: new Set(skip), dataDir });
    lastPreflight.set(`${drop.id}\u0000${inputs.tenantId}`, { at: new Date().toISOString(), checks: result.checks });
    return result;
  };

  const blockedError = (result: PreflightOutcome): AppError => {
    const failed = result.checks.filter((c) => c.status === 'fail');
    return new AppError(
      'PREFLIGHT_BLOCKED',
      `Preflight failed ${failed.length} check${failed.length === 1 ? '' : 's'}: ${failed.map((c) => `${c.title} — ${c.detail}`).join('; ')}`,
      failed[0]?.hint ?? 'Fix the failing checks, then run preflight again.',
      { failureKind: result.failureKind, checks: failed.map((c) => c.id) },
    );
  };

  const failureAnswer = (policy: FailurePolicy, retriesUsed: Map<string, number>, operator: string) => (pending: PendingDecision): DecisionAnswer | undefined => {
    switch (policy.kind) {
      case 'ask':
        return undefined;
      case 'fail':
        return { decision: 'fail' };
      case 'abort':
        return { decision: 'abort', by: `${operator} (--on-failure abort)` };
      case 'skip':
        return { decision: 'skip', reason: policy.reason, by: `${operator} (--on-failure skip)` };
      case 'retry': {
        const used = retriesUsed.get(pending.stepId) ?? 0;
        if (used >= policy.times) return { decision: 'fail' };
        retriesUsed.set(pending.stepId, used + 1);
        return { decision: 'retry', by: `${operator} (--on-failure retry:${policy.times})` };
      }
    }
  };

  /** Starts the runner for a prepared deployment (new or resumed) and tracks it until it ends. */
  const launch = (args: {
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
    resumeScript?: RunSpec['resumeScript'];
  }): Active => {
    const graceful = new AbortController();
    const immediate = new AbortController();
    const retriesUsed = new Map<string, number>();
    const policy = failureAnswer(args.onFailure, retriesUsed, args.operator);
    const run: Active = { id: args.id, tenantId: args.tenantId, state: 'running', graceful, immediate, journal: args.journal, operator: args.operator, done: Promise.resolve('succeeded') };
    const setState = (state: Active['state'], pending?: PendingDecisionView) => {
      run.state = state;
      if (pending) run.pending = pending;
      else delete run.pending;
      emit('deployment-state', { deploymentId: args.id, state, ...(pending ? { pendingDecision: pending } : {}) });
    };
    const append = (input: JournalEventInput): JournalEvent => {
      const event = args.journal.append(input);
      emit('journal', { deploymentId: args.id, event });
      return event;
    };
    const waitForOperator = (pending: PendingDecisionView) =>
      new Promise<{ decision: OperatorDecision; reason: string | undefined; by: string }>((resolve) => {
        run.answer = (decision, reason, by) => {
          delete run.answer;
          resolve({ decision, reason, by });
        };
        setState('awaiting-decision', pending);
      });

    // Registered before the runner starts: a first step that asks at once (a manual check) must find it.
    active.set(args.id, run);
    emit('deployment-state', { deploymentId: args.id, state: 'running' });
    run.done = (async (): Promise<DeploymentOutcome> => {
      let outcome: DeploymentOutcome;
      try {
        outcome = await runDeployment({
          deploymentId: args.id,
          inputs: args.inputs,
          registry,
          tools: tools(),
          operator: args.operator,
          startedAtMs: args.startedAtMs,
          done: args.done,
          attempts: args.attempts,
          journalState: args.journalState,
          skipUnsupported: new Set(args.skipUnsupported),
          graceful,
          immediate,
          ...(args.resumeScript ? { resumeScript: args.resumeScript } : {}),
          hooks: {
            append,
            // The waiting state is set where the operator is asked (with the decision's kind); the runner only says when work goes on.
            onState: (state) => {
              if (state === 'running' && run.state !== 'running') setState('running');
            },
            decide: async (pending) => {
              const automatic = policy(pending);
              if (automatic) return automatic;
              const got = await waitForOperator({ ...pending, kind: 'failure' });
              if (got.decision === 'confirm') return { decision: 'retry', by: got.by };
              return { decision: got.decision, ...(got.reason ? { reason: got.reason } : {}), by: got.by };
            },
            confirm: async (stepId, instructions): Promise<ConfirmAnswer> => {
              if (args.confirmManualChecks) return { answer: 'confirmed', by: args.operator, inAdvance: true };
              const got = await waitForOperator({
                stepId,
                kind: 'confirm',
                error: { code: 'MANUAL_CHECK', message: args.inputs.redactor.redact(instructions), hint: 'Do what the instruction says, then confirm. Or skip it with a reason, or abort the deployment.' },
              });
              setState('running');
              if (got.decision === 'skip') return { answer: 'skip', reason: got.reason ?? '', by: got.by };
              if (got.decision === 'abort') return { answer: 'abort', by: got.by };
              return { answer: 'confirmed', by: got.by };
            },
          },
        });
      } catch (error) {
        // The journal itself failed (disk full, folder removed): the run cannot go on, and says why where it can.
        stoppedBy.set(args.id, toErrorShape(error));
        try {
          append({ type: 'log', level: 'error', message: args.inputs.redactor.redact(`The deployment stopped: ${(error as Error).message}`), source: 'runner' });
          append({ type: 'deployment-finished', outcome: 'failed', durationMs: Date.now() - args.startedAtMs });
        } catch {
          // Nothing more can be written; the journal stays interrupted and a resume will say so.
        }
        outcome = 'failed';
      } finally {
        try {
          args.journal.close();
        } catch (error) {
          // The last fsync failed too (the disk is still full): the file is closed regardless, and the reason kept.
          if (!stoppedBy.has(args.id)) stoppedBy.set(args.id, toErrorShape(error));
        }
        active.delete(args.id);
        args.lock.release();
      }
      try {
        tenants.recordDeployment(args.tenantId, {
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
      emit('deployment-state', { deploymentId: args.id, state: outcome });
      return outcome;
    })();
    return run;
  };

  const started = (args: { id: string; drop: Drop; tenantId: string; operator: string; inputs: DeploymentInputs; resumedFrom?: string }): JournalEventInput => {
    const drop = args.drop;
    const sig = drop.provenance.signature;
    return {
      type: 'deployment-started',
      deploymentId: args.id,
      drop: {
        id: drop.id,
        format: drop.format,
        project: { ...drop.project },
        release: { version: drop.release.version, ...(drop.release.notes ? { notes: drop.release.notes } : {}), ...(drop.release.channel ? { channel: drop.release.channel } : {}) },
        sha256: drop.provenance.sha256,
        signature: { state: sig.state, ...(sig.state === 'verified' ? { publisher: sig.publisher } : {}) },
        sourcePath: drop.provenance.sourcePath,
      },
      tenant: tenantFacts(drop, args.tenantId),
      machine: machineName(),
      osUser: osUserName(),
      clock: machineClock(),
      operator: args.operator,
      steps: drop.steps.map((s) => ({
        id: s.id,
        name: s.name,
        type: s.type,
        transactional: s.type === 'unsupported' ? 'not applicable' : (registry.get(s.type)?.transactional(args.inputs.settingsFor(s).settings) ?? 'unknown'),
        ...(s.runCondition && s.runCondition !== 'success' ? { runCondition: s.runCondition } : {}),
      })),
      variables: args.inputs.shownVariables(),
      ...(options.simulatedServer ? { simulatedServer: options.simulatedServer } : {}),
      ...(args.resumedFrom ? { resumedFrom: args.resumedFrom } : {}),
    };
  };

  const writeRunRecord = (record: RunRecord) => {
    const file = join(deploymentsDir(dataDir), record.deploymentId, 'run.json');
    writingTo(file, () => writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2), { mode: 0o600 }));
    renameSync(`${file}.tmp`, file);
  };

  const manager: DeploymentManager = {
    async plan(dropId, tenantId) {
      const drop = drops.get(dropId);
      const inputs = await prepareInputs(drop, tenantId, tenants);
      return (await buildPlan(inputs, registry, tools())).view;
    },

    async preflight(dropId, tenantId, opts = {}) {
      const drop = drops.get(dropId);
      const inputs = await prepareInputs(drop, tenantId, tenants);
      return preflightWith(drop, inputs, opts.skipUnsupported ?? []);
    },

    async start(opts) {
      const drop = drops.get(opts.dropId);
      const operator = opts.operator.trim() || osUserName();
      const id = newDeploymentId(opts.tenantId);
      const lock = acquireDeploymentLock(dataDir, id);
      try {
        const inputs = await prepareInputs(drop, opts.tenantId, tenants);
        if (inputs.secretsProblem) throw new AppError(inputs.secretsProblem.code, inputs.secretsProblem.message, inputs.secretsProblem.hint);
        const skip = opts.skipUnsupported ?? [];
        const checks = opts.preflight ?? (await preflightWith(drop, inputs, skip));
        if (checks.blocked) throw blockedError(checks);
        ensureDirSync(join(deploymentsDir(dataDir), id));
        writeRunRecord({ deploymentId: id, dropId: drop.id, tenantId: opts.tenantId, operator, skipUnsupported: skip });
        const journal = JournalWriter.open(journalPathOf(dataDir, id), inputs.redactor);
        const first = journal.append(started({ id, drop, tenantId: opts.tenantId, operator, inputs }));
        emit('journal', { deploymentId: id, event: first });
        const preflightEvent = journal.append({ type: 'preflight', checks: checks.checks });
        emit('journal', { deploymentId: id, event: preflightEvent });
        launch({
          id,
          drop,
          tenantId: opts.tenantId,
          inputs,
          journal,
          lock,
          operator,
          startedAtMs: Date.parse(first.at),
          done: new Set(),
          attempts: new Map(),
          journalState: foldJournal([first, preflightEvent]),
          skipUnsupported: skip,
          onFailure: opts.onFailure ?? { kind: 'ask' },
          confirmManualChecks: opts.confirmManualChecks ?? false,
        });
        return { deploymentId: id };
      } catch (error) {
        lock.release();
        throw error;
      }
    },

    decide(deploymentId, stepId, decision, reason, by) {
      const run = active.get(deploymentId);
      if (!run) throw new AppError('DEPLOY_NOT_RUNNING', `Deployment ${deploymentId} is not running in this window.`, 'Refresh the Run screen; the deployment may have finished.', { deploymentId });
      const pending = run.pending;
      if (!pending || !run.answer || pending.stepId !== stepId) {
        throw new AppError('DEPLOY_NO_DECISION_PENDING', `Deployment ${deploymentId} is not waiting for a decision on step ${stepId}.`, 'Refresh the Run screen: the decision may have been made already.', { deploymentId, stepId });
      }
      if (decision === 'skip' && !(reason ?? '').trim()) throw new AppError('DEPLOY_SKIP_REASON_REQUIRED', 'A skip needs a reason; it is recorded in the report.', 'Say why the step can be skipped (e.g. "done by hand by the DBA, change CHG-1182").', { stepId });
      if (pending.kind === 'confirm' && decision === 'retry') throw new AppError('DEPLOY_DECISION_INVALID', `Step ${stepId} is a manual check: confirm it, skip it with a reason, or abort.`, 'Use confirm, skip or abort.', { stepId });
      if (pending.kind === 'failure' && decision === 'confirm') throw new AppError('DEPLOY_DECISION_INVALID', `Step ${stepId} failed: retry it, skip it with a reason, or abort.`, 'Use retry, skip or abort.', { stepId });
      run.answer(decision, reason?.trim() || undefined, by?.trim() || run.operator);
    },

    cancel(deploymentId, mode, by) {
      const run = active.get(deploymentId);
      if (!run) throw new AppError('DEPLOY_NOT_RUNNING', `Deployment ${deploymentId} is not running in this process.`, 'Cancel it from the window or terminal that runs it.', { deploymentId });
      if (run.immediate.signal.aborted || (mode === 'graceful' && run.graceful.signal.aborted)) return;
      const event = run.journal.append({ type: 'cancel-requested', mode, by: by?.trim() || run.operator });
      emit('journal', { deploymentId, event });
      run.graceful.abort();
      if (mode === 'immediate') run.immediate.abort();
    },

    async resume(deploymentId, opts = {}) {
      if (!isDeploymentId(deploymentId)) throw notFound(deploymentId);
      const path = journalPathOf(dataDir, deploymentId);
      if (!existsSync(path)) throw notFound(deploymentId);
      if (active.has(deploymentId) || liveLockHolder(dataDir)?.deploymentId === deploymentId) {
        throw new AppError('DEPLOY_STILL_RUNNING', `Deployment ${deploymentId} is still running; it cannot be resumed.`, 'Wait for it, or cancel it from the window or terminal that runs it.', { deploymentId });
      }
      const { events } = readJournal(path);
      const summary = summarize(events[0], events, undefined);
      if (!summary) throw new AppError('DEPLOY_JOURNAL_INVALID', `The journal of ${deploymentId} does not start with deployment-started.`, 'The journal is damaged; send it to the vendor.', { deploymentId });
      if (summary.state !== 'interrupted') {
        throw new AppError('DEPLOY_NOT_INTERRUPTED', `Deployment ${deploymentId} already finished (${summary.state}); there is nothing to resume.`, 'Start a new deployment of the drop instead.', { deploymentId, state: summary.state });
      }
      // A script without a transaction that stopped part-way is never run again silently: the operator chooses.
      const cut = findInterruptedScript(events);
      const answer = cut ? (opts.onInterrupted ? checkInterruptedAnswer(opts.onInterrupted) : undefined) : undefined;
      if (cut && !answer) throw interruptedScriptError(deploymentId, cut);
      let record: RunRecord;
      try {
        record = JSON.parse(readFileSync(join(deploymentsDir(dataDir), deploymentId, 'run.json'), 'utf8')) as RunRecord;
      } catch {
        const first = events[0] as Extract<JournalEvent, { type: 'deployment-started' }>;
        record = { deploymentId, dropId: first.drop.id, tenantId: first.tenant.id, operator: first.operator, skipUnsupported: [] };
      }
      const drop = drops.get(record.dropId);
      const lock = acquireDeploymentLock(dataDir, deploymentId);
      try {
        const inputs = await prepareInputs(drop, record.tenantId, tenants);
        if (inputs.secretsProblem) throw new AppError(inputs.secretsProblem.code, inputs.secretsProblem.message, inputs.secretsProblem.hint);
        const checks = await preflightWith(drop, inputs, record.skipUnsupported);
        if (checks.blocked) throw blockedError(checks);
        const operator = opts.operator?.trim() || record.operator;

        // What earlier sessions finished (succeeded, or skipped for any reason) and where to pick up, from the one fold.
        const before = foldJournal(events);
        const done = finishedStepIds(before);
        const attempts = new Map(before.steps.filter((s) => s.attempts > 0).map((s) => [s.id, s.attempts]));
        const unfinished = unfinishedStepId(before);
        const next = drop.steps.find((s) => !done.has(s.id));
        const journal = JournalWriter.open(path, inputs.redactor);
        const lastSeq = journal.lastSeq;
        const stepId = unfinished ?? next?.id;
        const interrupted = journal.append({
          type: 'interrupted',
          detectedAt: new Date().toISOString(),
          lastSeq,
          ...(stepId ? { stepId } : {}),
          note: stepId ? `The deployment stopped without finishing (process ended or machine lost power) during or before step ${stepId}; resumed from that step.` : 'The deployment stopped without finishing; resumed.',
        });
        emit('journal', { deploymentId, event: interrupted });
        const restarted = journal.append(started({ id: deploymentId, drop, tenantId: record.tenantId, operator, inputs, resumedFrom: deploymentId }));
        emit('journal', { deploymentId, event: restarted });
        const preflightEvent = journal.append({ type: 'preflight', checks: checks.checks });
        emit('journal', { deploymentId, event: preflightEvent });
        let choiceEvent: JournalEvent | undefined;
        if (cut && answer) {
          choiceEvent = journal.append({
              type: 'interrupted-script',
              stepId: cut.stepId,
              script: cut.script,
              appliedBatches: cut.appliedBatches,
              ...(cut.inFlightBatch ? { inFlightBatch: cut.inFlightBatch } : {}),
              of: cut.of,
              choice: answer.choice,
              ...(answer.reason ? { reason: answer.reason } : {}),
              by: operator,
          });
          emit('journal', { deploymentId, event: choiceEvent });
          if (answer.choice === 'abort') {
            // Nothing runs: the deployment ends here as aborted, with the choice on record.
            emit('journal', { deploymentId, event: journal.append({ type: 'decision', stepId: cut.stepId, decision: 'abort', reason: `Interrupted in ${cut.script}; aborted on resume`, by: operator }) });
            emit('journal', { deploymentId, event: journal.append({ type: 'deployment-finished', outcome: 'aborted', durationMs: Math.max(0, Date.now() - Date.parse(events[0]!.at)) }) });
            journal.close();
            lock.release();
            emit('deployment-state', { deploymentId, state: 'aborted' });
            return { deploymentId };
          }
        }
        launch({
          id: deploymentId,
          drop,
          tenantId: record.tenantId,
          inputs,
          journal,
          lock,
          operator,
          startedAtMs: Date.parse(events[0]!.at),
          done,
          attempts,
          journalState: foldJournal([...events, interrupted, restarted, preflightEvent, ...(choiceEvent ? [choiceEvent] : [])]),
          skipUnsupported: record.skipUnsupported,
          onFailure: opts.onFailure ?? { kind: 'ask' },
          confirmManualChecks: opts.confirmManualChecks ?? false,
          ...(cut && answer && answer.choice !== 'abort'
            ? { resumeScript: { stepId: cut.stepId, script: cut.script, choice: answer.choice, appliedBatches: cut.appliedBatches, ...(answer.reason ? { reason: answer.reason } : {}) } }
            : {}),
        });
        return { deploymentId };
      } catch (error) {
        lock.release();
        throw error;
      }
    },

    interruptedScript(deploymentId) {
      if (!isDeploymentId(deploymentId)) throw notFound(deploymentId);
      const path = journalPathOf(dataDir, deploymentId);
      if (!existsSync(path)) throw notFound(deploymentId);
      const { events } = readJournal(path);
      const summary = summarize(events[0], events, liveState(deploymentId));
      if (summary?.state !== 'interrupted') return null;
      return findInterruptedScript(events) ?? null;
    },

    journal(deploymentId, afterSeq = 0) {
      if (!isDeploymentId(deploymentId)) throw notFound(deploymentId);
      const path = journalPathOf(dataDir, deploymentId);
      if (!existsSync(path)) throw notFound(deploymentId);
      const { events } = readJournal(path);
      const run = active.get(deploymentId);
      const state = summarize(events[0], events, liveState(deploymentId))?.state ?? 'interrupted';
      return { events: events.filter((e) => e.seq > afterSeq), state, ...(run?.pending ? { pendingDecision: run.pending } : {}) };
    },

    history(tenantId) {
      const all = listDeployments(dataDir, liveState);
      return tenantId ? all.filter((d) => d.tenantId === tenantId) : all;
    },

    interrupted() {
      return listDeployments(dataDir, liveState).filter((d) => d.state === 'interrupted');
    },

    async changeRequestHtml(dropId, tenantId, opts = {}) {
      const drop = drops.get(dropId);
      const inputs = await prepareInputs(drop, tenantId, tenants);
      const plan: DeploymentPlan = await buildPlan(inputs, registry, tools());
      const input = toChangeRequestInput({
        drop,
        tenant: tenantFacts(drop, tenantId),
        plan: plan.view,
        details: plan.details,
        machine: machineName(),
        ...(lastPreflight.has(`${dropId}\u0000${tenantId}`) ? { preflight: lastPreflight.get(`${dropId}\u0000${tenantId}`)! } : {}),
        ...(opts.preparedBy ? { preparedBy: opts.preparedBy } : {}),
        ...(options.appVersion ? { appVersion: options.appVersion } : {}),
      });
      return { html: inputs.redactor.redact(renderChangeRequestHtml(input)) };
    },

    stoppedBy(deploymentId) {
      return stoppedBy.get(deploymentId);
    },

    async wait(deploymentId) {
      const run = active.get(deploymentId);
      if (run) await run.done;
      const found = listDeployments(dataDir, liveState).find((d) => d.deploymentId === deploymentId);
      if (!found) throw notFound(deploymentId);
      return found;
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      const runs = [...active.values()];
      for (const run of runs) {
        try {
          manager.cancel(run.id, 'graceful', 'Drop Runner (closing)');
        } catch {
          // Already finishing.
        }
      }
      await Promise.all(runs.map((r) => r.done.catch(() => undefined)));
    },
  };
  return manager;
}
