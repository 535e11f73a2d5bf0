/**
 * The one contract between the UI and the engine: every request the renderer can make (name → params →
 * result) and every event it can receive. The Electron preload, the browser host and the renderer's client
 * are all derived from this file, so a request cannot exist on one side only.
 *
 * Params and events have runtime schemas (zod): main validates every payload that crosses the trust
 * boundary from the renderer before any handler runs. Results travel the other way, from the trusted
 * engine to the UI, and are typed only.
 */
import { z } from 'zod';
import type { ErrorShape } from './errors';
import type { EVENT_NAMES, REQUEST_NAMES } from './contract-names';
import type { Drop, PackageFacts, RunCondition, SignatureState, StepType, VariableType } from './drop-model';
import type { JournalEvent, PreflightCheck } from './journal-events';
import type { DefaultDecision, VariableState } from './variable-state';
import type { RunOutcome } from './journal-fold';

const id = z.string().min(1).max(200);
const tenantId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'tenant id: letters, digits, dot, dash, underscore; up to 64');
const pathString = z.string().min(1).max(4096);

/** Runtime schemas of every request's params. */
export const requestSchemas = {
  'app.info': z.object({}).strict(),
  'diagnostics.get': z.object({}).strict(),
  'drop.open': z
    .object({
      path: pathString,
      /** Octopus drops with encrypted variables: the drop's password (remembered as a tenant secret once it works). */
      password: z.string().min(1).max(1024).optional(),
      /** The tenant whose remembered Octopus drop password to try when none is given. */
      tenantId: tenantId.optional(),
    })
    .strict(),
  'dialog.openDrop': z.object({}).strict(),
  'drop.get': z.object({ dropId: id }).strict(),
  'drop.recent': z.object({}).strict(),
  'storage.drops': z.object({}).strict(),
  'storage.removeDrop': z.object({ dropId: id }).strict(),
  'tenant.list': z.object({}).strict(),
  'tenant.export': z.object({ tenantId, includeSecrets: z.boolean(), passphrase: z.string().min(8).max(1024), outPath: pathString.optional() }).strict(),
  'tenant.importPreview': z.object({ path: pathString, passphrase: z.string().min(1).max(1024) }).strict(),
  'tenant.importApply': z.object({ path: pathString, passphrase: z.string().min(1).max(1024) }).strict(),
  'variables.forDrop': z.object({ dropId: id, tenantId }).strict(),
  'variables.save': z
    .object({
      dropId: id,
      tenantId,
      values: z.array(z.object({ name: z.string().min(1).max(256), value: z.string().max(65536) }).strict()).max(5000),
      remember: z.boolean(),
    })
    .strict(),
  'variables.reveal': z.object({ tenantId, name: z.string().min(1).max(256) }).strict(),
  'variables.forget': z.object({ tenantId, name: z.string().min(1).max(256) }).strict(),
  /** Answers "the default changed": keep the value used before, or use the drop's new default. */
  'variables.decide': z.object({ dropId: id, tenantId, name: z.string().min(1).max(256), decision: z.enum(['keep-previous', 'use-new']) }).strict(),
  'operator.get': z.object({}).strict(),
  'operator.set': z.object({ name: z.string().trim().min(1).max(200) }).strict(),
  'plan.get': z.object({ dropId: id, tenantId }).strict(),
  'plan.changeRequest': z.object({ dropId: id, tenantId }).strict(),
  'preflight.run': z.object({ dropId: id, tenantId, skipUnsupported: z.array(id).max(500).optional() }).strict(),
  'deploy.start': z.object({ dropId: id, tenantId, skipUnsupported: z.array(id).max(500).optional() }).strict(),
  'deploy.decide': z
    .object({ deploymentId: id, stepId: id, decision: z.enum(['retry', 'skip', 'abort', 'confirm']), reason: z.string().max(2000).optional() })
    .strict()
    .refine((v) => v.decision !== 'skip' || (v.reason ?? '').trim().length > 0, { message: 'a skip needs a reason', path: ['reason'] }),
  'deploy.cancel': z.object({ deploymentId: id, mode: z.enum(['graceful', 'immediate']) }).strict(),
  'deploy.resume': z
    .object({
      deploymentId: id,
      /** The answer for a script without a transaction that the crash left part-way (see deploy.interruptedScript). */
      onInterrupted: z
        .object({ choice: z.enum(['continue', 'rerun', 'skip', 'abort']), reason: z.string().max(2000).optional() })
        .strict()
        .refine((v) => v.choice !== 'skip' || (v.reason ?? '').trim().length > 0, { message: 'a skip needs a reason', path: ['reason'] })
        .optional(),
    })
    .strict(),
  'deploy.journal': z.object({ deploymentId: id, afterSeq: z.number().int().min(0).optional() }).strict(),
  'deploy.history': z.object({ tenantId: tenantId.optional() }).strict(),
  'deploy.interrupted': z.object({}).strict(),
  'deploy.interruptedScript': z.object({ deploymentId: id }).strict(),
  'deploy.lockStatus': z.object({}).strict(),
  /** Clears a stale or unverified lock naming this deployment (the UI confirms first); a live lock is refused. */
  'deploy.unlock': z.object({ deploymentId: id }).strict(),
  'report.preview': z.object({ deploymentId: id }).strict(),
  'report.export': z.object({ deploymentId: id, formats: z.array(z.enum(['html', 'json', 'pdf'])).min(1), outDir: pathString.optional() }).strict(),
  /**
   * Logs in with a connection and reports the session. The connection is a variable of the tenant
   * (`variable`), a step's `connection` setting (`stepId`), or an edited value not saved yet (`value`,
   * #{…} evaluated with the tenant's values).
   */
  'connection.test': z
    .object({ dropId: id, tenantId, variable: z.string().min(1).max(256).optional(), stepId: id.optional(), value: z.string().max(65536).optional() })
    .strict()
    .refine((p) => p.variable !== undefined || p.stepId !== undefined || p.value !== undefined, 'name a variable, a step or a value'),
  /** A connection template (drop default) evaluated with the tenant's values, password masked, for display. */
  'connection.resolve': z.object({ dropId: id, tenantId, value: z.string().max(65536) }).strict(),
  'trust.list': z.object({}).strict(),
  /** Trusts the publisher key of an opened drop; the engineer's typed fingerprint must match the key. */
  'trust.add': z
    .object({ dropId: id, name: z.string().trim().min(1).max(200), publicKeyPem: z.string().min(1).max(16384), confirmedFingerprint: z.string().min(1).max(200) })
    .strict(),
  'trust.remove': z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/) }).strict(),
  'rollback.targets': z.object({ deploymentId: id }).strict(),
  // A database restore replaces the database: the operator types its name, which must match exactly.
  'rollback.run': z.object({ deploymentId: id, stepId: id, confirmDatabase: z.string().max(128).optional() }).strict(),
} as const;

