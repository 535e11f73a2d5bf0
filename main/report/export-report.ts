/**
 * Writes the deployment report files for one journal: HTML, JSON and PDF side by side, each written to
 * a temp file and renamed so a half-written report never sits in the folder IT picks files from. A
 * missing browser costs only the PDF: the other formats are still written and a warning says why.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, type ErrorShape } from '../../common/errors';
import type { JournalEvent } from '../../common/journal-events';
import { renderReportHtml } from './render-html';
import { renderPdf, type RenderPdfOptions } from './render-pdf';
import { buildReportModel, type DeploymentReport } from './report-model';
import { renderReportJson } from './report-schema';
import { ensureDir } from '../platform/ensure-dir';

export const REPORT_FORMATS = ['html', 'json', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Log lines printed in the PDF appendix; the HTML and JSON keep the whole log. */
export const PDF_MAX_LOG_LINES = 5000;

export interface ExportReportOptions {
  formats: ReportFormat[];
  generatedAt?: string;
  appVersion?: string;
  /** Passed to the PDF renderer (browser path, lookup env, timeout). */
  pdf?: RenderPdfOptions;
  /**
   * Prints HTML to a PDF file instead of headless Chromium: the Electron shell passes one built on
   * webContents.printToPDF. It should throw REPORT_PDF_* AppErrors, which become warnings.
   */
  printPdf?: (html: string, outPath: string) => Promise<void>;
  /** Told when each format starts and ends, so a UI can show progress while the PDF renders (seconds). */
  onProgress?: (format: ReportFormat, state: 'writing' | 'written' | 'failed') => void;
}

export interface ExportReportResult {
  files: Array<{ format: ReportFormat; path: string }>;
  /** Formats that could not be produced (PDF without a browser), as code/message/hint. */
  warnings: ErrorShape[];
  model: DeploymentReport;
}

/** The file name stem for a deployment: deployment-report-<id>, with anything unsafe in a file name replaced. */
export function reportFileStem(deploymentId: string): string {
  return `deployment-report-${deploymentId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/** Parses "html,json,pdf" (a CLI flag or a setting); throws REPORT_FORMAT_INVALID for anything else. */
export function parseReportFormats(value: string): ReportFormat[] {
  const parts = value
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  const bad = parts.filter((p) => !(REPORT_FORMATS as readonly string[]).includes(p));
  if (parts.length === 0 || bad.length > 0) {
    throw new AppError(
      'REPORT_FORMAT_INVALID',
      parts.length === 0 ? 'No report format was given.' : `Unknown report format "${bad[0]}".`,
      'Use one or more of html, json, pdf separated by commas, e.g. --format html,pdf.',
      { value },
    );
  }
  return [...new Set(parts)] as ReportFormat[];
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const staging = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(staging, content, 'utf8');
    await rename(staging, path);
  } catch (err) {
    await rm(staging, { force: true });
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new AppError('REPORT_WRITE_FAILED', `Could not write the report file ${path}: ${code}.`, 'Choose an output folder you can write to, and check the free disk space.', {
      path,
      errno: code,
    });
  }
}

/** A host printer writes to a staging name; only a finished PDF gets the real name. */
async function printAtomically(print: NonNullable<ExportReportOptions['printPdf']>, html: string, path: string): Promise<void> {
  const staging = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    await print(html, staging);
    await rename(staging, path);
  } finally {
    await rm(staging, { force: true });
  }
}

/** Builds the report from the journal and writes the requested formats into outDir. */
export async function exportReport(journalEvents: readonly JournalEvent[], outDir: string, opts: ExportReportOptions): Promise<ExportReportResult> {
  if (opts.formats.length === 0) parseReportFormats('');
  const model = buildReportModel(journalEvents, {
    ...(opts.generatedAt !== undefined ? { generatedAt: opts.generatedAt } : {}),
    ...(opts.appVersion !== undefined ? { appVersion: opts.appVersion } : {}),
  });
  try {
    await ensureDir(outDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new AppError('REPORT_WRITE_FAILED', `Could not create the report folder ${outDir}: ${code}.`, 'Choose an output folder you can write to.', {
      path: outDir,
      errno: code,
    });
  }
  const stem = join(outDir, reportFileStem(model.deploymentId));
  const files: ExportReportResult['files'] = [];
  const warnings: ErrorShape[] = [];
  const formats = [...new Set(opts.formats)];

  const progress = opts.onProgress ?? (() => undefined);
  if (formats.includes('html')) {
    progress('html', 'writing');
    await writeAtomically(`${stem}.html`, renderReportHtml(model));
    files.push({ format: 'html', path: `${stem}.html` });
    progress('html', 'written');
  }
  if (formats.includes('json')) {
    progress('json', 'writing');
    await writeAtomically(`${stem}.json`, renderReportJson(model));
    files.push({ format: 'json', path: `${stem}.json` });
    progress('json', 'written');
  }
  if (formats.includes('pdf')) {
    progress('pdf', 'writing');
    try {
      const html = renderReportHtml(model, { maxLogLines: PDF_MAX_LOG_LINES });
      if (opts.printPdf) await printAtomically(opts.printPdf, html, `${stem}.pdf`);
      else await renderPdf(html, `${stem}.pdf`, opts.pdf ?? {});
      files.push({ format: 'pdf', path: `${stem}.pdf` });
      progress('pdf', 'written');
    } catch (err) {
      progress('pdf', 'failed');
      if (!(err instanceof AppError) || !err.code.startsWith('REPORT_PDF_')) throw err;
      warnings.push(err.toShape());
    }
  }
  return { files, warnings, model };
}
