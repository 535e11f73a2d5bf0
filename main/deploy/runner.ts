/**
 * The run: the drop's steps in order through their executors, every event journaled before anyone
 * sees it. A failed step waits for a decision (retry, skip with a reason, abort); a cancel stops
 * after the current batch (graceful) or interrupts it (immediate). Steps already finished in an
 * earlier session of the same deployment (a resume) are passed over.
 */
import type { ConfirmAbout, PendingDecision } from '../../common/contract';
import type { DropStep } from '../../common/drop-model';
import { AppError, toErrorShape, type ErrorShape } from '../../common/errors';
import type { DeploymentOutcome, JournalEvent, JournalEventInput } from '../../common/journal-events';
import { endOfRunOutcome, foldEvent, type JournalState } from '../../common/journal-fold';
import type { ConfirmAnswer, StepContext, StepRunResult as StepResultOutcome, StepTools } from '../steps/step-executor';
import type { StepRegistry } from '../steps/step-registry';
import type { DeploymentInputs } from './deployment-inputs';
import { buildStepContext } from './step-context';

/** An answer to a failed step; 'fail' means nobody decided (a non-interactive run without a policy). */
export type DecisionAnswer = { decision: 'retry' | 'skip' | 'abort'; reason?: string; by: string } | { decision: 'fail' };

/** What the runner asks of its host (the deployment manager). */
export interface RunHooks {
  /** Journals an event and shows it; returns it as written. */
  append(input: JournalEventInput): JournalEvent;
  decide(pending: PendingDecision): Promise<DecisionAnswer>;
  confirm(stepId: string, instructions: string, about?: ConfirmAbout): Promise<ConfirmAnswer>;
  onState(state: 'running' | 'awaiting-decision', pending?: PendingDecision): void;
}

export interface RunSpec {
  deploymentId: string;
  inputs: DeploymentInputs;
  registry: StepRegistry;
  tools: StepTools;
  operator: string;
  /** When the deployment first started (ms), for its total duration. */
  startedAtMs: number;
  /** Steps finished in an earlier session (succeeded or skipped). */
  done: ReadonlySet<string>;
  /** The fold of the journal so far (deployment-started and preflight of this session included). */
  journalState: JournalState;
  /** Attempts made so far per step, so numbering continues after a resume. */
  attempts: ReadonlyMap<string, number>;
  skipUnsupported: ReadonlySet<string>;
  graceful: AbortController;
  immediate: AbortController;
  hooks: RunHooks;
  /** A resume's answer for a script the crash left part-way; given to that step's first attempt in this session only. */
  resumeScript?: { stepId: string } & NonNullable<StepContext['resumeScript']>;
  /** Backups before change journaled by earlier sessions of this deployment (a resume); see StepContext. */
  earlierBackups?: StepContext['earlierBackups'];
}

type Stop = 'failed' | 'aborted' | 'cancelled';
type StepEnd = 'next' | Stop;

/** The signals one step runs under; clean-up steps get a graceful signal of their own (a graceful cancel already fired). */
interface StepMode {
  graceful: AbortSignal;
  cleanup: boolean;
}

/** Waits for a promise unless the cancel signal fires first (then resolves undefined). */
function unlessCancelled<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** Runs the deployment to its end and journals deployment-finished; resolves with the outcome. */
export async function runDeployment(spec: RunSpec): Promise<DeploymentOutcome> {
  const { inputs } = spec;
  // Everything appended is folded too, so the outcome is the journal's own reading of the run.
  let state = spec.journalState;
  const hooks: RunHooks = {
    ...spec.hooks,
    append: (input) => {
      const event = spec.hooks.append(input);
      state = foldEvent(state, event);
      return event;
    },
  };
  const run: RunSpec = { ...spec, hooks };
  // An immediate cancel stops clean-up too; a graceful one lets it run.
  const cleanupGraceful = new AbortController();
  if (spec.immediate.signal.aborted) cleanupGraceful.abort();
  else spec.immediate.signal.addEventListener('abort', () => cleanupGraceful.abort(), { once: true });
  let stopped: Stop | undefined = state.stopped?.outcome;
  const stop = (outcome: Stop, stepId?: string) => {
    stopped = outcome;
    hooks.append({ type: 'run-stopped', outcome, ...(stepId ? { stepId } : {}) });
  };
  for (const step of inputs.drop.steps) {
    if (spec.done.has(step.id)) continue;
    const condition = step.runCondition ?? 'success';
    if (!stopped && spec.graceful.signal.aborted) stop('cancelled');
    if (!stopped) {
      if (condition === 'failure') {
        skipByCondition(hooks, step, 'It runs only when an earlier step fails, and none did.');
        continue;
      }
      const end = await runOneStep(run, step, { graceful: spec.graceful.signal, cleanup: false });
      if (end !== 'next') stop(end, step.id);
      continue;
    }
    if (condition === 'success') continue;
    if (condition === 'failure' && stopped === 'cancelled') {
      skipByCondition(hooks, step, 'It runs only after a failure; the deployment was cancelled.');
      continue;
    }
    if (spec.immediate.signal.aborted) continue;
    await runOneStep(run, step, { graceful: cleanupGraceful.signal, cleanup: true });
  }
  const outcome: DeploymentOutcome = stopped ?? endOfRunOutcome(state);
  hooks.append({ type: 'deployment-finished', outcome, durationMs: Math.max(0, Date.now() - spec.startedAtMs) });
  return outcome;
}

