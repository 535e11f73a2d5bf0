/**
 * The deployment report as data, derived from the journal alone. Every renderer (HTML, JSON, PDF, the
 * Report screen) reads this model, so what IT files and what the engineer previewed cannot disagree,
 * and nothing appears in a report that the journal cannot prove.
 */
import type {
  CheckStatus,
  DeploymentOutcome,
  JournalEvent,
  PreflightCheck,
  StepArtifact,
  StepOutcome,
} from '../../common/journal-events';
import { foldJournal, notApplied, runOutcome } from '../../common/journal-fold';
import type { SkipCause } from '../../common/journal-events';
import { validateJournal } from './journal-validation';
import { buildBackOut, type ReportBackOut } from './back-out-plan';
import { walkJournal } from './report-journal-walk';
import { finishStep, timelineBars } from './report-steps';
import { scrubLeaked } from './report-variables';

export const REPORT_KIND = 'drop-runner.deployment-report' as const;
export const REPORT_SCHEMA_VERSION = 1 as const;
/** Re-exported so callers keep importing it from the model (report-mask.ts says why it has its own file). */
export { MASK } from './report-mask';

/** 'incomplete' means the journal has no deployment-finished: the run was interrupted or is still going. */
export type ReportOutcome = DeploymentOutcome | 'incomplete';
/** 'incomplete': started but never finished; 'not-run': never started. */
export type ReportStepOutcome = StepOutcome | 'incomplete' | 'not-run';

export interface ReportDrop {
  id: string;
  format: 'native' | 'octopus';
  project: { id: string; name: string };
  release: { version: string; channel: string | null; notes: string | null };
  /** Where the engineer opened the drop from. */
  sourcePath: string;
  /** sha256 of the zip as received; null when it was opened from a folder. */
  sha256: string | null;
  signature: { state: string; publisher: string | null };
}

export interface ReportExecution {
  machine: string;
  osUser: string;
  /** The machine's time zone when the deployment started ("Europe/Oslo", "+01:00"); null for journals that do not say. */
  machineClock: { timeZone: string; utcOffset: string } | null;
  operator: string;
  startedAt: string;
  /** null when the journal has no deployment-finished. */
  finishedAt: string | null;
  /** From deployment-finished; null when incomplete. */
  durationMs: number | null;
  outcome: ReportOutcome;
  /** True only when the journal holds a deployment-finished event. */
  complete: boolean;
  /** Time of the last event in the journal: for an incomplete run, the last thing known to have happened. */
  lastEventAt: string;
  /** The deployment this one resumed, when it was a resume. */
  resumedFrom: string | null;
}

export interface ReportSummary {
  steps: { total: number; succeeded: number; failed: number; skipped: number; cancelled: number; incomplete: number; notRun: number };
  warnings: number;
  /** Failed attempts (each carries an error). */
  errors: number;
  retries: number;
  skips: number;
  cancelRequests: number;
  interruptions: number;
  preflight: { pass: number; warn: number; fail: number } | null;
}

export interface ReportPreflight {
  at: string;
  /** How many preflight runs the journal holds; the report shows the last one. */
  runs: number;
  checks: PreflightCheck[];
}

export interface ReportAttempt {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: ReportStepOutcome;
  durationMs: number | null;
  error: { code: string; message: string; hint: string } | null;
}

export interface ReportArtifact {
  kind: StepArtifact['kind'] | string;
  name: string;
  action: string;
  sha256: string | null;
  detail: string | null;
  operationId: string | null;
  at: string;
}

/** The facts a change board asks "what exactly did it change?" about, pulled out of the artifacts. */
export interface ReportApplied {
  scripts: Array<{ name: string; sha256: string | null; action: string }>;
  ssisFolders: string[];
  ssisProjects: string[];
  ssisOperationIds: string[];
  /** SSIS environment variables created or changed, by name only. */
  environmentVariables: string[];
}

export interface ReportStep {
  /** 1-based position in the plan. */
  index: number;
  id: string;
  name: string;
  type: string;
  transactional: string | null;
  outcome: ReportStepOutcome;
  attempts: ReportAttempt[];
  /** Sum of the attempts' own durations; null when no attempt finished. */
  durationMs: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  artifacts: ReportArtifact[];
  applied: ReportApplied;
  warnings: Array<{ at: string; message: string }>;
  errors: Array<{ at: string; attempt: number; code: string; message: string; hint: string }>;
  /** Why the operator skipped it, when they did. */
  skipReason: string | null;
  /** Who decided to skip it; null when the step was skipped without an operator decision (e.g. by its run condition). */
  skippedBy: string | null;
  /** Why it was skipped (see SkipCause in journal-events.ts); null when it was not. */
  skipCause: SkipCause | null;
  /** When it runs: success (default), failure, always. */
  runCondition: 'success' | 'failure' | 'always';
  /** It ran after the deployment had stopped (a clean-up step). */
  cleanup: boolean;
}

