import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultExportPath, writeExportFile } from '../../../main/tenants/export-file';
import { codeOf } from '../../support/app-error-code';
import { scratchDirs } from '../../support/scratch-dir';

const scratchFolders = scratchDirs('dr-export-file');
const scratch = scratchFolders.make;
afterEach(scratchFolders.removeAll);

describe('defaultExportPath', () => {
  it('names the file after the tenant and the day, and never an existing file', () => {
    const dir = scratch();
    const day = new Date('2026-11-26T10:00:00Z');
    const first = defaultExportPath(dir, 'st-brigids', day);
    expect(first).toBe(join(dir, 'st-brigids-2026-11-26.drtenant'));
    writeFileSync(first, 'earlier export');
    const second = defaultExportPath(dir, 'st-brigids', day);
    expect(second).toBe(join(dir, 'st-brigids-2026-11-26-2.drtenant'));
    writeFileSync(second, 'another');
    expect(defaultExportPath(dir, 'st-brigids', day)).toBe(join(dir, 'st-brigids-2026-11-26-3.drtenant'));
  });
});

describe('writeExportFile', () => {
  it('writes a new file readable only by its owner, creating the folder', () => {
    const target = join(scratch(), 'sub', 'x.drtenant');
    writeExportFile(target, Buffer.from('payload'));
    expect(readFileSync(target, 'utf8')).toBe('payload');
    if (process.platform !== 'win32') expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('refuses to replace an existing file with TENANT_EXPORT_EXISTS and leaves it untouched', () => {
    const dir = scratch();
    const target = join(dir, 'x.drtenant');
    writeFileSync(target, 'the only copy');
    expect(codeOf(() => writeExportFile(target, Buffer.from('new')))).toBe('TENANT_EXPORT_EXISTS');
    expect(readFileSync(target, 'utf8')).toBe('the only copy');
    expect(readdirSync(dir)).toEqual(['x.drtenant']);
  });

  it('replaces it when asked to, leaving no temporary file', () => {
    const dir = scratch();
    const target = join(dir, 'x.drtenant');
    writeFileSync(target, 'old');
    writeExportFile(target, Buffer.from('new'), { overwrite: true });
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['x.drtenant']);
  });

  it('a folder that cannot be made is TENANT_EXPORT_WRITE_FAILED and leaves nothing', () => {
    // A path through a file fails for every user (root ignores permission bits, so chmod would not).
    const dir = scratch();
    writeFileSync(join(dir, 'file'), 'x');
    expect(codeOf(() => writeExportFile(join(dir, 'file', 'x.drtenant'), Buffer.from('p')))).toBe('TENANT_EXPORT_WRITE_FAILED');
    expect(codeOf(() => writeExportFile(join(dir, 'file', 'x.drtenant'), Buffer.from('p'), { overwrite: true }))).toBe('TENANT_EXPORT_WRITE_FAILED');
    expect(readdirSync(dir)).toEqual(['file']);
  });
});