export type RequestName = keyof typeof requestSchemas;
export type RequestParams<K extends RequestName> = z.input<(typeof requestSchemas)[K]>;

// ---- result types -------------------------------------------------------------------------------

export interface AppInfo {
  name: string;
  version: string;
  host: 'electron' | 'web';
  /** Set by `npm run demo`: the SQL Server is the bundled simulator, not a real one. */
  simulatedServer?: { port: number; note: string };
  /** Whether "Windows integrated (the signed-in user)" can work on this machine, and why not. */
  integratedAuth: { available: boolean; text: string; hint?: string };
}

export type DiagnosticStatus = 'ok' | 'warn' | 'fail';
export interface DiagnosticItem {
  id: string;
  label: string;
  status: DiagnosticStatus;
  value: string;
  /** Required items make `doctor` exit 3 when they fail. */
  required: boolean;
  hint?: string;
}
export interface Diagnostics {
  ready: boolean;
  generatedAt: string;
  items: DiagnosticItem[];
}

/** A drop as the UI sees it: everything but the local extraction path, baked secrets masked. */
export type DropView = Omit<Drop, 'root'>;

export interface RecentDrop {
  dropId: string;
  sourcePath: string;
  project: string;
  release: string;
  tenantId: string;
  openedAt: string;
  signature: SignatureState['state'];
}