/** A step not (fully) applied, with why in words: the list hospital IT reads first. */
export interface ReportNotApplied {
  stepId: string;
  name: string;
  status: 'failed' | 'skipped' | 'not-run' | 'cancelled' | 'interrupted' | 'running';
  why: string;
  reason: string | null;
  by: string | null;
}

export interface ReportTimelineBar {
  stepId: string;
  attempt: number;
  /** Offsets from the deployment start, in ms. */
  startMs: number;
  endMs: number;
  /** False when the attempt never finished; endMs is then the last known event. */
  finished: boolean;
  outcome: ReportStepOutcome;
}

export interface ReportVariable {
  name: string;
  source: string;
  sensitive: boolean;
  /** Always MASK for sensitive variables. */
  value: string;
  /** The answer to a changed default, when the drop changed it. */
  decision?: 'keep-previous' | 'use-new';
}

export type ReportEventKind = 'retry' | 'skip' | 'abort' | 'cancel-requested' | 'interrupted' | 'resumed' | 'interrupted-script';

/** An interruption or an operator decision, in journal order. */
export interface ReportDecisionEvent {
  kind: ReportEventKind;
  at: string;
  offsetMs: number;
  stepId: string | null;
  stepName: string | null;
  by: string | null;
  reason: string | null;
  detail: string | null;
}

export interface ReportLogLine {
  seq: number;
  at: string;
  offsetMs: number;
  level: 'debug' | 'info' | 'warn' | 'error';
  stepId: string | null;
  source: string | null;
  message: string;
}

export interface DeploymentReport {
  kind: typeof REPORT_KIND;
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  generatedAt: string;
  generator: { name: string; version: string | null };
  deploymentId: string;
  /** "Deployment report — <project> <release> — <tenant>". */
  title: string;
  drop: ReportDrop;
  target: { tenantId: string; tenantName: string; environment: string };
  execution: ReportExecution;
  summary: ReportSummary;
  preflight: ReportPreflight | null;
  steps: ReportStep[];
  /** Steps that failed, were skipped after failing or by the operator, or never ran; empty for a fully applied release. */
  notApplied: ReportNotApplied[];
  /** Clean-up steps (run condition always/failure) that ran after the deployment stopped. */
  cleanup: Array<{ stepId: string; name: string; outcome: ReportStepOutcome }>;
  timeline: { totalMs: number; bars: ReportTimelineBar[] };
  variables: ReportVariable[];
  decisions: ReportDecisionEvent[];
  /** Warnings not tied to a step. */
  warnings: Array<{ at: string; message: string }>;
  log: ReportLogLine[];
  /** Set when the deployment ran against the simulated SQL Server of `npm run demo` (nothing real was changed). */
  simulatedServer?: string;
  /** Things the reader should know about the journal itself (masked leaks, unknown events, inconsistencies). */
  notes: string[];
  journal: { events: number; firstSeq: number; lastSeq: number; firstAt: string; lastAt: string };
  /** Backups written and SSIS versions recorded before the changes (back-out-plan.ts). */
  backOut: ReportBackOut;
  /** Set when this record is a rollback: the deployment it rolled back. */
  rollbackOf: string | null;
}

export interface BuildReportOptions {
  /** ISO time stamped on the report; defaults to now. */
  generatedAt?: string;
  appVersion?: string;
}

type Started = Extract<JournalEvent, { type: 'deployment-started' }>;

