import AdmZip from 'adm-zip';
import { crc32, inflateRawSync } from 'node:zlib';
import { dropError } from '../drop-errors';

/**
 * A nested archive (.nupkg, .ispac, .dacpac) read in memory and never extracted. adm-zip only parses
 * the directory here; each entry is inflated by us with an output cap and a CRC check, because a
 * nested entry's declared size is as untrusted as anything else in a drop.
 */
export class MemoryArchive {
  private constructor(
    private readonly zip: AdmZip,
    /** Where the archive sits, for messages: `packages/ssis/ClinicalFeeds.ispac`. */
    readonly label: string,
  ) {}

  /** Parses a zip held in memory; throws DROP_PACKAGE_INVALID when it is not one. */
  static fromBuffer(data: Buffer, label: string): MemoryArchive {
    try {
      const zip = new AdmZip(data);
      zip.getEntries();
      return new MemoryArchive(zip, label);
    } catch (error) {
      throw dropError('DROP_PACKAGE_INVALID', `"${label}" is not a readable zip archive (${(error as Error).message}).`, { package: label });
    }
  }

  /** Names of the file entries, as stored. */
  names(): string[] {
    return this.zip
      .getEntries()
      .filter((e) => !e.isDirectory)
      .map((e) => e.entryName);
  }

  /** Reads one entry, refusing encryption, unknown methods, output beyond maxSize and CRC mismatches. */
  read(name: string, maxSize: number): Buffer {
    const entry = this.zip.getEntry(name);
    if (!entry || entry.isDirectory) throw dropError('DROP_PACKAGE_INVALID', `"${this.label}" has no entry "${name}".`, { package: this.label, entry: name });
    const where = `"${name}" in "${this.label}"`;
    const header = entry.header;
    if (header.flags & 1) throw dropError('DROP_PACKAGE_INVALID', `${where} is encrypted.`, { package: this.label, entry: name });
    if (header.size > maxSize) {
      throw dropError('DROP_PACKAGE_INVALID', `${where} is ${header.size} bytes; at most ${maxSize} are read.`, { package: this.label, entry: name });
    }
    let data: Buffer;
    try {
      const compressed = entry.getCompressedData();
      if (header.method === 0) data = compressed;
      else if (header.method === 8) data = inflateRawSync(compressed, { maxOutputLength: Math.max(maxSize, 1) });
      else throw new Error(`compression method ${header.method} is not supported`);
    } catch (error) {
      throw dropError('DROP_PACKAGE_INVALID', `${where} cannot be read (${(error as Error).message}).`, { package: this.label, entry: name });
    }
    if (data.length !== header.size || crc32(data) >>> 0 !== header.crc >>> 0) {
      throw dropError('DROP_PACKAGE_INVALID', `${where} is corrupt (size or CRC-32 does not match).`, { package: this.label, entry: name });
    }
    return data;
  }
}
