import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir } from '../platform/ensure-dir';

/**
 * Layout of extracted drops in the data folder: `<dataDir>/drops/<id>/files/`. Extraction goes to
 * `<dataDir>/drops/.tmp-<random>` and is renamed into place only once everything checked out.
 */
export const DROPS_FOLDER = 'drops';
const TEMP_PREFIX = '.tmp-';
const OLD_PREFIX = '.old-';
// Leftovers of a crashed open are removed on a later open; a day keeps concurrent opens safe.
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** `<dataDir>/drops`. */
export function dropsDir(dataDir: string): string {
  return join(dataDir, DROPS_FOLDER);
}

/** The folder that holds one opened drop's verified files. */
export function dropFilesDir(dataDir: string, id: string): string {
  return join(dropsDir(dataDir), id, 'files');
}

/** A fresh temporary path under drops/ (not created: extractZipSafely creates it). */
export async function newTempPath(dataDir: string): Promise<string> {
  await ensureDir(dropsDir(dataDir));
  return join(dropsDir(dataDir), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
}

/** Removes temp folders that a crashed or killed open left behind more than a day ago. */
export async function removeStaleTemps(dataDir: string, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dropsDir(dataDir));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(TEMP_PREFIX) && !name.startsWith(OLD_PREFIX)) continue;
    const full = join(dropsDir(dataDir), name);
    try {
      if (now - (await stat(full)).mtimeMs > STALE_AFTER_MS) await rm(full, { recursive: true, force: true });
    } catch {
      // Another process may be removing it at the same moment; nothing to do.
    }
  }
}

/**
 * Moves a verified temp folder to `drops/<id>/files`. The same zip opened again has the same id: when the
 * kept copy still holds exactly the verified files (`keepsExisting`), it stays and the new extraction is
 * discarded — a deployment running from it is never left without its folder, even for the moment between
 * two renames, and on Windows a file it holds open cannot make the re-open fail. A kept copy altered
 * since is replaced by the verified content. Two opens of the
 * same drop may commit at the same moment (two windows, the CLI beside the app): when our move-in finds
 * a copy that arrived after we set the old one aside, that copy was verified just now by the other
 * open and is the same drop, so it is kept and ours is dropped.
 */
export async function commitTemp(dataDir: string, tempPath: string, id: string, keepsExisting?: (existing: string) => Promise<boolean>): Promise<string> {
  const target = dropFilesDir(dataDir, id);
  await ensureDir(join(dropsDir(dataDir), id));
  if (keepsExisting && (await keepsExisting(target).catch(() => false))) {
    await rm(tempPath, { recursive: true, force: true });
    return target;
  }
  let old: string | undefined = join(dropsDir(dataDir), `${OLD_PREFIX}${randomBytes(8).toString('hex')}`);
  try {
    await rename(target, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    old = undefined;
  }
  try {
    await rename(tempPath, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
    await rm(tempPath, { recursive: true, force: true });
  } finally {
    if (old) await rm(old, { recursive: true, force: true });
  }
  return target;
}

/** A folder name that is readable and stable: project, version and the first 12 hex of a content hash. */
export function makeDropId(projectId: string, version: string, contentSha256: string): string {
  const slug = (s: string): string =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9.-]+/g, '-')
      .slice(0, 40)
      .replace(/^[-.]+|[-.]+$/g, '') || 'x';
  return `${slug(projectId)}-${slug(version)}-${contentSha256.slice(0, 12)}`;
}
