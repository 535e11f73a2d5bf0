import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { renderChangeRequestHtml } from '../../../main/report/change-request';
import { chromiumPdfArgs, findChromium, renderPdf, requireChromium } from '../../../main/report/render-pdf';
import { renderReportHtml } from '../../../main/report/render-html';
import { buildReportModel } from '../../../main/report/report-model';
import { failedRetrySkipJournal, PLANTED_SECRET, STEPS, successfulJournal } from './journal-fixtures';
import { samplePlan } from './plan-fixtures';

const scratch = mkdtempSync(join(tmpdir(), 'dr-report-pdf-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const chromium = findChromium();
const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!chromium || !hasPdftotext) console.warn('render-pdf tests that need Chromium and pdftotext are SKIPPED: not installed on this machine');

/** The PDF's text with whitespace collapsed (table cells and wrapping break lines anywhere). */
function pdfText(path: string): string {
  return execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

function fakeBrowser(name: string, body: string): string {
  const path = join(scratch, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe.skipIf(!chromium || !hasPdftotext)('renderPdf with the real headless Chromium', () => {
  it('prints the report: the text holds the release, the tenant and every step, and no secret', async () => {
    const out = join(scratch, 'report.pdf');
    const html = renderReportHtml(buildReportModel(successfulJournal({ leakSecret: true, secretInLog: true })));
    // A private TMPDIR, so other test files printing at the same time cannot look like leftovers.
    const privateTmp = mkdtempSync(join(scratch, 'tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    try {
      await renderPdf(html, out);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(readdirSync(privateTmp)).toEqual([]);
    expect(readFileSync(out).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(out);
    expect(text).toContain('Deployment report — Patient Flow 2.4.0');
    expect(text).toContain("St Mary's Hospital");
    for (const s of STEPS) expect(text).toContain(s.name);
    expect(text).toContain('Appendix A');
    expect(text).not.toContain(PLANTED_SECRET);
    expect(readdirSync(scratch).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('prints a failed-and-retried run and a change request', async () => {
    const out = join(scratch, 'failed.pdf');
    await renderPdf(renderReportHtml(buildReportModel(failedRetrySkipJournal())), out);
    const text = pdfText(out);
    expect(text).toContain('SQL_BATCH_FAILED');
    expect(text).toContain('ETL is deployed by the BI team separately');
    const cr = join(scratch, 'cr.pdf');
    await renderPdf(renderChangeRequestHtml(samplePlan()), cr);
    const crText = pdfText(cr);
    expect(crText).toContain('Change request — Patient Flow 2.4.0');
    expect(crText).toContain('Approved by (name)');
    expect(crText).not.toContain(PLANTED_SECRET);
  });

  it('REPORT_WRITE_FAILED when the output folder does not exist', async () => {
    const e = await failure(renderPdf('<p>x</p>', join(scratch, 'no', 'such', 'dir', 'x.pdf')));
    expect(e.code).toBe('REPORT_WRITE_FAILED');
  });
});

describe('renderPdf failures', () => {
  it('REPORT_PDF_UNAVAILABLE when DROP_RUNNER_CHROMIUM points to a missing file, naming it', async () => {
    const env = { ...process.env, DROP_RUNNER_CHROMIUM: join(scratch, 'missing', 'chromium') };
    expect(findChromium(env)).toBeNull();
    const e = await failure(renderPdf('<p>x</p>', join(scratch, 'x.pdf'), { env }));
    expect(e.code).toBe('REPORT_PDF_UNAVAILABLE');
    expect(e.message).toContain(join(scratch, 'missing', 'chromium'));
    expect(e.hint).toContain('open the HTML report and print it to PDF');
    expect(() => requireChromium({ env })).toThrow(/DROP_RUNNER_CHROMIUM/);
    expect(existsSync(join(scratch, 'x.pdf'))).toBe(false);
  });

  it('REPORT_PDF_FAILED with the browser output when it exits non-zero', async () => {
    const exe = fakeBrowser('crashing-browser', 'echo "GPU process exploded" >&2; exit 7');
    const e = await failure(renderPdf('<p>x</p>', join(scratch, 'y.pdf'), { chromiumPath: exe }));
    expect(e.code).toBe('REPORT_PDF_FAILED');
    expect(e.message).toContain('exit 7');
    expect(e.message).toContain('GPU process exploded');
  });

  it('REPORT_PDF_FAILED when the browser exits cleanly without writing a PDF', async () => {
    const e = await failure(renderPdf('<p>x</p>', join(scratch, 'z.pdf'), { chromiumPath: fakeBrowser('lazy-browser', 'exit 0') }));
    expect(e.code).toBe('REPORT_PDF_FAILED');
    expect(e.message).toContain('without writing a PDF');
  });

  it('REPORT_PDF_FAILED when the browser hangs past the timeout, and it is stopped', async () => {
    const marker = join(scratch, 'hang.pid');
    const exe = fakeBrowser('hanging-browser', `echo $$ > "${marker}"; exec sleep 30`);
    const e = await failure(renderPdf('<p>x</p>', join(scratch, 'w.pdf'), { chromiumPath: exe, timeoutMs: 300 }));
    expect(e.code).toBe('REPORT_PDF_FAILED');
    expect(e.message).toContain('did not finish');
    const pid = Number(readFileSync(marker, 'utf8'));
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });

  it('REPORT_PDF_UNAVAILABLE when an explicit browser path does not exist', async () => {
    const e = await failure(renderPdf('<p>x</p>', join(scratch, 'v.pdf'), { chromiumPath: join(scratch, 'nope.exe') }));
    expect(e.code).toBe('REPORT_PDF_UNAVAILABLE');
  });

  it('runs the browser offline and without a profile: the documented flags', () => {
    const args = chromiumPdfArgs('/tmp/r/report.html', '/tmp/r/report.pdf', '/tmp/r/profile');
    for (const flag of ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-pdf-header-footer']) {
      expect(args).toContain(flag);
    }
    expect(args).toContain('--user-data-dir=/tmp/r/profile');
    expect(args).toContain('--print-to-pdf=/tmp/r/report.pdf');
    expect(args.at(-1)).toBe('file:///tmp/r/report.html');
  });
});
