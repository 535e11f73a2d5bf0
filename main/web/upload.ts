import { randomBytes } from 'node:crypto';
import { createWriteStream, readdirSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../common/errors';
import { ensureDirSync } from '../platform/ensure-dir';

/** Largest drop the browser host accepts by upload; the path field has no such limit. */
export const MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

/**
 * Stores a dropped file's bytes under <data>/uploads/<random>/ so the engine can open it by path, exactly
 * as it would a file the Electron shell names. Only the base name is kept, so a crafted name cannot escape.
 */
export async function receiveUpload(req: IncomingMessage, dataDir: string, rawName: string | null): Promise<string> {
  const name = basename((rawName ?? '').replace(/[\\/]/g, '_')).replace(/[^\w.\- ()]/g, '_').slice(0, 120);
  if (!name || name === '.' || name === '..') throw new AppError('UPLOAD_INVALID', 'The dropped file has no usable name.', 'Rename the file to something like release.zip and try again.');
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > MAX_UPLOAD_BYTES) throw new AppError('UPLOAD_TOO_LARGE', `The file is ${declared} bytes; uploads are limited to ${MAX_UPLOAD_BYTES}.`, 'Type the path of the drop into the path field instead.');
  const folder = join(dataDir, 'uploads', randomBytes(8).toString('hex'));
  ensureDirSync(folder);
  const target = join(folder, name);
  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_UPLOAD_BYTES) req.destroy(new Error('upload exceeds the limit'));
  });
  try {
    await pipeline(req, createWriteStream(target, { flags: 'wx' }));
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw new AppError('UPLOAD_FAILED', `The upload did not complete: ${(error as Error).message}.`, 'Try again, or type the path of the drop into the path field.');
  }
  return target;
}

/** How long an uploaded copy is kept; the drop it held has long been extracted and verified by then. */
export const UPLOAD_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Removes uploads older than the retention period (called when the browser host starts). */
export function removeOldUploads(dataDir: string, now = Date.now()): number {
  const root = join(dataDir, 'uploads');
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 0;
  }
  for (const name of names) {
    const folder = join(root, name);
    try {
      if (now - statSync(folder).mtimeMs > UPLOAD_RETENTION_MS) {
        rmSync(folder, { recursive: true, force: true });
        removed++;
      }
    } catch {
      // Already gone (another host instance cleaned it); nothing to do.
    }
  }
  return removed;
}