/** One opened drop's copy in the data folder (verified files, extracted packages, model). */
export interface StoredDrop {
  dropId: string;
  project: string;
  release: string;
  /** When it was last opened on this machine; absent when the recent list no longer has it. */
  openedAt?: string;
  bytes: number;
  /** Why it cannot be removed now (a deployment of it is running or can still be resumed); absent when it can. */
  keptBecause?: string;
}

export interface TenantSummary {
  id: string;
  name: string;
  lastRelease?: string;
  lastDeployedAt?: string;
  valueCount: number;
  secretCount: number;
}

export type VariableStatusKind = 'remembered' | 'new' | 'default-changed' | 'type-changed' | 'missing-required' | 'removed' | 'unchanged';
export type ValueSource = 'remembered' | 'drop-default' | 'drop-baked' | 'entered' | 'none';

export interface VariableItem {
  name: string;
  label: string;
  help?: string;
  group?: string;
  type: VariableType;
  required: boolean;
  sensitive: boolean;
  choices?: string[];
  pattern?: string;
  status: VariableStatusKind;
  source: ValueSource;
  /** The value for non-secret variables; never sent for secrets (use variables.reveal). */
  value?: string;
  hasValue: boolean;
  /** The drop's default (unevaluated), for "reset to default". */
  defaultValue?: string;
  previousDefault?: string;
  /** Why the current value is not acceptable, if it is not. */
  problem?: string;
  /** The state derived by common/variable-state (badge, needs attention); the UI re-derives it only for unsaved typing. */
  state: VariableState;
  /** True when the state needs a value or a decision before deploying. */
  attention: boolean;
  /** Where the value comes from, said exactly (for a secret: typed now, the OS keychain, or the drop's default). */
  origin: string;
  /** A default that refers to other variables, evaluated with the tenant's current values (secrets as ********). */
  resolvedDefault?: string;
  /** For a changed default: the value used before (the remembered value, else the previous default); absent for secrets. */
  previousValue?: string;
  /** The decision recorded for the current default change. */
  decision?: DefaultDecision;
}

export interface VariablesView {
  tenantId: string;
  tenantName: string;
  items: VariableItem[];
  /** Remembered for this tenant but no longer in the drop: kept, shown apart, can be forgotten. */
  removed: Array<{ name: string; sensitive: boolean }>;
  secretsAvailable: boolean;
  secretsProblem?: ErrorShape;
}

export interface DryRunItem {
  label: string;
  action: string;
  detail?: string;
}
export interface PlanStep {
  id: string;
  name: string;
  type: StepType | 'unsupported';
  transactional: string;
  /** Resolved settings, secrets shown as ********. */
  settings: Record<string, unknown>;
  dryRun: { summary: string; items: DryRunItem[]; error?: ErrorShape };
  unsupportedReason?: string;
  /** Absent means 'success'. */
  runCondition?: RunCondition;
  /** Where an imported run condition came from, or why it is not evaluated. */
  runConditionNote?: string;
}
export interface PlanView {
  dropId: string;
  tenantId: string;
  steps: PlanStep[];
  variables: Array<{ name: string; source: ValueSource; sensitive: boolean; value: string }>;
  problems: ErrorShape[];
}

export interface PreflightResult {
  checks: PreflightCheck[];
  blocked: boolean;
}

export interface DeploymentSummary {
  deploymentId: string;
  dropId: string;
  tenantId: string;
  project: string;
  release: string;
  startedAt: string;
  finishedAt?: string;
  /** A finished deployment's outcome (see common/journal-fold.ts), running / awaiting-decision, or 'damaged': the journal's first line does not open a deployment (main/deploy/damaged-journal.ts); `problem` says why. */
  state: 'running' | 'awaiting-decision' | RunOutcome | 'damaged';
  problem?: string;
}

