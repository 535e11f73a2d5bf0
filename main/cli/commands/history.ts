import { EXIT, type CliCommand } from '../cli-types';
import { textTable } from '../text-table';
import { recordedDeployments } from '../../deploy/recorded-deployments';
import { createConfSettingsStore } from '../../platform/settings-store';

/** `drop-runner history`: the deployments on this machine with their state; interrupted ones say how to resume. */
export const historyCommand: CliCommand = {
  name: 'history',
  summary: 'List the deployments on this machine (newest first) with their outcome; interrupted ones can be resumed',
  usage: 'drop-runner history [--tenant <id>] [--json] [--data-dir <dir>]',
  run: async (ctx) => {
    // Opened as every command opens it: a data folder this machine cannot use fails here with its code (exit 3).
    createConfSettingsStore(ctx.dataDir, 'settings');
    const list = recordedDeployments(ctx.dataDir, ctx.flags.get('tenant'));
    if (ctx.flags.has('json')) {
      // outcome: the finished deployment's outcome (succeeded | completed-with-skips | failed | aborted | cancelled | interrupted); null while it runs.
      const withOutcome = list.map((d) => ({ ...d, outcome: d.state === 'running' || d.state === 'awaiting-decision' ? null : d.state }));
      ctx.stdout(`${JSON.stringify(withOutcome, null, 2)}\n`);
      return EXIT.ok;
    }
    if (list.length === 0) {
      ctx.stdout('No deployments on this machine yet.\n');
      return EXIT.ok;
    }
    const rows = list.map((d) => [d.deploymentId, d.tenantId, `${d.project} ${d.release}`, d.startedAt, d.state === 'completed-with-skips' ? 'completed-with-skips (not fully applied)' : d.state]);
    ctx.stdout(textTable(['DEPLOYMENT', 'TENANT', 'RELEASE', 'STARTED', 'OUTCOME'], rows));
    for (const d of list.filter((x) => x.state === 'damaged')) ctx.stdout(`\ndamaged ${d.deploymentId}: ${d.problem ?? 'the journal cannot be read'} Keep the folder and send it to the vendor.\n`);
    const interrupted = list.filter((d) => d.state === 'interrupted');
    if (interrupted.length > 0) ctx.stdout(`\n${interrupted.length} interrupted: continue with \`drop-runner resume ${interrupted[0]!.deploymentId}\`.\n`);
    return EXIT.ok;
  },
};
