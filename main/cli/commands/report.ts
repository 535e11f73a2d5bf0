import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppError, type ErrorShape } from '../../../common/errors';
import { appPackage } from '../../platform/app-version';
import { exportReport, parseReportFormats, REPORT_FORMATS } from '../../report/export-report';
import { readJournalForReport as readJournalFile } from '../../journal/journal-file';
import { EXIT, type CliCommand, type CliContext } from '../cli-types';
import { printFailure } from '../failure';

const DEPLOYMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A path to a journal file, or a deployment id under <dataDir>/deployments/. */
function journalPathFor(target: string, dataDir: string): string {
  if (target.endsWith('.jsonl') || /[\\/]/.test(target) || (existsSync(target) && statSync(target).isFile())) return resolve(target);
  if (!DEPLOYMENT_ID.test(target)) {
    throw new AppError('REPORT_JOURNAL_NOT_FOUND', `"${target}" is neither a deployment id nor a journal file.`, 'Give a deployment id listed under <data>/deployments/ or the path of a journal.jsonl file.', {
      target,
    });
  }
  return join(dataDir, 'deployments', target, 'journal.jsonl');
}

function printWarning(ctx: CliContext, e: ErrorShape): void {
  ctx.stderr(`warning ${e.code}: ${e.message}\nhint: ${e.hint}\n`);
}

/** `drop-runner report <deployment-id | journal.jsonl>`: writes the deployment report for hospital IT. */
export const reportCommand: CliCommand = {
  name: 'report',
  summary: 'Write the deployment report for hospital IT (HTML, JSON, PDF) from a deployment journal',
  usage: `drop-runner report <deployment-id | journal.jsonl> [--out <dir>] [--format ${REPORT_FORMATS.join(',')}] [--json] [--data-dir <dir>]`,
  valueFlags: ['out', 'format'],
  run: async (ctx) => {
    const target = ctx.args[0];
    if (!target || ctx.args.length > 1) {
      return printFailure(ctx, { code: 'INVALID_ARGUMENTS', message: `${target ? 'Give exactly one deployment id or journal file.' : 'Which deployment? Give its id or a journal.jsonl path.'}`, hint: `Usage: ${reportCommand.usage}` });
    }
    try {
      const explicitFormats = ctx.flags.get('format');
      const formats = parseReportFormats(explicitFormats ?? REPORT_FORMATS.join(','));
      const journalPath = journalPathFor(target, ctx.dataDir);
      const journal = await readJournalFile(journalPath);
      for (const w of journal.warnings) ctx.stderr(`warning: ${w}\n`);
      const outDir = resolve(ctx.flags.get('out') ?? dirname(journalPath));
      const result = await exportReport(journal.events, outDir, { formats, appVersion: appPackage().version });

      if (ctx.flags.has('json')) {
        ctx.stdout(`${JSON.stringify({ deploymentId: result.model.deploymentId, outcome: result.model.execution.outcome, files: result.files, warnings: result.warnings }, null, 2)}\n`);
      } else {
        const m = result.model;
        ctx.stdout(`Deployment ${m.deploymentId}: ${m.drop.project.name} ${m.drop.release.version} for ${m.target.tenantName} — ${m.execution.outcome}\n`);
        for (const f of result.files) ctx.stdout(`${f.format.padEnd(4)}  ${f.path}\n`);
      }
      for (const w of result.warnings) printWarning(ctx, w);
      // A PDF the user asked for by name and did not get is a failure a script must see; the default set is best effort.
      if (result.warnings.length > 0 && explicitFormats !== undefined) return EXIT.environment;
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return printFailure(ctx, error);
    }
  },
};
