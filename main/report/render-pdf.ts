/**
 * PDF through a locally installed Chromium or Edge in headless mode, for the CLI and the browser host
 * (the Electron shell uses webContents.printToPDF on the same HTML instead). Hospital VMs nearly always
 * have Edge; when no browser is found the caller gets REPORT_PDF_UNAVAILABLE and can still hand out
 * the HTML, which prints to PDF from any browser.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError } from '../../common/errors';
import { CHROMIUM_ENV, findChromium } from '../platform/find-chromium';
import { isExecutableFile as isFile } from '../platform/find-executable';

const UNAVAILABLE_HINT = 'Install Chromium or Microsoft Edge (or set DROP_RUNNER_CHROMIUM to its executable), or open the HTML report and print it to PDF.';

export interface ChromiumLookupOptions {
  env?: NodeJS.ProcessEnv;
}

// The platform module owns the lookup (doctor and diagnostics use the same one); re-exported for callers of the report.
export { findChromium };

/** Distribution paths checked when PATH is stripped (services, desktop launchers); the platform lookup walks PATH. */
const FIXED_UNIX_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

function lookUp(env: NodeJS.ProcessEnv): string | null {
  const found = findChromium(env);
  if (found || env[CHROMIUM_ENV] || process.platform === 'win32') return found;
  return FIXED_UNIX_PATHS.find(isFile) ?? null;
}

/** Like findChromium, but throws REPORT_PDF_UNAVAILABLE saying what was looked for. */
export function requireChromium(opts: ChromiumLookupOptions = {}): string {
  const env = opts.env ?? process.env;
  const found = lookUp(env);
  if (found) return found;
  const configured = env[CHROMIUM_ENV];
  if (configured) {
    throw new AppError(
      'REPORT_PDF_UNAVAILABLE',
      `PDF export needs Chromium or Edge, but DROP_RUNNER_CHROMIUM points to "${configured}", which does not exist or is not an executable file.`,
      `Correct or unset DROP_RUNNER_CHROMIUM. ${UNAVAILABLE_HINT}`,
      { configured },
    );
  }
  throw new AppError(
    'REPORT_PDF_UNAVAILABLE',
    'PDF export needs Chromium, Google Chrome or Microsoft Edge, and none was found in the standard install locations.',
    UNAVAILABLE_HINT,
  );
}

export interface RenderPdfOptions extends ChromiumLookupOptions {
  /** Use this browser executable instead of looking one up. */
  chromiumPath?: string;
  /** Kill the browser after this long; default 60 s (a long log appendix takes a while to lay out). */
  timeoutMs?: number;
}

/** The exact headless command line: no network, no profile, no sync, no header/footer added by the browser. */
export function chromiumPdfArgs(htmlPath: string, pdfPath: string, userDataDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    `--user-data-dir=${userDataDir}`,
    '--no-pdf-header-footer',
    `--print-to-pdf=${pdfPath}`,
    pathToFileURL(htmlPath).href,
  ];
}

function runBrowser(exe: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    let settled = false;
    const detached = process.platform !== 'win32';
    const child = spawn(exe, args, { stdio: ['ignore', 'ignore', 'pipe'], detached, windowsHide: true });
    const killTree = (): void => {
      try {
        // The browser forks renderer and GPU helpers; killing the group leaves none behind.
        if (detached && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const settle = (err?: AppError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      killTree();
      settle(
        new AppError(
          'REPORT_PDF_FAILED',
          `The browser (${exe}) did not finish printing the PDF within ${Math.round(timeoutMs / 1000)} s and was stopped.`,
          'Try again; if it keeps happening, open the HTML report and print it to PDF from the browser.',
          { exe, timeoutMs },
        ),
      );
    }, timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      settle(
        new AppError('REPORT_PDF_UNAVAILABLE', `The browser at ${exe} could not be started: ${err.code ?? err.message}.`, UNAVAILABLE_HINT, {
          exe,
          errno: err.code,
        }),
      );
    });
    child.on('exit', (code, signal) => {
      if (code === 0) return settle();
      const tail = stderr.trim().split('\n').slice(-5).join('\n');
      settle(
        new AppError(
          'REPORT_PDF_FAILED',
          `The browser (${exe}) failed to print the PDF (exit ${code ?? signal}).${tail ? ` Last output: ${tail}` : ''}`,
          'Open the HTML report and print it to PDF from the browser, and send the diagnostics to the vendor.',
          { exe, exitCode: code, signal },
        ),
      );
    });
  });
}

async function looksLikePdf(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(5);
    await fh.read(buf, 0, 5, 0);
    return buf.toString('latin1') === '%PDF-';
  } finally {
    await fh.close();
  }
}

/** Prints the HTML to a PDF at outPath with headless Chromium/Edge; REPORT_PDF_UNAVAILABLE / REPORT_PDF_FAILED on failure. */
export async function renderPdf(html: string, outPath: string, opts: RenderPdfOptions = {}): Promise<void> {
  const exe = opts.chromiumPath ?? requireChromium(opts);
  if (opts.chromiumPath && !isFile(opts.chromiumPath)) {
    throw new AppError('REPORT_PDF_UNAVAILABLE', `The browser executable "${opts.chromiumPath}" does not exist.`, UNAVAILABLE_HINT, {
      configured: opts.chromiumPath,
    });
  }
  // Checked first so a wrong folder fails in milliseconds, not after the browser has laid out the document.
  if (!existsSync(dirname(outPath))) {
    throw new AppError('REPORT_WRITE_FAILED', `Could not write the PDF to ${outPath}: the folder does not exist.`, 'Choose an output folder that exists and that you can write to.', {
      path: outPath,
    });
  }
  const work = await mkdtemp(join(tmpdir(), 'drop-runner-pdf-'));
  try {
    const htmlPath = join(work, 'report.html');
    const pdfPath = join(work, 'report.pdf');
    await writeFile(htmlPath, html, 'utf8');
    await runBrowser(exe, chromiumPdfArgs(htmlPath, pdfPath, join(work, 'profile')), opts.timeoutMs ?? 60_000);
    if (!(await looksLikePdf(pdfPath))) {
      throw new AppError(
        'REPORT_PDF_FAILED',
        `The browser (${exe}) exited without writing a PDF.`,
        'Open the HTML report and print it to PDF from the browser, and send the diagnostics to the vendor.',
        { exe },
      );
    }
    // Copy next to the target first, then rename: a reader never sees half a PDF, and the temp dir
    // may be on another volume than the output folder.
    const staging = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.${Date.now()}.tmp`);
    try {
      await copyFile(pdfPath, staging);
      await rename(staging, outPath);
    } catch (err) {
      await rm(staging, { force: true });
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      throw new AppError('REPORT_WRITE_FAILED', `Could not write the PDF to ${outPath}: ${code}.`, 'Choose an output folder that exists and that you can write to, and check the free disk space.', {
        path: outPath,
        errno: code,
      });
    }
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}
