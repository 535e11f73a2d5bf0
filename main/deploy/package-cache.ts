/**
 * The folder an executor reads a step's package from. A native drop names a folder inside the drop;
 * an Octopus drop names an archive (Packages/X.nupkg or .zip) whose scripts, .ispac or .dacpac paths
 * are relative to the INSIDE of the archive, so the archive is extracted once into the data folder:
 *
 *   <dataDir>/drops/<dropId>/packages/<first 32 hex of the archive's sha256>/      the extracted files
 *   <dataDir>/drops/<dropId>/packages/<…>.complete                                  marker, written last
 *
 * Never inside the user's drop folder (a folder drop is opened in place and must stay untouched).
 * Keyed by the archive's content hash as recorded when the drop was opened, so a changed archive
 * never reuses a stale extraction. Plan, preflight and run all come here; only the first extracts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { Drop, DropStep } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import { checkEntryName, printable } from '../drop/entry-name';
import { resolveLimits } from '../drop/limits';
import { extractZipSafely } from '../drop/zip-extract';
import { ensureDir } from '../platform/ensure-dir';

const ARCHIVE = /\.(nupkg|zip)$/i;
const MARKER = '.complete';
// One extraction per archive per process; concurrent callers (plan then preflight) share it.
const inFlight = new Map<string, Promise<string>>();

/** `<dataDir>/drops/<dropId>/packages`: where a drop's package archives are extracted. */
export function packagesCacheDir(dropsDir: string, dropId: string): string {
  return join(dropsDir, dropId, 'packages');
}

/**
 * The absolute folder holding a step's package files: the package folder itself, or the extracted
 * copy of a package archive. `dropsDir` is `<dataDir>/drops`; without it an archive cannot be used.
 */
export async function preparePackageRoot(drop: Drop, step: DropStep, dropsDir: string | undefined): Promise<string | undefined> {
  if (!step.package) return undefined;
  const full = resolve(drop.root, step.package);
  const rel = relative(drop.root, full);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  if (!ARCHIVE.test(full) || !isFile(full)) return full;
  if (!dropsDir) {
    throw new AppError('STEP_PACKAGE_UNAVAILABLE', `Step ${step.id}: its package ${step.package} is an archive and no data folder was given to extract it into.`, 'Run the step through the deployment manager (the app or the CLI), which extracts packages into the data folder.', { stepId: step.id });
  }
  const recorded = drop.files.find((f) => f.path.toLowerCase() === rel.split('\\').join('/').toLowerCase());
  if (!recorded) {
    throw new AppError('STEP_PACKAGE_UNAVAILABLE', `Step ${step.id}: its package ${step.package} is not among the drop's verified files.`, 'Open the drop again; if it persists, ask the vendor for a new drop.', { stepId: step.id, package: step.package });
  }
  const cache = packagesCacheDir(dropsDir, drop.id);
  const target = join(cache, recorded.sha256.slice(0, 32));
  let pending = inFlight.get(target);
  if (!pending) {
    pending = extractOnce(full, target, recorded.sha256, step).finally(() => inFlight.delete(target));
    inFlight.set(target, pending);
  }
  return pending;
}

async function extractOnce(archive: string, target: string, sha256: string, step: DropStep): Promise<string> {
  const marker = `${target}${MARKER}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === sha256 && existsSync(target)) return target;
  const cache = join(target, '..');
  await ensureDir(cache);
  // A folder without its marker is what a crash mid-extraction left: it is redone, never trusted.
  await rm(marker, { force: true });
  await rm(target, { recursive: true, force: true });
  const temp = join(cache, `.tmp-${randomBytes(8).toString('hex')}`);
  try {
    const result = await extractZipSafely(archive, temp);
    if (result.sha256 !== sha256) {
      throw new AppError('STEP_PACKAGE_CHANGED', `Step ${step.id}: the package ${basename(archive)} changed since the drop was opened (its sha256 differs).`, 'Open the drop again from the original zip or folder; do not edit a drop after opening it.', { stepId: step.id });
    }
    if (/\.nupkg$/i.test(archive)) await decodeOpcNames(temp, '');
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
  await writeFile(marker, sha256);
  return target;
}

/**
 * NuGet stores part names percent-encoded ("My%20Script.sql"); the importer lists them decoded, so the
 * files are renamed to match. A decoded name is checked again: "%2E%2E" must not become a "..".
 */
async function decodeOpcNames(root: string, prefix: string): Promise<void> {
  const limits = resolveLimits();
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const relPath = prefix ? `${prefix}/${entry.name}` : entry.name;
    let name = entry.name;
    if (name.includes('%')) {
      try {
        name = decodeURIComponent(name);
      } catch {
        // Not a valid escape: NuGet would not have written it, keep the name as it is.
      }
      if (name !== entry.name) {
        if (name.includes('/') || name.includes('\\')) throw unsafeName(relPath);
        const decoded = prefix ? `${prefix}/${name}` : name;
        try {
          checkEntryName(decoded, limits.maxPathLength);
        } catch {
          throw unsafeName(relPath);
        }
        if (existsSync(join(root, decoded))) throw unsafeName(relPath);
        await rename(join(root, relPath), join(root, decoded));
      }
    }
    if (entry.isDirectory()) await decodeOpcNames(root, prefix ? `${prefix}/${name}` : name);
  }
}

function unsafeName(path: string): AppError {
  return new AppError('DROP_UNSAFE_PATH', `The package entry "${printable(path)}" decodes to an unsafe or clashing name.`, 'Ask the vendor for a corrected package.', { entry: printable(path) });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
