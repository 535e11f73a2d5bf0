import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DropFile } from '../../common/drop-model';
import { dropError } from './drop-errors';
import { checkEntryName, EntryRegistry, printable } from './entry-name';
import { hashFile } from './hashing';
import { resolveLimits, type DropLimits } from './limits';
import { compareStrings } from './zip-extract';

/** Every regular file under a folder, hashed in place, after the same name and kind checks as a zip. */
export interface FolderHashResult {
  files: DropFile[];
  directories: string[];
  totalSize: number;
}

/**
 * Walks an already extracted drop folder without following links: every name must pass the zip
 * entry checks, symlinks and devices are refused, and the limits apply. Nothing is written.
 */
export async function hashFolderSafely(dir: string, limitsIn?: Partial<DropLimits>): Promise<FolderHashResult> {
  const limits = resolveLimits(limitsIn);
  const registry = new EntryRegistry();
  const found: Array<{ path: string; size: number }> = [];
  const directories: string[] = [];
  let totalSize = 0;
  let count = 0;

  const walk = async (relDir: string): Promise<void> => {
    const names = (await readdir(relDir ? join(dir, relDir) : dir)).sort(compareStrings);
    for (const name of names) {
      const rel = relDir ? `${relDir}/${name}` : name;
      count++;
      if (count > limits.maxEntries) {
        throw dropError('DROP_TOO_MANY_ENTRIES', `The folder holds more than ${limits.maxEntries} entries.`, { limit: limits.maxEntries });
      }
      const info = await lstat(join(dir, rel));
      if (info.isSymbolicLink() || (!info.isFile() && !info.isDirectory())) {
        throw dropError('DROP_SPECIAL_ENTRY', `"${printable(rel)}" is a ${info.isSymbolicLink() ? 'symbolic link' : 'device or other special file'}.`, {
          entry: printable(rel),
        });
      }
      const checked = checkEntryName(info.isDirectory() ? `${rel}/` : rel, limits.maxPathLength);
      registry.add(checked);
      if (info.isDirectory()) {
        directories.push(checked.path);
        await walk(rel);
        continue;
      }
      if (info.size > limits.maxFileSize) {
        throw dropError('DROP_TOO_LARGE', `"${rel}" is ${info.size} bytes; the limit for one file is ${limits.maxFileSize}.`, { entry: rel, limit: limits.maxFileSize });
      }
      totalSize += info.size;
      if (totalSize > limits.maxTotalSize) {
        throw dropError('DROP_TOO_LARGE', `The folder holds more than ${limits.maxTotalSize} bytes (reached at "${rel}").`, { entry: rel, limit: limits.maxTotalSize });
      }
      found.push({ path: checked.path, size: info.size });
    }
  };
  try {
    await walk('');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw dropError('DROP_NOT_FOUND', `Cannot read the folder "${dir}": ${(error as Error).message}`, { path: dir });
    }
    throw error;
  }
  const files: DropFile[] = [];
  for (const file of found) {
    const { sha256, size } = await hashFile(join(dir, file.path));
    files.push({ path: file.path, size, sha256 });
  }
  files.sort((a, b) => compareStrings(a.path, b.path));
  return { files, directories: directories.sort(compareStrings), totalSize };
}
