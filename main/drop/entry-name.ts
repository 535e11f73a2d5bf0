import { dropError } from './drop-errors';

/** A checked entry name: a relative path with forward slashes, no empty, `.` or `..` segments. */
export interface SafeEntryName {
  path: string;
  isDirectory: boolean;
}

// Names Windows maps to devices no matter the extension (CON.txt is still the console).
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
// Characters NTFS refuses in a name; ':' also catches drive letters and alternate data streams.
const WINDOWS_FORBIDDEN = /[<>:"|?*]/;
const MAX_SEGMENT_BYTES = 255;

function unsafe(name: string, reason: string): never {
  throw dropError('DROP_UNSAFE_PATH', `Unsafe entry name "${printable(name)}": ${reason}.`, { entry: printable(name), reason });
}

/** Shows control characters as \uXXXX so a hostile name cannot garble a terminal or a log. */
export function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Checks one entry name as both Linux and Windows would resolve it and returns the normalised path.
 * Backslashes count as separators because Windows treats them so; that is how `..\x` escapes.
 */
export function checkEntryName(raw: string, maxPathLength: number): SafeEntryName {
  if (raw.length === 0) unsafe(raw, 'the name is empty');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) unsafe(raw, 'it contains NUL or control characters');
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/')) unsafe(raw, 'it is an absolute path');
  if (/^[A-Za-z]:/.test(slashed)) unsafe(raw, 'it starts with a drive letter');
  const isDirectory = slashed.endsWith('/');
  const path = isDirectory ? slashed.slice(0, -1) : slashed;
  if (path.length === 0) unsafe(raw, 'the name is empty');
  if (path.length > maxPathLength) unsafe(raw, `it is longer than ${maxPathLength} characters`);
  for (const segment of path.split('/')) {
    if (segment === '..') unsafe(raw, 'it contains a ".." segment (path traversal)');
    if (segment === '' || segment === '.') unsafe(raw, 'it contains an empty or "." segment');
    if (WINDOWS_FORBIDDEN.test(segment)) unsafe(raw, 'it contains a character Windows forbids (< > : " | ? *)');
    if (/[. ]$/.test(segment)) unsafe(raw, 'a segment ends with a dot or space, which Windows silently drops');
    if (WINDOWS_DEVICE.test(segment)) unsafe(raw, `"${segment}" is a reserved Windows device name`);
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) unsafe(raw, `a segment is longer than ${MAX_SEGMENT_BYTES} bytes`);
  }
  return { path, isDirectory };
}

/** The key under which Windows (case-insensitive NTFS) would consider two names the same file. */
export function windowsKey(path: string): string {
  return path.normalize('NFC').toUpperCase();
}

/**
 * Remembers every file and folder seen so far and refuses a second entry that Windows would treat as
 * the same file, or a file that is also used as a folder (`a` and `a/b`).
 */
export class EntryRegistry {
  private readonly files = new Map<string, string>();
  private readonly dirs = new Map<string, string>();

  /** Records a checked name; throws DROP_DUPLICATE_ENTRY on a clash. */
  add(entry: SafeEntryName): void {
    const key = windowsKey(entry.path);
    const segments = entry.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const dir = segments.slice(0, i).join('/');
      const dirKey = windowsKey(dir);
      const asFile = this.files.get(dirKey);
      if (asFile !== undefined) this.clash(entry.path, asFile, 'is used both as a file and as a folder');
      if (!this.dirs.has(dirKey)) this.dirs.set(dirKey, dir);
    }
    if (entry.isDirectory) {
      const asFile = this.files.get(key);
      if (asFile !== undefined) this.clash(entry.path, asFile, 'is used both as a file and as a folder');
      if (!this.dirs.has(key)) this.dirs.set(key, entry.path);
      return;
    }
    const previous = this.files.get(key);
    if (previous !== undefined) this.clash(entry.path, previous, 'names the same file on Windows (names are case-insensitive there)');
    const asDir = this.dirs.get(key);
    if (asDir !== undefined) this.clash(entry.path, asDir, 'is used both as a file and as a folder');
    this.files.set(key, entry.path);
  }

  private clash(path: string, other: string, why: string): never {
    throw dropError('DROP_DUPLICATE_ENTRY', `Entry "${printable(path)}" clashes with "${printable(other)}": it ${why}.`, {
      entry: printable(path),
      other: printable(other),
    });
  }
}