/** A `transaction: none` script a crash left part-way: which batches are known applied, which one was in flight. */
export interface InterruptedScriptView {
  stepId: string;
  script: string;
  of: number;
  appliedBatches: number;
  applied: Array<{ batch: number; file: string; line: number }>;
  inFlightBatch?: number;
}

/** The machine's deployment lock (see main/deploy/stale-lock.ts). */
export interface DeploymentLockView {
  deploymentId: string;
  pid: number;
  host: string;
  startedAt: string;
  processStartedAt?: string;
  state: 'live' | 'stale' | 'unverified';
  why: string;
}

export interface ExportedFile {
  format: 'html' | 'json' | 'pdf';
  path: string;
  /** Browser host only: where the page can fetch this file (the API token is required), as the page cannot read server paths. */
  download?: string;
}

/** Every request's result type. */
export interface RequestResults {
  'app.info': AppInfo;
  'diagnostics.get': Diagnostics;
  'drop.open': DropView;
  /** Electron shows the OS file dialog; the browser host cannot and says so (path null, unsupported true). */
  'dialog.openDrop': { path: string | null; unsupported?: boolean };
  'drop.get': DropView;
  'drop.recent': RecentDrop[];
  'storage.drops': { drops: StoredDrop[]; totalBytes: number };
  'storage.removeDrop': { dropId: string; freedBytes: number };
  'tenant.list': TenantSummary[];
  'tenant.export': { path: string };
  'tenant.importPreview': { tenantId: string; tenantName: string; changes: Array<{ name: string; change: 'added' | 'changed' | 'unchanged'; sensitive: boolean }> };
  'tenant.importApply': { tenantId: string; applied: number };
  'variables.forDrop': VariablesView;
  'variables.save': VariablesView;
  'variables.reveal': { value: string };
  'variables.forget': VariablesView | { ok: true };
  'variables.decide': VariablesView;
  'operator.get': { name: string | null };
  'operator.set': { name: string };
  'plan.get': PlanView;
  'plan.changeRequest': { html: string };
  'preflight.run': PreflightResult;
  'deploy.start': { deploymentId: string };
  'deploy.decide': { ok: true };
  'deploy.cancel': { ok: true };
  'deploy.resume': { deploymentId: string };
  'deploy.journal': { events: JournalEvent[]; state: DeploymentSummary['state']; pendingDecision?: PendingDecision };
  'deploy.history': DeploymentSummary[];
  'deploy.interrupted': DeploymentSummary[];
  'deploy.interruptedScript': InterruptedScriptView | null;
  'deploy.lockStatus': DeploymentLockView | null;
  'deploy.unlock': { cleared: boolean };
  'report.preview': { html: string };
  'report.export': { files: ExportedFile[]; warnings: string[] };
  'connection.test': ConnectionTestView;
  'connection.resolve': { text: string; missing: string[] };
  'trust.list': TrustedPublisherView[];
  'trust.add': { publisher: TrustedPublisherView; drop: DropView };
  'trust.remove': { ok: true };
  'rollback.targets': { targets: RollbackTargetView[] };
  'rollback.run': { rollbackId: string; outcome: 'succeeded' | 'failed' | 'aborted'; detail: string };
}

/** What Test connection reports (no password anywhere). */
export interface ConnectionTestView {
  /** Host, instance/port, database and who, as in logs (no password). */
  target: string;
  serverName: string;
  /** SERVERPROPERTY('ProductVersion'), e.g. 16.0.1000.6. */
  productVersion: string;
  /** SUSER_SNAME(): who the server thinks we are (DOMAIN\user for Windows logins). */
  login: string;
  database: string;
  /** CONNECTIONPROPERTY('auth_scheme'): SQL, NTLM or KERBEROS. */
  authScheme: string;
  /** True when the session travels inside TLS (TDS 7.x negotiated, or TDS 8 strict). */
  encrypted: boolean;
  /** TLS protocol when known, e.g. TLSv1.2. */
  tlsProtocol?: string;
}

/** A trusted publisher as Settings lists it. */
export interface TrustedPublisherView {
  name: string;
  keyId: string;
  added: string;
}

