import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Finds the built UI: next to the bundled host (dist/renderer) or, from sources, the repo's dist/renderer. */
export function locateRendererDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'renderer'), join(here, '..', '..', 'dist', 'renderer'), join(here, '..', '..', '..', 'dist', 'renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** Serves one file of the built UI; any path that escapes the folder or does not exist falls back to index.html. */
export function serveStatic(rendererDir: string, urlPath: string, res: ServerResponse, securityHeaders: Record<string, string>): void {
  const root = resolve(rendererDir);
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    // `/%zz` and friends: the client sent a malformed path, which is a bad request, not a server fault.
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...securityHeaders });
    res.end('Bad request: the path is not valid percent-encoding.\n');
    return;
  }
  if (relative === '/' || relative === '') relative = '/index.html';
  let file = resolve(root, '.' + normalize(relative));
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) file = join(root, 'index.html');
  res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache', ...securityHeaders });
  createReadStream(file).pipe(res);
}