/** The resume answer for this step's first attempt of the session; a retry later runs the step as usual. */
function resumeScriptFor(spec: RunSpec, stepId: string, first: boolean): Pick<StepContext, 'resumeScript'> {
  if (!first || !spec.resumeScript || spec.resumeScript.stepId !== stepId) return {};
  const { stepId: _step, ...rest } = spec.resumeScript;
  return { resumeScript: rest };
}

function skipByCondition(hooks: RunHooks, step: DropStep, reason: string): void {
  hooks.append({ type: 'step-finished', stepId: step.id, attempt: 1, outcome: 'skipped', durationMs: 0, skip: { cause: 'run-condition', reason } });
}

async function runOneStep(spec: RunSpec, step: DropStep, mode: StepMode): Promise<StepEnd> {
  const { inputs, hooks, registry } = spec;
  const redact = (s: string) => inputs.redactor.redact(s);
  let attempt = spec.attempts.get(step.id) ?? 0;

  if (step.type === 'unsupported') {
    const reason = step.unsupportedReason ?? 'This step type is not supported.';
    if (spec.skipUnsupported.has(step.id)) {
      const why = `Unsupported step, skipped as chosen before the run: ${reason}`;
      hooks.append({ type: 'decision', stepId: step.id, decision: 'skip', reason: why, by: spec.operator });
      hooks.append({ type: 'step-finished', stepId: step.id, attempt: attempt + 1, outcome: 'skipped', durationMs: 0, skip: { cause: 'unsupported', reason: why } });
      return 'next';
    }
    hooks.append({
      type: 'step-finished',
      stepId: step.id,
      attempt: attempt + 1,
      outcome: 'failed',
      durationMs: 0,
      error: { code: 'DEPLOY_STEP_UNSUPPORTED', message: `Step ${step.id} cannot be run by Drop Runner: ${reason}`, hint: 'Skip it explicitly before the run, after doing it by hand.' },
    });
    return 'failed';
  }

  const executor = registry.get(step.type);
  const firstAttemptHere = attempt + 1;
  for (;;) {
    attempt++;
    hooks.append({ type: 'step-started', stepId: step.id, attempt });
    hooks.onState('running');
    const t0 = Date.now();
    let result: StepResultOutcome | undefined;
    let error: ErrorShape | undefined;
    try {
      if (!executor) throw new AppError('DEPLOY_STEP_UNSUPPORTED', `No executor for step type ${step.type}.`, 'Update Drop Runner.');
      const { settings, problems } = inputs.settingsFor(step);
      if (problems.length > 0) throw new AppError(problems[0]!.code, problems[0]!.message, problems[0]!.hint, { stepId: step.id });
      const ctx = await buildStepContext(
        inputs,
        step,
        settings,
        spec.tools,
        (event) => hooks.append(event),
        { graceful: mode.graceful, immediate: spec.immediate.signal },
        {
          deploymentId: spec.deploymentId,
          confirm: async ({ instructions, about }) => {
            const answer = await unlessCancelled(hooks.confirm(step.id, instructions, about), mode.graceful);
            return answer ?? { answer: 'abort', by: 'cancel' };
          },
          setOutputVariable: (name, value, sensitive) => inputs.addOutput(name, value, sensitive),
          ...resumeScriptFor(spec, step.id, attempt === firstAttemptHere),
          ...(spec.earlierBackups?.length ? { earlierBackups: spec.earlierBackups } : {}),
        },
      );
      result = await executor.run(ctx);
    } catch (caught) {
      const shape = toErrorShape(caught);
      error = { code: shape.code, message: redact(shape.message), hint: redact(shape.hint) };
    }
    const durationMs = Date.now() - t0;

    if (result) {
      if (result.outcome === 'succeeded') {
        hooks.append({ type: 'step-finished', stepId: step.id, attempt, outcome: 'succeeded', durationMs });
        return 'next';
      }
      if (result.outcome === 'skipped') {
        const reason = result.reason ?? 'skipped by the operator';
        hooks.append({ type: 'decision', stepId: step.id, decision: 'skip', reason, by: result.by ?? spec.operator });
        hooks.append({ type: 'step-finished', stepId: step.id, attempt, outcome: 'skipped', durationMs, skip: { cause: 'operator', reason } });
        return 'next';
      }
      hooks.append({ type: 'step-finished', stepId: step.id, attempt, outcome: 'cancelled', durationMs });
      if (mode.cleanup) return 'next';
      if (mode.graceful.aborted || !result.abort) return 'cancelled';
      hooks.append({ type: 'decision', stepId: step.id, decision: 'abort', by: result.by ?? spec.operator });
      return 'aborted';
    }

    hooks.append({ type: 'step-finished', stepId: step.id, attempt, outcome: 'failed', durationMs, error: error! });
    // A clean-up step that fails is recorded and the clean-up goes on: the run has already stopped, there is nothing to decide.
    if (mode.cleanup) return 'next';
    // A cancel that broke the step (a killed connection) is still the operator's cancel, not a failure to decide on.
    if (mode.graceful.aborted) return 'cancelled';
    const pending: PendingDecision = { stepId: step.id, error: error! };
    hooks.onState('awaiting-decision', pending);
    const answer = await unlessCancelled(hooks.decide(pending), mode.graceful);
    hooks.onState('running');
    if (!answer) return 'cancelled';
    if (answer.decision === 'fail') return 'failed';
    hooks.append({ type: 'decision', stepId: step.id, decision: answer.decision, ...(answer.reason ? { reason: answer.reason } : {}), by: answer.by });
    if (answer.decision === 'skip') return 'next';
    if (answer.decision === 'abort') return 'aborted';
  }
}
