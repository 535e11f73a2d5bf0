/** What a zip entry claims to be, judged from its external attributes. */
export type EntryKind = 'file' | 'directory' | 'symlink' | 'special';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const DOS_DIRECTORY = 0x10;
const DOS_REPARSE_POINT = 0x400;

/**
 * Reads the Unix mode in the high 16 bits (written by Info-ZIP, yazl, 7-Zip and others) and the DOS
 * attributes in the low bits. Symlinks and devices must never be materialised from a drop.
 */
export function entryKind(externalFileAttributes: number, nameEndsWithSlash: boolean): EntryKind {
  const mode = (externalFileAttributes >>> 16) & 0xffff;
  const dos = externalFileAttributes & 0xffff;
  if (dos & DOS_REPARSE_POINT) return 'symlink';
  const type = mode & S_IFMT;
  if (type === S_IFLNK) return 'symlink';
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) return 'special';
  if (type === S_IFDIR || nameEndsWithSlash || (type === 0 && dos & DOS_DIRECTORY)) return 'directory';
  return 'file';
}
