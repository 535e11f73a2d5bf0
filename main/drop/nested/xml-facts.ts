import { dropError } from '../drop-errors';
import { parseXml, XmlError, type XmlElement } from './xml-reader';
import type { MemoryArchive } from './memory-archive';

/** Reads and parses one XML entry of a nested archive; malformed XML becomes DROP_PACKAGE_INVALID. */
export function readXmlEntry(archive: MemoryArchive, name: string, maxSize: number): XmlElement {
  const bytes = archive.read(name, maxSize);
  try {
    return parseXml(bytes);
  } catch (error) {
    if (error instanceof XmlError) {
      throw dropError('DROP_PACKAGE_INVALID', `"${name}" in "${archive.label}" is not well-formed XML: ${error.message}.`, {
        package: archive.label,
        entry: name,
        line: error.line,
      });
    }
    throw error;
  }
}

/** Trims and collapses a text value; empty becomes undefined so absent and blank read the same. */
export function cleanText(value: string | undefined): string | undefined {
  const trimmed = value?.replace(/\s+/g, ' ').trim();
  return trimmed ? trimmed : undefined;
}
