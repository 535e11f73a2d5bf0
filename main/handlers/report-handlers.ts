import { join } from 'node:path';
import type { ContractHandlers } from '../../common/contract';
import { AppError, toErrorShape } from '../../common/errors';
import { appPackage } from '../platform/app-version';
import { exportReport } from '../report/export-report';
import { readJournalForReport as readJournalFile } from '../journal/journal-file';
import { buildReportModel } from '../report/report-model';
import { renderReportHtml } from '../report/render-html';
import type { EngineContext } from './engine-context';

type ReportHandlers = Pick<ContractHandlers, 'report.preview' | 'report.export'>;

/** Where a deployment's journal lives; the report reads nothing else. */
export function journalPath(dataDir: string, deploymentId: string): string {
  if (!/^[\w.-]+$/.test(deploymentId)) throw new AppError('DEPLOYMENT_NOT_FOUND', `"${deploymentId}" is not a deployment id.`, 'Pick a deployment from the history list.');
  return join(dataDir, 'deployments', deploymentId, 'journal.jsonl');
}

/** Reports for hospital IT, built from the journal alone; Electron passes its printToPDF, other hosts use Chromium. */
export function reportHandlers(ctx: EngineContext, printPdf?: (html: string, outPath: string) => Promise<void>): ReportHandlers {
  return {
    'report.preview': async ({ deploymentId }) => {
      const { events } = await readJournalFile(journalPath(ctx.dataDir, deploymentId));
      return { html: renderReportHtml(buildReportModel(events, { appVersion: appPackage().version })) };
    },
    'report.export': async ({ deploymentId, formats, outDir }) => {
      const { events, warnings: journalWarnings } = await readJournalFile(journalPath(ctx.dataDir, deploymentId));
      // Beside the journal, as `drop-runner report` writes them: one place for IT to collect a deployment's evidence.
      const target = outDir ?? join(ctx.dataDir, 'deployments', deploymentId);
      const result = await exportReport(events, target, {
        formats,
        appVersion: appPackage().version,
        ...(printPdf ? { printPdf } : {}),
        // The PDF takes seconds (a browser renders it): the UI shows which format is being written.
        onProgress: (format, state) => ctx.events.emit('report-progress', { deploymentId, format, state }),
      });
      const warnings = [...journalWarnings, ...result.warnings.map((w) => `${toErrorShape(w).code}: ${w.message} ${w.hint}`)];
      return { files: result.files, warnings: warnings.map((w) => ctx.redactor.redact(w)) };
    },
  };
}