/** Builds the report model from a deployment journal; throws REPORT_JOURNAL_INVALID for an empty or foreign journal. */
export function buildReportModel(input: readonly JournalEvent[], opts: BuildReportOptions = {}): DeploymentReport {
  const { events, notes } = validateJournal(input);
  const started = events[0] as Started;
  const t0 = Date.parse(started.at);
  const offset = (at: string): number => Math.max(0, Date.parse(at) - t0);
  const last = events[events.length - 1]!;
  const finished = [...events].reverse().find((e) => e.type === 'deployment-finished') as
    | Extract<JournalEvent, { type: 'deployment-finished' }>
    | undefined;

  // The sections are gathered in one pass (report-journal-walk.ts); each has its builder in its own file.
  const { stepBook, variableBook, preflight, decisions, warnings, log } = walkJournal(events, offset, notes);
  const steps = stepBook.steps;

  // Step outcomes and the deployment's come from the one fold (common/journal-fold.ts), as on the Run screen.
  const fold = foldJournal(events);
  const folded = new Map(fold.steps.map((s) => [s.id, s]));
  for (const step of steps.values()) finishStep(step, folded.get(step.id));
  if (stepBook.unknown.size > 0) {
    notes.push(`The journal has events for steps not in the plan: ${[...stepBook.unknown].join(', ')}.`);
  }
  if (finished?.outcome === 'succeeded' && [...steps.values()].some((s) => s.outcome === 'failed' || s.outcome === 'incomplete')) {
    notes.push('The journal records the deployment as succeeded although a step did not finish successfully; check the step details.');
  }
  if (finished && finished !== last) {
    notes.push(`The journal continues after deployment-finished (seq ${finished.seq}); the later events are listed but the outcome is the recorded one.`);
  }
  if (variableBook.leakedNames.length > 0) {
    notes.push(
      `The journal held a clear-text value for the sensitive variable(s) ${[...new Set(variableBook.leakedNames)].join(', ')}. The value is masked everywhere in this report; report the journal to the vendor as a redaction defect.`,
    );
  }

  const stepList = [...steps.values()];
  const bars = timelineBars(stepList, offset, offset(last.at));
  const count = (o: ReportStepOutcome): number => stepList.filter((s) => s.outcome === o).length;
  const checkCount = (s: CheckStatus): number => preflight?.checks.filter((c) => c.status === s).length ?? 0;
  const title = `Deployment report — ${started.drop.project.name} ${started.drop.release.version} — ${started.tenant.name}`;

  const report: DeploymentReport = {
    kind: REPORT_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    generator: { name: 'Drop Runner', version: opts.appVersion ?? null },
    deploymentId: started.deploymentId,
    title,
    drop: {
      id: started.drop.id,
      format: started.drop.format,
      project: { ...started.drop.project },
      release: {
        version: started.drop.release.version,
        channel: started.drop.release.channel ?? null,
        notes: started.drop.release.notes ?? null,
      },
      sourcePath: started.drop.sourcePath,
      sha256: started.drop.sha256,
      signature: { state: started.drop.signature.state, publisher: started.drop.signature.publisher ?? null },
    },
    target: { tenantId: started.tenant.id, tenantName: started.tenant.name, environment: started.tenant.environment },
    execution: {
      machine: started.machine,
      osUser: started.osUser,
      machineClock: started.clock ? { timeZone: started.clock.timeZone, utcOffset: utcOffsetText(started.clock.utcOffsetMinutes) } : null,
      operator: started.operator,
      startedAt: started.at,
      finishedAt: finished?.at ?? null,
      durationMs: finished?.durationMs ?? null,
      outcome: outcomeOf(runOutcome(fold)),
      complete: finished !== undefined,
      lastEventAt: last.at,
      resumedFrom: started.resumedFrom ?? null,
    },
    summary: {
      steps: {
        total: stepList.length,
        succeeded: count('succeeded'),
        failed: count('failed'),
        skipped: count('skipped'),
        cancelled: count('cancelled'),
        incomplete: count('incomplete'),
        notRun: count('not-run'),
      },
      warnings: warnings.length + stepList.reduce((n, s) => n + s.warnings.length, 0),
      errors: stepList.reduce((n, s) => n + s.errors.length, 0),
      retries: decisions.filter((d) => d.kind === 'retry').length,
      skips: decisions.filter((d) => d.kind === 'skip').length,
      cancelRequests: decisions.filter((d) => d.kind === 'cancel-requested').length,
      interruptions: decisions.filter((d) => d.kind === 'interrupted').length + (finished ? 0 : 1),
      preflight: preflight ? { pass: checkCount('pass'), warn: checkCount('warn'), fail: checkCount('fail') } : null,
    },
    preflight,
    steps: stepList,
    notApplied: notApplied(fold).map((n) => ({ stepId: n.id, name: n.name, status: n.status, why: n.why, reason: n.reason ?? null, by: n.by ?? null })),
    cleanup: stepList.filter((s) => s.cleanup).map((s) => ({ stepId: s.id, name: s.name, outcome: s.outcome })),
    timeline: { totalMs: Math.max(offset(last.at), finished?.durationMs ?? 0, ...bars.map((b) => b.endMs)), bars },
    variables: [...variableBook.variables.values()],
    ...(started.simulatedServer ? { simulatedServer: started.simulatedServer } : {}),
    decisions,
    warnings,
    log,
    notes,
    journal: { events: events.length, firstSeq: started.seq, lastSeq: last.seq, firstAt: started.at, lastAt: last.at },
    backOut: buildBackOut(events),
    rollbackOf: (started as { rollbackOf?: string }).rollbackOf ?? null,
  };
  // Defence in depth: a secret that leaked into the journal's variable list has probably leaked into
  // log lines or error messages too, so it is scrubbed from every string of the finished model.
  return variableBook.leaked.size > 0 ? scrubLeaked(report, variableBook.leaked) : report;
}

/** The report's word for a run without a current deployment-finished is 'incomplete' (it may still be running). */
function outcomeOf(outcome: ReturnType<typeof runOutcome>): ReportOutcome {
  return outcome === 'interrupted' ? 'incomplete' : outcome;
}

/** +01:00, -05:30, +00:00. */
export function utcOffsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
