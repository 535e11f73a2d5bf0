/**
 * Creates a folder and its missing parents, one level at a time. Node's own `mkdir(…, { recursive: true })`
 * never returns on some file systems (under Linux's /proc it loops forever, burning a core), so a bad
 * --data-dir would hang the app instead of failing; here every level is one plain mkdir, at most as
 * many as the path is deep, and the first real failure is thrown with its code (ENOENT, EACCES, ENOTDIR…).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The folders from `dir` up to (not including) its first existing ancestor, outermost first. */
function missingLevels(dir: string, exists: (path: string) => boolean): string[] {
  const missing: string[] = [];
  let current = resolve(dir);
  while (!exists(current)) {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return missing.reverse();
}

/** What mkdir says when a file, not a folder, has the name. */
function notAFolder(dir: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', path: dir, syscall: 'mkdir' });
}

function alreadyThere(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'EEXIST';
}

/** Synchronous: for start-up and small writes. */
export function ensureDirSync(dir: string): void {
  for (const level of missingLevels(dir, existsSync)) {
    try {
      mkdirSync(level);
    } catch (error) {
      // Another process may have made it meanwhile; anything else is the real answer.
      if (!alreadyThere(error)) throw error;
    }
  }
  if (!statSync(dir).isDirectory()) throw notAFolder(dir);
}

/**
 * For async callers (extraction, export). The walk is a few stat/mkdir calls, made once per folder,
 * so it runs synchronously rather than as a second copy of the same loop.
 */
export async function ensureDir(dir: string): Promise<void> {
  ensureDirSync(dir);
}
