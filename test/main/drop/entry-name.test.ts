import { describe, expect, it } from 'vitest';
import { checkEntryName, EntryRegistry, windowsKey } from '../../../main/drop/entry-name';
import { entryKind } from '../../../main/drop/entry-attributes';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('checkEntryName', () => {
  it('accepts ordinary relative names and normalises backslashes', () => {
    expect(checkEntryName('packages/ssis/ClinicalFeeds.ispac', 180)).toEqual({ path: 'packages/ssis/ClinicalFeeds.ispac', isDirectory: false });
    expect(checkEntryName('Calamari\\Calamari.exe', 180)).toEqual({ path: 'Calamari/Calamari.exe', isDirectory: false });
    expect(checkEntryName('Packages/', 180)).toEqual({ path: 'Packages', isDirectory: true });
    expect(checkEntryName('My Offline Drop Target.OctoFX.Deployments-2.ps1', 180).path).toBe('My Offline Drop Target.OctoFX.Deployments-2.ps1');
    expect(checkEntryName('Packages/OctoFX@S3.0.298@B47863CDE8E3F24E95873F4B59FE990E.nupkg', 180).isDirectory).toBe(false);
  });

  it.each([
    ['', 'empty'],
    ['/etc/passwd', 'absolute'],
    ['\\\\server\\share\\x', 'UNC'],
    ['c:evil.txt', 'drive-relative'],
    ['D:\\evil.txt', 'drive'],
    ['a/../../x', 'traversal'],
    ['..', 'bare parent'],
    ['a\\..\\..\\x', 'backslash traversal'],
    ['a/./b', 'dot segment'],
    ['a//b', 'empty segment'],
    ['a\u0000b', 'NUL'],
    ['a\u001fb', 'control'],
    ['a/b.txt ', 'trailing space'],
    ['a/nul', 'device'],
    ['LPT1.log', 'device with extension'],
    ['a/b|c', 'pipe'],
    ['a/b?c', 'question mark'],
    [`a/${'é'.repeat(130)}`, 'segment over 255 bytes'],
  ])('refuses %j (%s)', (name) => {
    expect(codeOf(() => checkEntryName(name, 400))).toBe('DROP_UNSAFE_PATH');
  });

  it('refuses a path over the configured length', () => {
    expect(codeOf(() => checkEntryName(`${'x'.repeat(181)}`, 180))).toBe('DROP_UNSAFE_PATH');
    expect(codeOf(() => checkEntryName(`${'x'.repeat(181)}`, 200))).toBeUndefined();
  });
});

describe('EntryRegistry', () => {
  it('treats names that differ only in case (or Unicode normal form) as the same file', () => {
    const registry = new EntryRegistry();
    registry.add({ path: 'sql/Caf\u00e9.sql', isDirectory: false });
    expect(codeOf(() => registry.add({ path: 'SQL/CAFE\u0301.SQL', isDirectory: false }))).toBe('DROP_DUPLICATE_ENTRY');
    expect(windowsKey('a/B')).toBe(windowsKey('A/b'));
  });

  it('allows a folder entry repeated but not a file used as a folder', () => {
    const registry = new EntryRegistry();
    registry.add({ path: 'sql', isDirectory: true });
    registry.add({ path: 'SQL', isDirectory: true });
    registry.add({ path: 'sql/a.sql', isDirectory: false });
    expect(codeOf(() => registry.add({ path: 'sql/a.sql/b', isDirectory: false }))).toBe('DROP_DUPLICATE_ENTRY');
    expect(codeOf(() => registry.add({ path: 'Sql', isDirectory: false }))).toBe('DROP_DUPLICATE_ENTRY');
  });
});

describe('entryKind', () => {
  it('reads Unix modes and DOS attributes', () => {
    expect(entryKind((0o100644 << 16) >>> 0, false)).toBe('file');
    expect(entryKind((0o040755 << 16) >>> 0, true)).toBe('directory');
    expect(entryKind((0o120777 << 16) >>> 0, false)).toBe('symlink');
    expect(entryKind((0o060600 << 16) >>> 0, false)).toBe('special');
    expect(entryKind((0o010644 << 16) >>> 0, false)).toBe('special');
    expect(entryKind(0x20, false)).toBe('file');
    expect(entryKind(0x10, false)).toBe('directory');
    expect(entryKind(0x420, false)).toBe('symlink');
  });
});
