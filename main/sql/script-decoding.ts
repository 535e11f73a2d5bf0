/**
 * Turns the bytes of a SQL script into text the way sqlcmd/SSMS users expect: a byte-order mark
 * decides UTF-8 / UTF-16 LE / UTF-16 BE; without one the file must be UTF-8, and a file that is not
 * valid UTF-8 is read as Windows-1252 (what SSMS saves by default on a Western Windows) with a
 * warning, rather than silently turning accented letters into U+FFFD.
 */

export type ScriptEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface DecodedScript {
  text: string;
  encoding: ScriptEncoding;
  /** Set when the encoding was guessed rather than declared by a BOM or proven valid. */
  warning?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { ignoreBOM: true });
const cp1252 = new TextDecoder('windows-1252');

/** Decodes script bytes by BOM (UTF-8, UTF-16 LE/BE), else strict UTF-8, else Windows-1252 with a warning. */
export function decodeScript(bytes: Uint8Array): DecodedScript {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) {
    return { text: strictOrLenient(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  if (b0 === 0xff && b1 === 0xfe) return { text: utf16le.decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (b0 === 0xfe && b1 === 0xff) return { text: utf16be.decode(bytes.subarray(2)), encoding: 'utf-16be' };
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return {
      text: cp1252.decode(bytes),
      encoding: 'windows-1252',
      warning: 'The script is not valid UTF-8 and has no byte-order mark; it was read as Windows-1252.',
    };
  }
}

// A BOM promises UTF-8; a stray invalid byte after it still should not abort the whole deployment.
function strictOrLenient(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  }
}