/** What a deployment recorded that can be rolled back (main/deploy/rollback.ts). */
export interface RollbackTargetView {
  stepId: string;
  kind: 'database' | 'ssis';
  /** Database name, or folder/project. */
  label: string;
  /** Backup file on the SQL Server machine (database). */
  disk?: string;
  /** SSIS catalog version to return to; absent when the project was new. */
  versionLsn?: string;
}

export type RequestResult<K extends RequestName> = RequestResults[K];

/** What a host sends back for any request: never a thrown exception across the boundary. */
export type Reply<K extends RequestName> = { ok: true; result: RequestResult<K> } | { ok: false; error: ErrorShape };

// ---- events -------------------------------------------------------------------------------------

export interface PendingDecision {
  stepId: string;
  error: ErrorShape;
  /** 'confirm': a manual check waits for the operator (answer confirm / skip / abort); absent or 'failure': a failed step (retry / skip / abort). */
  kind?: 'failure' | 'confirm';
  /**
   * What a 'confirm' asks: a manual check (absent), or a backup before change that failed ('backup-failed':
   * confirm retries the backup, skip runs the step WITHOUT a backup, abort stops before any change).
   */
  about?: ConfirmAbout;
}

/** The kinds of question a 'confirm' decision can be (see PendingDecision.about). */
export type ConfirmAbout = 'manual-check' | 'backup-failed';

export const eventSchemas = {
  /** One new journal event of a running deployment (already redacted). */
  journal: z.object({ deploymentId: z.string(), event: z.custom<JournalEvent>((v) => typeof v === 'object' && v !== null && 'seq' in v && 'type' in v) }),
  /** The deployment's state changed (running, waiting for the operator, finished). */
  'deployment-state': z.object({
    deploymentId: z.string(),
    state: z.enum(['running', 'awaiting-decision', 'succeeded', 'completed-with-skips', 'failed', 'aborted', 'cancelled', 'interrupted']),
    pendingDecision: z
      .object({ stepId: z.string(), error: z.object({ code: z.string(), message: z.string(), hint: z.string() }).passthrough(), kind: z.enum(['failure', 'confirm']).optional(), about: z.enum(['manual-check', 'backup-failed']).optional() })
      .optional(),
  }),
  /** The application menu asked the UI to do something (Electron only). */
  'menu-command': z.object({ command: z.enum(['open-drop', 'go-home', 'show-diagnostics']) }),
  /** report.export is writing (or has written, or failed) one format; the PDF can take seconds. */
  'report-progress': z.object({ deploymentId: z.string(), format: z.enum(['html', 'json', 'pdf']), state: z.enum(['writing', 'written', 'failed']) }),
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<K extends EventName> = z.infer<(typeof eventSchemas)[K]>;

/** The typed API both the Electron preload and the browser-host client give the renderer. */
export interface DropRunnerApi {
  invoke<K extends RequestName>(name: K, params: RequestParams<K>): Promise<Reply<K>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
  /**
   * Turns a file dropped on the window into a path the engine can open: Electron asks the OS for the
   * file's real path; the browser host uploads the bytes into the data folder first.
   */
  fileToPath(file: File): Promise<{ ok: true; path: string } | { ok: false; error: ErrorShape }>;
}

/** The engine side: one async handler per request, params already validated. */
export type ContractHandlers = { [K in RequestName]: (params: z.output<(typeof requestSchemas)[K]>) => Promise<RequestResult<K>> };

/** Names, so hosts can refuse anything not in the contract. */
export const requestNames = Object.keys(requestSchemas) as RequestName[];

// Compile-time proof that the schema-free name lists (used by the preload) match the schemas exactly.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const requestNamesMatch: Same<(typeof REQUEST_NAMES)[number], RequestName> = true;
const eventNamesMatch: Same<(typeof EVENT_NAMES)[number], EventName> = true;
void requestNamesMatch;
void eventNamesMatch;

/** Re-exported for the UI's convenience. */
export type { PackageFacts, PreflightCheck, JournalEvent };
