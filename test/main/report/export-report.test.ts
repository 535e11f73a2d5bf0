import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { exportReport, parseReportFormats, reportFileStem } from '../../../main/report/export-report';
import { findChromium } from '../../../main/report/render-pdf';
import { interruptedJournal, PLANTED_SECRET, STEPS, successfulJournal } from './journal-fixtures';

const scratch = mkdtempSync(join(tmpdir(), 'dr-report-export-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const noBrowser = { env: { ...process.env, DROP_RUNNER_CHROMIUM: join(scratch, 'no-such-browser') } };
const chromium = findChromium();
if (!chromium) console.warn('export-report PDF test SKIPPED: no Chromium on this machine');

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('exportReport', () => {
  it.skipIf(!chromium)('writes deployment-report-<id>.html/.json/.pdf, none holding the secret, no temp files left', async () => {
    const out = join(scratch, 'all');
    const result = await exportReport(successfulJournal({ leakSecret: true, secretInLog: true }), out, { formats: ['html', 'json', 'pdf'] });
    expect(result.warnings).toEqual([]);
    const stem = join(out, 'deployment-report-dep-20250314-2100-stmarys');
    expect(result.files).toEqual([
      { format: 'html', path: `${stem}.html` },
      { format: 'json', path: `${stem}.json` },
      { format: 'pdf', path: `${stem}.pdf` },
    ]);
    expect(readdirSync(out).sort()).toEqual(['deployment-report-dep-20250314-2100-stmarys.html', 'deployment-report-dep-20250314-2100-stmarys.json', 'deployment-report-dep-20250314-2100-stmarys.pdf']);
    const html = readFileSync(`${stem}.html`, 'utf8');
    const json = readFileSync(`${stem}.json`, 'utf8');
    const pdfText = execFileSync('pdftotext', [`${stem}.pdf`, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const text of [html, json, pdfText]) expect(text).not.toContain(PLANTED_SECRET);
    for (const s of STEPS) expect(pdfText).toContain(s.name);
    expect(JSON.parse(json).deploymentId).toBe('dep-20250314-2100-stmarys');
  });

  it('still writes HTML and JSON when no browser is available, and returns the PDF problem as a warning', async () => {
    const out = join(scratch, 'nopdf');
    const result = await exportReport(interruptedJournal(), out, { formats: ['html', 'json', 'pdf'], pdf: noBrowser });
    expect(result.files.map((f) => f.format)).toEqual(['html', 'json']);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'REPORT_PDF_UNAVAILABLE', hint: expect.stringContaining('print it to PDF') })]);
    expect(readdirSync(out).sort()).toEqual(['deployment-report-dep-20250314-2100-stmarys.html', 'deployment-report-dep-20250314-2100-stmarys.json']);
    expect(JSON.parse(readFileSync(result.files[1]!.path, 'utf8')).execution.outcome).toBe('incomplete');
  });

  it('uses the host PDF printer when given one (Electron printToPDF), with the print-sized log', async () => {
    const out = join(scratch, 'host-printer');
    const seen: Array<{ html: string; path: string }> = [];
    const result = await exportReport(interruptedJournal(), out, {
      formats: ['pdf'],
      printPdf: async (html, path) => {
        seen.push({ html, path });
        writeFileSync(path, '%PDF-1.7 host');
      },
    });
    expect(seen).toHaveLength(1);
    const final = join(out, 'deployment-report-dep-20250314-2100-stmarys.pdf');
    expect(seen[0]!.path.startsWith(`${final}.`) && seen[0]!.path.endsWith('.tmp')).toBe(true);
    expect(seen[0]!.html).toContain('<h1>Deployment report — Patient Flow 2.4.0');
    expect(result.files).toEqual([{ format: 'pdf', path: final }]);
    expect(readFileSync(final, 'utf8')).toBe('%PDF-1.7 host');
    const failing = await exportReport(interruptedJournal(), out, {
      formats: ['html', 'pdf'],
      printPdf: async () => {
        throw new AppError('REPORT_PDF_FAILED', 'printToPDF failed', 'Print the HTML instead.');
      },
    });
    expect(failing.files.map((f) => f.format)).toEqual(['html']);
    expect(failing.warnings.map((w) => w.code)).toEqual(['REPORT_PDF_FAILED']);
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces an existing report file whole', async () => {
    const out = join(scratch, 'again');
    await exportReport(successfulJournal(), out, { formats: ['json'] });
    const path = join(out, 'deployment-report-dep-20250314-2100-stmarys.json');
    writeFileSync(path, 'stale');
    await exportReport(interruptedJournal(), out, { formats: ['json'] });
    expect(JSON.parse(readFileSync(path, 'utf8')).execution.outcome).toBe('incomplete');
    expect(readdirSync(out)).toEqual(['deployment-report-dep-20250314-2100-stmarys.json']);
  });

  it('writes nothing for an invalid journal (REPORT_JOURNAL_INVALID)', async () => {
    const out = join(scratch, 'invalid');
    const e = await failure(exportReport(successfulJournal().slice(2), out, { formats: ['html'] }));
    expect(e.code).toBe('REPORT_JOURNAL_INVALID');
    expect(existsSync(out)).toBe(false);
  });

  it('REPORT_WRITE_FAILED when the output folder cannot be created', async () => {
    const file = join(scratch, 'a-file');
    writeFileSync(file, 'x');
    const e = await failure(exportReport(successfulJournal(), join(file, 'sub'), { formats: ['html'] }));
    expect(e.code).toBe('REPORT_WRITE_FAILED');
    expect(e.message).toContain(join(file, 'sub'));
  });

  it('REPORT_FORMAT_INVALID for unknown or empty formats', async () => {
    expect(parseReportFormats(' HTML, pdf ,html')).toEqual(['html', 'pdf']);
    expect(() => parseReportFormats('html,docx')).toThrow(expect.objectContaining({ code: 'REPORT_FORMAT_INVALID', message: 'Unknown report format "docx".' }));
    expect(() => parseReportFormats(',')).toThrow(expect.objectContaining({ code: 'REPORT_FORMAT_INVALID' }));
    expect((await failure(exportReport(successfulJournal(), join(scratch, 'none'), { formats: [] }))).code).toBe('REPORT_FORMAT_INVALID');
  });

  it('makes a safe file name from any deployment id', () => {
    expect(reportFileStem('dep-1.2_x')).toBe('deployment-report-dep-1.2_x');
    expect(reportFileStem('../../etc/passwd')).toBe('deployment-report-.._.._etc_passwd');
    expect(reportFileStem('a:b*c?')).toBe('deployment-report-a_b_c_');
  });
});
