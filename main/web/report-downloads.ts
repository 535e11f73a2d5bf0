/**
 * Report files offered as downloads by the browser host. A page cannot open a path on the server, so
 * each file that `report.export` wrote through this host gets an opaque random key, and
 * `GET /api/download/<key>` (token-checked like every /api/ request) serves exactly that file as an
 * attachment — never a path taken from the request, so nothing else on disk can be fetched.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { ExportedFile } from '../../common/contract';

/** Keys kept per host process; the oldest are forgotten first (a page re-exports to get new ones). */
const MAX_KEYS = 500;

const CONTENT_TYPES: Record<ExportedFile['format'], string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  pdf: 'application/pdf',
};

export class ReportDownloads {
  private readonly files = new Map<string, ExportedFile>();

  /** Registers the exported files and returns them with their download URLs. */
  offer(files: readonly ExportedFile[]): ExportedFile[] {
    return files.map((file) => {
      const key = randomBytes(18).toString('base64url');
      this.files.set(key, { format: file.format, path: file.path });
      while (this.files.size > MAX_KEYS) this.files.delete(this.files.keys().next().value!);
      return { ...file, download: `/api/download/${key}` };
    });
  }

  /** Streams the file of a key as an attachment; 404 for an unknown key or a file removed since. */
  async serve(key: string, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    const file = this.files.get(key);
    const size = file ? await stat(file.path).then((s) => (s.isFile() ? s.size : -1), () => -1) : -1;
    if (!file || size < 0) {
      res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
      res.end(JSON.stringify({ ok: false, error: { code: 'DOWNLOAD_NOT_FOUND', message: 'This report file is no longer available.', hint: 'Export the report again.' } }));
      return;
    }
    // The name is ours (report-<deployment id>.<ext>); still keep only safe characters in the header.
    const name = basename(file.path).replace(/[^\w.-]/g, '_');
    res.writeHead(200, {
      ...headers,
      'Content-Type': CONTENT_TYPES[file.format],
      'Content-Length': String(size),
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    });
    await new Promise<void>((resolve) => {
      const stream = createReadStream(file.path);
      stream.once('error', () => {
        res.destroy();
        resolve();
      });
      stream.once('end', resolve);
      stream.pipe(res);
    });
  }
}
