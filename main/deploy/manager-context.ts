/**
 * The state one deployment manager shares between its parts (planning, start, resume, the run's
 * launch, queries): the options it was built with, the runs going on in this process, why some of
 * them stopped, and the listeners of its events. Built once by createDeploymentManager and passed to
 * each part, so the parts are plain functions that can live in their own files.
 */
import type { DeploymentSummary } from '../../common/contract';
import type { Drop } from '../../common/drop-model';
import type { ErrorShape } from '../../common/errors';
import type { DeploymentOutcome, JournalEvent } from '../../common/journal-events';
import { dropsDir } from '../drop/drop-store';
import type { JournalWriter } from '../journal/journal-file';
import type { SettingsStore } from '../platform/settings-store';
import { findSqlPackage } from '../steps/dacpac/find-sqlpackage';
import type { StepTools } from '../steps/step-executor';
import { createStepRegistry, type StepRegistry } from '../steps/step-registry';
import type { TenantStore } from '../tenants/tenant-store';
import type { DecisionSlot, PendingDecisionView } from './decision-bridge';
import { runningByLock } from './deployment-lock';
import type { PreflightOutcome } from './preflight';

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

/** A deployment running in this process, from its launch until its journal is closed and its lock released. */
export interface ActiveRun extends DecisionSlot {
  id: string;
  tenantId: string;
  graceful: AbortController;
  immediate: AbortController;
  journal: JournalWriter;
  done: Promise<DeploymentOutcome>;
}

export interface ManagerContext {
  options: DeploymentManagerOptions;
  dataDir: string;
  drops: DeploymentManagerOptions['drops'];
  tenants: TenantStore;
  registry: StepRegistry;
  /** The executors' tools, read afresh each time (the SqlPackage path setting may change between runs). */
  tools(): StepTools;
  allowUnsigned(): boolean;
  active: Map<string, ActiveRun>;
  /** Why a run started here stopped without its journal being able to say so (DISK_FULL…), for the CLI to print. */
  stoppedBy: Map<string, ErrorShape>;
  /** The last preflight of each drop and tenant in this process: a change request made after it shows its result. */
  lastPreflight: Map<string, { at: string; checks: PreflightOutcome['checks'] }>;
  listeners: Set<DeploymentEventListener>;
  emit: DeploymentEventListener;
  /** The state of a deployment that is going on now (here, or in another process holding the lock); undefined otherwise. */
  liveState(id: string): DeploymentSummary['state'] | undefined;
  /** The tenant as journals and change requests name it. */
  tenantFacts(drop: Drop, tenantId: string): { id: string; name: string; environment: Drop['target']['environment'] };
}

export function createManagerContext(options: DeploymentManagerOptions): ManagerContext {
  const { dataDir, tenants } = options;
  const settings = options.settings;
  const active = new Map<string, ActiveRun>();
  const listeners = new Set<DeploymentEventListener>();
  return {
    options,
    dataDir,
    drops: options.drops,
    tenants,
    registry: options.registry ?? createStepRegistry(),
    tools: () => ({
      findSqlPackage: () => findSqlPackage(settings?.get<string>('deploy.sqlPackagePath') || undefined, options.tools?.env ?? process.env),
      env: process.env,
      dropsDir: dropsDir(dataDir),
      ...options.tools,
    }),
    allowUnsigned: () => settings?.get<boolean>('deploy.allowUnsigned') ?? true,
    active,
    stoppedBy: new Map(),
    lastPreflight: new Map(),
    listeners,
    emit: (name, payload) => {
      for (const l of listeners) {
        try {
          l(name, payload);
        } catch {
          // A broken listener (a closed UI connection) must never stop a deployment.
        }
      }
    },
    liveState: (id) => active.get(id)?.state ?? runningByLock(dataDir, id),
    tenantFacts: (drop, tenantId) => ({
      id: tenantId,
      name: tenants.get(tenantId)?.name ?? (drop.target.tenantId === tenantId ? drop.target.tenantName : tenantId),
      environment: drop.target.environment,
    }),
  };
}
