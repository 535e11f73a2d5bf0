import { BrowserWindow } from 'electron';
import { writeFile } from 'node:fs/promises';
import { AppError } from '../../common/errors';

/**
 * Prints a report's HTML to PDF with Electron's own Chromium: an invisible window with JavaScript off
 * (the report needs none), loaded from a data URL so nothing touches disk or network before printing.
 */
export async function printHtmlToPdf(html: string, outPath: string): Promise<void> {
  const window = new BrowserWindow({
    show: false,
    webPreferences: {
      javascript: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      navigateOnDragDrop: false,
      // The window is never shown, but its links must not be able to open windows either (Electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  try {
    await window.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
    const pdf = await window.webContents.printToPDF({ printBackground: true, pageSize: 'A4', preferCSSPageSize: true });
    await writeFile(outPath, pdf);
  } catch (error) {
    throw new AppError('REPORT_PDF_FAILED', `Printing the report to PDF failed: ${(error as Error).message}.`, 'Export the HTML report and print it from a browser instead.');
  } finally {
    window.destroy();
  }
}
