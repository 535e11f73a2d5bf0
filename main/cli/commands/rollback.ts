import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../../common/errors';
import { loadRollback, rollbackDeployment, rollbackScript } from '../../deploy/rollback';
import { EXIT, type CliCommand } from '../cli-types';
import { promptLine } from '../prompt';
import { openDeployEngine, operatorName } from './deploy-engine';
import { isInteractive } from './manual-check-prompt';

const USAGE = 'drop-runner rollback <deployment-id> [--step <id>] [--yes] [--script-only [--out <file.sql>]] [--operator <name>] [--data-dir <dir>]';

/**
 * `drop-runner rollback <id>`: back to what the deployment recorded before its changes. A database
 * restore overwrites the database, so it needs the database's name typed at the prompt (or --yes);
 * --script-only writes the T-SQL for the hospital DBA and changes nothing.
 */
export const rollbackCommand: CliCommand = {
  name: 'rollback',
  summary: 'Roll a deployment back: SSIS project versions and values, databases from the backup taken before the change',
  usage: USAGE,
  valueFlags: ['step', 'out', 'operator'],
  run: async (ctx) => {
    const id = ctx.args[0];
    if (!id || ctx.args.length > 1) throw new AppError('INVALID_ARGUMENTS', 'Give exactly one deployment id (see `drop-runner history`).', `Usage: ${USAGE}`);
    const engine = openDeployEngine(ctx);
    const stepId = ctx.flags.get('step');
    const base = { dataDir: ctx.dataDir, drops: engine.drops, tenants: engine.tenants, deploymentId: id, ...(stepId ? { stepId } : {}) };
    if (ctx.flags.has('script-only')) {
      const { targets } = await loadRollback(base);
      const script = rollbackScript(id, targets);
      const out = ctx.flags.get('out');
      if (out) {
        writeFileSync(resolve(out), script, 'utf8');
        ctx.stdout(`Rollback T-SQL written to ${resolve(out)} (nothing was changed).\n`);
      } else ctx.stdout(script);
      return EXIT.ok;
    }
    const result = await rollbackDeployment({
      ...base,
      operator: await operatorName(ctx, engine.settings, isInteractive(ctx)),
      yes: ctx.flags.has('yes'),
      confirmDatabase: async (database, disk) => {
        const typed = await promptLine(ctx.stdin, ctx.stderr, `Restoring ${database} from ${disk} replaces the database and disconnects its users. Type the database name to confirm: `);
        return typed !== null && typed.trim() === database;
      },
    });
    for (const t of result.targets) ctx.stdout(`${t.stepId}: ${t.label} — ${t.result}${t.detail && t.detail !== t.result ? ` (${t.detail})` : ''}\n`);
    ctx.stdout(`Rollback ${result.rollbackId}: ${result.outcome}. Report: drop-runner report ${result.rollbackId}\n`);
    if (result.outcome === 'aborted') return EXIT.invalidInput;
    return result.outcome === 'succeeded' ? EXIT.ok : EXIT.failed;
  },
};
