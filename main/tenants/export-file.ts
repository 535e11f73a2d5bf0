/**
 * Where a tenant export lands. An export may be the only copy of a hospital's values (or carry its
 * secrets), so writing one never replaces another file unless the engineer asked for exactly that.
 */
import { closeSync, existsSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../common/errors';
import { ensureDirSync } from '../platform/ensure-dir';

/** `<dir>/<tenant>-<yyyy-mm-dd>.drtenant`, or `…-2`, `…-3` when that name is taken. */
export function defaultExportPath(dir: string, tenantId: string, now: Date = new Date()): string {
  const stem = `${tenantId}-${now.toISOString().slice(0, 10)}`;
  for (let n = 1; ; n++) {
    const candidate = join(dir, `${stem}${n === 1 ? '' : `-${n}`}.drtenant`);
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * Writes the export file, readable only by this user. Without `overwrite` an existing file is
 * refused with TENANT_EXPORT_EXISTS; with it, the old file is replaced only once the new one is whole.
 * A failed write leaves nothing behind.
 */
export function writeExportFile(target: string, data: Buffer, options: { overwrite?: boolean } = {}): void {
  try {
    ensureDirSync(dirname(target));
  } catch (error) {
    throw writeFailed(target, error);
  }
  if (options.overwrite) {
    const temp = `${target}.${process.pid}.tmp`;
    try {
      writeWhole(temp, data, 'w');
      renameSync(temp, target);
    } catch (error) {
      removeQuietly(temp);
      throw writeFailed(target, error);
    }
    return;
  }
  try {
    // 'wx' creates the file only if it does not exist, in one step: no window for another writer.
    writeWhole(target, data, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new AppError('TENANT_EXPORT_EXISTS', `${target} already exists; it was left as it is and nothing was exported.`, 'Choose another file name, or move the existing file away first (the CLI also accepts --overwrite).', { path: target });
    }
    throw writeFailed(target, error);
  }
}

function writeWhole(path: string, data: Buffer, flag: 'w' | 'wx'): void {
  const fd = openSync(path, flag, 0o600);
  let created = true;
  try {
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
    created = false;
  } finally {
    closeSync(fd);
    // A half-written export is worse than none: it would fail to import far from here.
    if (created) removeQuietly(path);
  }
}

/** Best-effort cleanup that must not hide the error being reported. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was there to remove (or the path cannot exist at all).
  }
}

function writeFailed(target: string, error: unknown): AppError {
  return new AppError('TENANT_EXPORT_WRITE_FAILED', `Cannot write ${target}: ${(error as Error).message}`, 'Choose a folder you can write to (and check the disk is not full).', { path: target });
}
