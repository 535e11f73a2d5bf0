import { describe, expect, it } from 'vitest';
import { looksLikeZip, normalizePathInput, pathFromDropData, pathFromFileUri } from '../../../renderer/format/path-input';

describe('drop path', () => {
  it('strips the quotes of "Copy as path" and whitespace', () => {
    expect(normalizePathInput('  "C:\\Drops\\r 1.2.zip"  ')).toBe('C:\\Drops\\r 1.2.zip');
    expect(normalizePathInput('/tmp/a.zip')).toBe('/tmp/a.zip');
  });
  it('converts file URIs for Windows drives, UNC shares and POSIX paths', () => {
    expect(pathFromFileUri('file:///C:/Drops/release%201.zip')).toBe('C:\\Drops\\release 1.zip');
    expect(pathFromFileUri('file://fileserver/share/drop.zip')).toBe('\\\\fileserver\\share\\drop.zip');
    expect(pathFromFileUri('file:///home/eng/drop.zip')).toBe('/home/eng/drop.zip');
    expect(pathFromFileUri('https://example.invalid/drop.zip')).toBeNull();
    expect(pathFromFileUri('not a uri')).toBeNull();
  });
  it('reads a path from drag data in priority order', () => {
    expect(pathFromDropData({ filePath: 'C:\\x.zip', uriList: 'file:///y.zip' })).toBe('C:\\x.zip');
    expect(pathFromDropData({ uriList: '# comment\nfile:///srv/drops/a.zip\n' })).toBe('/srv/drops/a.zip');
    expect(pathFromDropData({ text: 'C:\\Drops\\a.zip' })).toBe('C:\\Drops\\a.zip');
    expect(pathFromDropData({ text: 'hello world' })).toBeNull();
    expect(pathFromDropData({})).toBeNull();
  });
  it('recognises zip names', () => {
    expect(looksLikeZip('a.ZIP')).toBe(true);
    expect(looksLikeZip('/srv/drop-folder')).toBe(false);
  });
});
