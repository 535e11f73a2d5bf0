import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDir, ensureDirSync } from '../../../main/platform/ensure-dir';
import { scratchDirs } from '../../support/scratch-dir';

const scratchFolders = scratchDirs('dr-ensure-dir');
const scratch = scratchFolders.make;
afterEach(scratchFolders.removeAll);

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
  return undefined;
};

describe('ensureDirSync / ensureDir', () => {
  it('make every missing level, and accept a folder that exists', async () => {
    const root = scratch();
    ensureDirSync(join(root, 'a', 'b', 'c'));
    expect(statSync(join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
    ensureDirSync(join(root, 'a', 'b', 'c'));
    await ensureDir(join(root, 'x', 'y'));
    expect(statSync(join(root, 'x', 'y')).isDirectory()).toBe(true);
    await ensureDir(join(root, 'x', 'y'));
  });

  it('throw the first real failure: a path through a file is ENOTDIR', async () => {
    const root = scratch();
    writeFileSync(join(root, 'file'), 'x');
    expect(codeOf(() => ensureDirSync(join(root, 'file', 'sub', 'deeper')))).toBe('ENOTDIR');
    expect(codeOf(() => ensureDirSync(join(root, 'file')))).toBe('ENOTDIR');
    await expect(ensureDir(join(root, 'file'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    await expect(ensureDir(join(root, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(existsSync(join(root, 'file', 'sub'))).toBe(false);
  });

  it.runIf(process.platform === 'linux')('fail under /proc with ENOENT instead of looping (Node’s recursive mkdir never returns there)', async () => {
    expect(codeOf(() => ensureDirSync('/proc/drop-runner-test/a/b'))).toBe('ENOENT');
    await expect(ensureDir('/proc/drop-runner-test/a')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
