/**
 * The disk the opened drops take: each zip's verified copy, its extracted packages and its model
 * live in `<dataDir>/drops/<id>/`, and a hospital VM keeps every release it ever received unless
 * someone removes them. Removing a drop's copy is always safe for finished deployments — reports
 * are built from journals alone — but not while a deployment of it runs or can still be resumed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RecentDrop, StoredDrop } from '../../common/contract';
import { AppError } from '../../common/errors';
import { dropsDir } from './drop-store';

/** Drop folders are named by their id; `.tmp-*` and `.old-*` are open/remove leftovers, not drops. */
const DROP_FOLDER = /^[\w][\w.-]*$/;

/** Bytes under a folder, without following links (a link out of the data folder is not ours to count). */
export function folderBytes(path: string): number {
  let total = 0;
  const stack = [path];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else {
        try {
          total += lstatSync(full).size;
        } catch {
          // Removed while we counted: it takes no space any more.
        }
      }
    }
  }
  return total;
}

function modelFacts(folder: string): { project?: string; release?: string } {
  try {
    const model = JSON.parse(readFileSync(join(folder, 'drop-model.json'), 'utf8')) as { project?: { name?: unknown }; release?: { version?: unknown } };
    return {
      ...(typeof model.project?.name === 'string' ? { project: model.project.name } : {}),
      ...(typeof model.release?.version === 'string' ? { release: model.release.version } : {}),
    };
  } catch {
    // A folder whose model is missing or damaged still takes space and can still be removed.
    return {};
  }
}

/** Every drop kept in the data folder, largest first, with why any of them must stay for now. */
export function listStoredDrops(dataDir: string, recent: readonly RecentDrop[], keptBecause: (dropId: string) => string | undefined): StoredDrop[] {
  const root = dropsDir(dataDir);
  if (!existsSync(root)) return [];
  const opened = new Map(recent.map((r) => [r.dropId, r]));
  const out: StoredDrop[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || !DROP_FOLDER.test(entry.name)) continue;
    const folder = join(root, entry.name);
    const facts = modelFacts(folder);
    const seen = opened.get(entry.name);
    const kept = keptBecause(entry.name);
    out.push({
      dropId: entry.name,
      project: facts.project ?? seen?.project ?? 'unknown project',
      release: facts.release ?? seen?.release ?? 'unknown release',
      ...(seen ? { openedAt: seen.openedAt } : {}),
      bytes: folderBytes(folder),
      ...(kept ? { keptBecause: kept } : {}),
    });
  }
  return out.sort((a, b) => b.bytes - a.bytes || a.dropId.localeCompare(b.dropId));
}

/**
 * Removes one drop's folder. It is first renamed aside in one step, so the drop is either whole or
 * gone — never half there for a plan to trip over; a leftover the OS would not let go of (a file
 * held open on Windows) is swept later by the open-time cleanup. Returns the bytes freed.
 */
export function removeStoredDrop(dataDir: string, dropId: string, keptBecause: string | undefined): number {
  const folder = join(dropsDir(dataDir), dropId);
  if (!DROP_FOLDER.test(dropId) || !existsSync(folder)) {
    throw new AppError('DROP_NOT_FOUND', `The drop "${dropId}" is not stored on this machine.`, 'Refresh the list of stored drops; it may have been removed already.', { dropId });
  }
  if (keptBecause) {
    throw new AppError('DROP_IN_USE', `The drop "${dropId}" was kept: ${keptBecause}.`, 'Finish or resume that deployment first (Home → Recent deployments), then remove the drop.', { dropId });
  }
  const bytes = folderBytes(folder);
  const aside = join(dropsDir(dataDir), `.old-${randomBytes(8).toString('hex')}`);
  try {
    renameSync(folder, aside);
  } catch (error) {
    throw new AppError('DROP_REMOVE_FAILED', `The drop "${dropId}" could not be removed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Nothing was removed.`, 'Close any program that has a file of this drop open (an Explorer window, an editor), then try again.', { dropId });
  }
  try {
    rmSync(aside, { recursive: true, force: true });
  } catch {
    // Already out of the drop's place; the open-time sweep of .old-* folders finishes the job.
  }
  return bytes;
}
