/** Turning what the engineer types, pastes or drags into a path the engine can open (pure). */

/** Trims and removes the quotes Windows Explorer's "Copy as path" puts around a path. */
export function normalizePathInput(input: string): string {
  let value = input.trim();
  if (value.length >= 2 && ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'")))) {
    value = value.slice(1, -1).trim();
  }
  return value;
}

/** A local path from a file:// URI (Windows drive, UNC share or POSIX), or null for anything else. */
export function pathFromFileUri(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'file:') return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (url.hostname && url.hostname !== 'localhost') {
    return `\\\\${url.hostname}${pathname.replace(/\//g, '\\')}`;
  }
  const drive = /^\/([A-Za-z]:)(\/.*)?$/.exec(pathname);
  if (drive) return `${drive[1]}${(drive[2] ?? '\\').replace(/\//g, '\\')}`;
  return pathname;
}

/**
 * The path carried by a drag-and-drop, from what the browser exposes: a text/uri-list (file managers on
 * Linux and some Windows shells), plain text that is a path, or a File path the Electron preload resolved.
 */
export function pathFromDropData(data: { uriList?: string; text?: string; filePath?: string | null }): string | null {
  if (data.filePath) return data.filePath;
  const firstUri = (data.uriList ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.length > 0 && !line.startsWith('#'));
  if (firstUri) {
    const fromUri = pathFromFileUri(firstUri);
    if (fromUri) return fromUri;
  }
  const text = normalizePathInput(data.text ?? '');
  if (text.startsWith('file:')) return pathFromFileUri(text);
  if (/^([A-Za-z]:[\\/]|\\\\|\/)/.test(text) && !text.includes('\n')) return text;
  return null;
}

/** True for names the engine can open directly as a file (everything else is treated as a folder). */
export function looksLikeZip(path: string): boolean {
  return /\.zip$/i.test(path);
}
