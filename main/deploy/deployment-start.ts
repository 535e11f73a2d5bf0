/**
 * deploy.start: a new deployment of a drop for a tenant. The machine lock is taken first (one
 * deployment at a time), then inputs and preflight; only when both pass is anything written — the
 * run record, the journal's deployment-started and preflight — and the run launched. Any failure
 * before the launch frees the lock again.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { foldJournal } from '../../common/journal-fold';
import { JournalWriter } from '../journal/journal-file';
import { ensureDirSync } from '../platform/ensure-dir';
import type { FailurePolicy } from './decision-bridge';
import { prepareInputs } from './deployment-inputs';
import { deploymentsDir, journalPathOf } from './deployment-index';
import { acquireDeploymentLock } from './deployment-lock';
import { blockedError, preflightWith, throwOnSecretsProblem } from './deployment-planning';
import type { ManagerContext } from './manager-context';
import type { PreflightOutcome } from './preflight';
import { launchRun } from './run-launcher';
import { writeRunRecord } from './run-record';
import { osUserName, startedEvent } from './started-event';

export interface StartOptions {
  dropId: string;
  tenantId: string;
  operator: string;
  skipUnsupported?: string[];
  /** Default 'ask' (decisions through decide()). */
  onFailure?: FailurePolicy;
  /** True: manual checks are confirmed without asking (the CLI's --yes, given after doing them). */
  confirmManualChecks?: boolean;
  /**
   * Nobody can answer a question during the run (a CLI without a terminal, or --yes): a failed backup is
   * then the step's failure (the failure policy decides) and an unconfirmed manual check fails, instead
   * of the run waiting for an answer that cannot come.
   */
  unattended?: boolean;
  /** A preflight run moments ago (the CLI prints it first); otherwise preflight runs here. */
  preflight?: PreflightOutcome;
}

/** `<UTC stamp>-<tenant>-<6 hex>`: sorts by time, names the tenant, never collides on one machine. */
function newDeploymentId(tenantId: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${tenantId}-${randomBytes(3).toString('hex')}`;
}

export async function startDeployment(ctx: ManagerContext, opts: StartOptions): Promise<{ deploymentId: string }> {
  const { dataDir, emit } = ctx;
  const drop = ctx.drops.get(opts.dropId);
  const operator = opts.operator.trim() || osUserName();
  const id = newDeploymentId(opts.tenantId);
  const lock = acquireDeploymentLock(dataDir, id);
  try {
    const inputs = await prepareInputs(drop, opts.tenantId, ctx.tenants);
    throwOnSecretsProblem(inputs);
    const skip = opts.skipUnsupported ?? [];
    const checks = opts.preflight ?? (await preflightWith(ctx, drop, inputs, skip));
    if (checks.blocked) throw blockedError(checks);
    ensureDirSync(join(deploymentsDir(dataDir), id));
    writeRunRecord(dataDir, { deploymentId: id, dropId: drop.id, tenantId: opts.tenantId, operator, skipUnsupported: skip });
    const journal = JournalWriter.open(journalPathOf(dataDir, id), inputs.redactor);
    const first = journal.append(startedEvent(ctx, { id, drop, tenantId: opts.tenantId, operator, inputs }));
    emit('journal', { deploymentId: id, event: first });
    const preflightEvent = journal.append({ type: 'preflight', checks: checks.checks });
    emit('journal', { deploymentId: id, event: preflightEvent });
    launchRun(ctx, {
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
      unattended: opts.unattended ?? false,
    });
    return { deploymentId: id };
  } catch (error) {
    lock.release();
    throw error;
  }
}
