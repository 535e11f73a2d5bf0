/**
 * What the plan, deploy, resume and history commands share: the engine assembled over the data
 * folder (drop library, tenant store, deployment manager), the drop argument (a zip, a folder or
 * the id of a drop opened before), the tenant and the values given on the command line.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Drop } from '../../../common/drop-model';
import { AppError } from '../../../common/errors';
import { createDeploymentManager, type DeploymentManager, type FailurePolicy } from '../../deploy/deployment-manager';
import { DropLibrary } from '../../drop/drop-library';
import { TrustStore } from '../../drop/trust-store';
import { appPackage } from '../../platform/app-version';
import { createConfSettingsStore, type SettingsStore } from '../../platform/settings-store';
import { openTenantStore } from '../../tenants/open-tenant-store';
import type { TenantStore } from '../../tenants/tenant-store';
import type { CliContext } from '../cli-types';
import { promptCancelled, promptLine } from '../prompt';
import { applyCommandLineValues, readValueFlags } from '../value-flags';
import { cliOctopusPassword, rememberOctopusPassword, type CliOctopusPassword } from './octopus-password';
import { openDropIsolated } from '../../drop/worker/isolated-open';

export interface DeployEngine {
  settings: SettingsStore;
  drops: DropLibrary;
  tenants: TenantStore;
  manager: DeploymentManager;
  /** An Octopus drop's password: --password-stdin, else the one remembered for --tenant. */
  octopusPassword: CliOctopusPassword;
  /** --remember: a password typed on stdin that opened the drop is kept for the drop's tenant. */
  rememberPassword: boolean;
  /** --tenant, when given. */
  tenantFlag?: string;
}

/** Builds the engine for one CLI run (the same parts the app's service uses). */
export function openDeployEngine(ctx: CliContext): DeployEngine {
  const settings = createConfSettingsStore(ctx.dataDir, 'settings');
  const drops = new DropLibrary(ctx.dataDir, settings, () => ({ trustedKeys: TrustStore.open(ctx.dataDir).keys() }), openDropIsolated);
  const tenants = openTenantStore(ctx.dataDir);
  const manager = createDeploymentManager({ dataDir: ctx.dataDir, drops, tenants, settings, appVersion: appPackage().version });
  const tenantFlag = ctx.flags.get('tenant');
  return { settings, drops, tenants, manager, octopusPassword: cliOctopusPassword(ctx, () => tenants), rememberPassword: ctx.flags.has('remember'), ...(tenantFlag ? { tenantFlag } : {}) };
}

/** Opens the drop named on the command line: a zip or folder path, or the id of a drop opened earlier. */
export async function dropFromArgument(engine: DeployEngine, arg: string | undefined, usage: string): Promise<Drop> {
  if (!arg) throw new AppError('INVALID_ARGUMENTS', 'Which drop? Give the drop zip, its folder, or the id of a drop opened before.', `Usage: ${usage}`);
  if (existsSync(arg)) {
    // An encrypted Octopus drop asks for its password only when it has encrypted files.
    const drop = await engine.drops.open(resolve(arg), { octopusPassword: engine.octopusPassword.ask });
    const typed = engine.octopusPassword.typed();
    if (typed !== undefined && engine.rememberPassword) {
      const tenantId = engine.tenantFlag ?? drop.target.tenantId;
      engine.tenants.ensure(tenantId, tenantId === drop.target.tenantId ? drop.target.tenantName : undefined);
      await rememberOctopusPassword(engine.tenants, tenantId, typed);
    }
    return drop;
  }
  if (/^[\w.-]+$/.test(arg)) return engine.drops.get(arg);
  throw new AppError('DROP_NOT_FOUND', `"${arg}" is neither a file or folder nor the id of an opened drop.`, 'Give the path of the drop zip (or folder).', { path: arg });
}

/** The tenant: --tenant, else the drop's own target; created on first use and given the command-line values. */
export async function tenantWithValues(ctx: CliContext, engine: DeployEngine, drop: Drop): Promise<string> {
  const tenantId = ctx.flags.get('tenant') ?? drop.target.tenantId;
  engine.tenants.ensure(tenantId, tenantId === drop.target.tenantId ? drop.target.tenantName : undefined);
  await applyCommandLineValues(engine.tenants, tenantId, drop.variables, await readValueFlags(ctx.flags));
  return tenantId;
}

/**
 * The operator's name for the journal and the report: --operator, else the name remembered on this
 * machine (by the app or an earlier run), else asked once at the terminal and remembered. Never the OS
 * account silently: `root` or a shared service account says nothing about who deployed.
 */
export async function operatorName(ctx: CliContext, settings: SettingsStore, interactive: boolean): Promise<string> {
  const given = ctx.flags.get('operator')?.trim();
  const remembered = settings.get<string>('operator.name')?.trim();
  if (given) {
    if (!remembered) settings.set('operator.name', given);
    return given;
  }
  if (remembered) return remembered;
  if (interactive) {
    for (;;) {
      const typed = await promptLine(ctx.stdin, ctx.stderr, 'Your name, for the deployment report (asked once; remembered on this machine): ');
      if (typed === null) throw promptCancelled();
      const name = typed.trim().slice(0, 200);
      if (name) {
        settings.set('operator.name', name);
        return name;
      }
    }
  }
  throw new AppError('OPERATOR_REQUIRED', 'Who is deploying? No operator name is remembered on this machine.', 'Pass --operator "<your name>" once (it is remembered), or run the command in a terminal to be asked.');
}

/** Parses --on-failure abort|skip|retry:N; absent means the deployment fails on the first failed step. */
export function failurePolicy(value: string | undefined): FailurePolicy {
  if (value === undefined) return { kind: 'fail' };
  const v = value.trim().toLowerCase();
  if (v === 'abort') return { kind: 'abort' };
  if (v === 'skip') return { kind: 'skip', reason: 'skipped by --on-failure skip (unattended run)' };
  const m = /^retry:(\d{1,2})$/.exec(v);
  if (m && Number(m[1]) >= 1) return { kind: 'retry', times: Number(m[1]) };
  throw new AppError('INVALID_ARGUMENTS', `--on-failure "${value}" is not understood.`, 'Use --on-failure abort, --on-failure skip or --on-failure retry:N (N from 1 to 99).');
}


