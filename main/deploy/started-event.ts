/**
 * The deployment-started event a session of a deployment opens with (a start, or each resume): what
 * drop, for which tenant, on which machine, by whom, and how each step treats transactions. The
 * report is built from the journal alone, so everything it says about the run's origin is here.
 */
import { hostname, userInfo } from 'node:os';
import type { Drop } from '../../common/drop-model';
import type { JournalEventInput } from '../../common/journal-events';
import type { DeploymentInputs } from './deployment-inputs';
import type { ManagerContext } from './manager-context';

export function machineName(): string {
  return hostname();
}

function machineClock(): { timeZone: string; utcOffsetMinutes: number } {
  // getTimezoneOffset is minutes to ADD to local time to reach UTC; the report shows the usual sign.
  return { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'unknown', utcOffsetMinutes: -new Date().getTimezoneOffset() || 0 };
}

/** The signed-in OS account: the operator when none is given, and recorded beside the operator otherwise. */
export function osUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USERNAME ?? process.env.USER ?? 'unknown';
  }
}

export function startedEvent(
  ctx: ManagerContext,
  args: { id: string; drop: Drop; tenantId: string; operator: string; inputs: DeploymentInputs; resumedFrom?: string },
): JournalEventInput {
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
    tenant: ctx.tenantFacts(drop, args.tenantId),
    machine: machineName(),
    osUser: osUserName(),
    clock: machineClock(),
    operator: args.operator,
    steps: drop.steps.map((s) => ({
      id: s.id,
      name: s.name,
      type: s.type,
      transactional: s.type === 'unsupported' ? 'not applicable' : (ctx.registry.get(s.type)?.transactional(args.inputs.settingsFor(s).settings) ?? 'unknown'),
      ...(s.runCondition && s.runCondition !== 'success' ? { runCondition: s.runCondition } : {}),
    })),
    variables: args.inputs.shownVariables(),
    ...(ctx.options.simulatedServer ? { simulatedServer: ctx.options.simulatedServer } : {}),
    ...(args.resumedFrom ? { resumedFrom: args.resumedFrom } : {}),
  };
}
