import { formatBytes } from '../../../common/format-bytes';
import { AppError } from '../../../common/errors';
import { dropsInUse } from '../../deploy/drops-in-use';
import { EXIT, type CliCommand } from '../cli-types';
import { textTable } from '../text-table';
import { printFailure } from '../failure';
import { recordedDeployments } from '../../deploy/recorded-deployments';
import { DropLibrary } from '../../drop/drop-library';
import { TrustStore } from '../../drop/trust-store';
import { openDropIsolated } from '../../drop/worker/isolated-open';
import { createConfSettingsStore } from '../../platform/settings-store';

const USAGE = 'drop-runner drops [list] [--json] | drops remove <drop-id>… | drops remove --unused [--data-dir <dir>]';

/**
 * `drop-runner drops`: the drops kept in the data folder and the disk they take, and removing the
 * ones no running or resumable deployment needs (the zips they came from are never touched).
 */
export const dropsCommand: CliCommand = {
  name: 'drops',
  summary: 'List the drops kept in the data folder with their size, or remove the ones no deployment still needs',
  usage: USAGE,
  run: async (ctx) => {
    const [action = 'list', ...ids] = ctx.args;
    // Journals and the data folder only: listing or removing drops never loads the deployment engine.
    const engine = { drops: new DropLibrary(ctx.dataDir, createConfSettingsStore(ctx.dataDir, 'settings'), () => ({ trustedKeys: TrustStore.open(ctx.dataDir).keys() }), openDropIsolated) };
    const inUse = () => dropsInUse(recordedDeployments(ctx.dataDir));
    if (action === 'list') {
      if (ids.length > 0) throw usage('`drops list` takes no drop ids.');
      const kept = inUse();
      const stored = engine.drops.stored((id) => kept.get(id));
      const total = stored.reduce((sum, d) => sum + d.bytes, 0);
      if (ctx.flags.has('json')) {
        ctx.stdout(`${JSON.stringify({ drops: stored, totalBytes: total }, null, 2)}\n`);
        return EXIT.ok;
      }
      if (stored.length === 0) {
        ctx.stdout('No drops are kept in the data folder.\n');
        return EXIT.ok;
      }
      const rows = stored.map((d) => [d.dropId, `${d.project} ${d.release}`, formatBytes(d.bytes), d.openedAt ?? '—', d.keptBecause ? `kept: ${d.keptBecause}` : 'can be removed']);
      ctx.stdout(textTable(['DROP', 'RELEASE', 'SIZE', 'LAST OPENED', 'STATUS'], rows));
      ctx.stdout(`\n${stored.length} drop(s), ${formatBytes(total)} in total. Remove one with \`drop-runner drops remove <drop-id>\`, or all that can go with \`drop-runner drops remove --unused\`.\n`);
      return EXIT.ok;
    }
    if (action === 'remove') {
      const unused = ctx.flags.has('unused');
      if (unused === (ids.length > 0)) throw usage('Name the drop ids to remove, or give --unused (not both).');
      const kept = inUse();
      const stored = unused ? engine.drops.stored((id) => kept.get(id)) : [];
      const targets = unused ? stored.filter((d) => !d.keptBecause).map((d) => d.dropId) : ids;
      if (targets.length === 0) {
        ctx.stdout(stored.length === 0 ? 'No drops are kept in the data folder.\n' : 'Nothing to remove: every kept drop is needed by a running or resumable deployment.\n');
        return EXIT.ok;
      }
      let freed = 0;
      let failures = 0;
      for (const id of targets) {
        try {
          const bytes = engine.drops.remove(id, inUse().get(id));
          freed += bytes;
          ctx.stdout(`Removed ${id} (${formatBytes(bytes)}).\n`);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          failures++;
          printFailure(ctx, error);
        }
      }
      ctx.stdout(`Freed ${formatBytes(freed)}.\n`);
      return failures === 0 ? EXIT.ok : EXIT.invalidInput;
    }
    throw usage(`Unknown action "${action}".`);
  },
};

function usage(message: string): AppError {
  return new AppError('INVALID_ARGUMENTS', message, `Usage: ${USAGE}`);
}
