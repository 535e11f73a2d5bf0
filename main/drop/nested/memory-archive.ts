import { crc32, inflateRawSync } from 'node:zlib';
import { dropError } from '../drop-errors';
import { printable } from '../entry-name';
import { resolveLimits, type DropLimits } from '../limits';
import { BufferSource, FileSource, SliceSource, type ByteSource } from './byte-source';
import { NestedBudget } from './nested-budget';

/** One file entry of the central directory, with where its data lies. */
interface NestedEntry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
  /** Set once the local header was read: first byte of the entry's data. */
  dataStart: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CD_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;

/**
 * A nested archive (.nupkg, .ispac, .dacpac) read in place and never extracted. Its central directory
 * is parsed here, under the same limits as the outer drop: entry count (checked before any entry is
 * parsed), per-entry and total uncompressed size, compression ratio, and no two entries sharing data
 * (the many-names-one-payload zip bomb). Every entry is inflated at most once, with its output capped,
 * against a byte budget shared by the whole drop; a declared size is as untrusted as the rest.
 */
export class MemoryArchive {
  private readonly entries = new Map<string, NestedEntry>();
  private readonly read_ = new Set<string>();

  private constructor(
    private readonly source: ByteSource,
    /** Where the archive sits, for messages: `packages/ssis/ClinicalFeeds.ispac`. */
    readonly label: string,
    readonly limits: DropLimits,
    readonly budget: NestedBudget,
  ) {}

  /** Parses a zip held in memory; throws DROP_PACKAGE_INVALID when it is not one. */
  static fromBuffer(data: Buffer, label: string, limits?: DropLimits, budget?: NestedBudget): MemoryArchive {
    return MemoryArchive.open(new BufferSource(data), label, limits, budget);
  }

  /** Opens an archive file of the extracted drop; only its directory and the entries asked for are read. Call close(). */
  static fromFile(path: string, label: string, limits?: DropLimits, budget?: NestedBudget): MemoryArchive {
    let source: FileSource;
    try {
      source = new FileSource(path);
    } catch (error) {
      throw dropError('DROP_PACKAGE_INVALID', `"${label}" cannot be read (${(error as Error).message}).`, { package: label });
    }
    try {
      return MemoryArchive.open(source, label, limits, budget);
    } catch (error) {
      source.close();
      throw error;
    }
  }

  private static open(source: ByteSource, label: string, limitsIn?: DropLimits, budgetIn?: NestedBudget): MemoryArchive {
    const limits = limitsIn ?? resolveLimits();
    const archive = new MemoryArchive(source, label, limits, budgetIn ?? NestedBudget.for(limits));
    try {
      archive.parseDirectory();
    } catch (error) {
      if (error instanceof RangeError) throw archive.invalid(`is not a readable zip archive (${error.message})`);
      throw error;
    }
    return archive;
  }

  close(): void {
    this.source.close();
  }

  /** Names of the file entries, as stored. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** A nested archive stored in this one: read in place when stored, inflated (capped) when deflated. */
  openNested(name: string, label: string): MemoryArchive {
    const entry = this.entryOf(name);
    if (entry.uncompressedSize > this.limits.maxNestedArchiveSize) {
      throw this.invalid(`holds "${name}" of ${entry.uncompressedSize} bytes; nested packages larger than ${this.limits.maxNestedArchiveSize} bytes are not inspected`, name);
    }
    if (entry.method === 0 && !(entry.flags & 1)) {
      this.markRead(name);
      return MemoryArchive.open(new SliceSource(this.source, entry.dataStart, entry.compressedSize), label, this.limits, this.budget);
    }
    // Deflated: it has to be inflated into memory, so it gets the (smaller) in-memory cap.
    if (entry.uncompressedSize > this.limits.maxInflatedNestedArchive) {
      throw this.invalid(
        `holds "${name}" of ${entry.uncompressedSize} bytes compressed inside it; nested packages are inflated into memory only up to ${this.limits.maxInflatedNestedArchive} bytes`,
        name,
      );
    }
    return MemoryArchive.open(new BufferSource(this.read(name, this.limits.maxInflatedNestedArchive)), label, this.limits, this.budget);
  }

  /** Reads one entry, refusing encryption, unknown methods, output beyond maxSize and CRC mismatches. */
  read(name: string, maxSize: number): Buffer {
    const entry = this.entryOf(name);
    const where = `"${name}" in "${this.label}"`;
    if (entry.flags & 1) throw dropError('DROP_PACKAGE_INVALID', `${where} is encrypted.`, { package: this.label, entry: name });
    if (entry.uncompressedSize > maxSize) {
      throw dropError('DROP_PACKAGE_INVALID', `${where} is ${entry.uncompressedSize} bytes; at most ${maxSize} are read.`, { package: this.label, entry: name });
    }
    this.markRead(name);
    this.budget.charge(entry.uncompressedSize, this.label, name);
    let data: Buffer;
    try {
      const compressed = this.source.read(entry.dataStart, entry.compressedSize);
      if (entry.method === 0) data = compressed;
      // One byte over the declared size is enough to prove the declaration false; inflating stops there.
      else if (entry.method === 8) data = inflateRawSync(compressed, { maxOutputLength: entry.uncompressedSize + 1 });
      else throw new Error(`compression method ${entry.method} is not supported`);
    } catch (error) {
      throw dropError('DROP_PACKAGE_INVALID', `${where} cannot be read (${(error as Error).message}).`, { package: this.label, entry: name });
    }
    if (data.length !== entry.uncompressedSize || crc32(data) >>> 0 !== entry.crc >>> 0) {
      throw dropError('DROP_PACKAGE_INVALID', `${where} is corrupt (size or CRC-32 does not match).`, { package: this.label, entry: name });
    }
    return data;
  }

  private entryOf(name: string): NestedEntry {
    const entry = this.entries.get(name);
    if (!entry) throw dropError('DROP_PACKAGE_INVALID', `"${this.label}" has no entry "${printable(name)}".`, { package: this.label, entry: printable(name) });
    return entry;
  }

  private markRead(name: string): void {
    // Callers cache what they parse; reading an entry twice would let a hostile manifest multiply the work.
    if (this.read_.has(name)) throw this.invalid(`names "${printable(name)}" more than once`, name);
    this.read_.add(name);
  }

  private invalid(what: string, entry?: string): Error {
    return dropError('DROP_PACKAGE_INVALID', `"${this.label}" ${what}.`, { package: this.label, ...(entry !== undefined ? { entry: printable(entry) } : {}) });
  }

  private parseDirectory(): void {
    const { source, limits, label } = this;
    const tailLength = Math.min(source.size, 22 + 0xffff);
    if (tailLength < 22) throw new RangeError('too short to be a zip');
    const tail = source.read(source.size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw new RangeError('no end of central directory record');
    const eocdAt = source.size - tailLength + eocd;
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      if (eocdAt < 20) throw new RangeError('zip64 locator missing');
      const locator = source.read(eocdAt - 20, 20);
      if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIG) throw new RangeError('zip64 locator missing');
      const record = source.read(Number(locator.readBigUInt64LE(8)), 56);
      if (record.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw new RangeError('zip64 end record missing');
      count = Number(record.readBigUInt64LE(32));
      cdSize = Number(record.readBigUInt64LE(40));
      cdOffset = Number(record.readBigUInt64LE(48));
    }
    // The count is judged before a single entry is parsed, exactly as for the outer zip.
    if (count > limits.maxEntries) {
      throw dropError('DROP_TOO_MANY_ENTRIES', `"${label}" has ${count} entries; the limit is ${limits.maxEntries}.`, { package: label, entries: count, limit: limits.maxEntries });
    }
    const cd = source.read(cdOffset, cdSize);
    const all: NestedEntry[] = [];
    let pos = 0;
    let total = 0;
    for (let n = 0; n < count; n++) {
      if (pos + 46 > cd.length || cd.readUInt32LE(pos) !== CD_SIG) throw new RangeError('damaged central directory');
      const nameLength = cd.readUInt16LE(pos + 28);
      const extraLength = cd.readUInt16LE(pos + 30);
      const commentLength = cd.readUInt16LE(pos + 32);
      if (pos + 46 + nameLength + extraLength + commentLength > cd.length) throw new RangeError('damaged central directory');
      const entry: NestedEntry = {
        name: cd.toString('utf8', pos + 46, pos + 46 + nameLength),
        flags: cd.readUInt16LE(pos + 8),
        method: cd.readUInt16LE(pos + 10),
        crc: cd.readUInt32LE(pos + 16),
        compressedSize: cd.readUInt32LE(pos + 20),
        uncompressedSize: cd.readUInt32LE(pos + 24),
        localOffset: cd.readUInt32LE(pos + 42),
        dataStart: -1,
      };
      applyZip64(entry, cd.subarray(pos + 46 + nameLength, pos + 46 + nameLength + extraLength));
      pos += 46 + nameLength + extraLength + commentLength;
      all.push(entry);
      const isDirectory = entry.name.endsWith('/') && entry.uncompressedSize === 0;
      if (isDirectory) continue;
      const shown = printable(entry.name);
      if (entry.uncompressedSize > limits.maxFileSize) {
        throw dropError('DROP_TOO_LARGE', `"${shown}" in "${label}" is ${entry.uncompressedSize} bytes; the limit for one file is ${limits.maxFileSize}.`, {
          package: label,
          entry: shown,
          limit: limits.maxFileSize,
        });
      }
      total += entry.uncompressedSize;
      if (total > limits.maxTotalSize) {
        throw dropError('DROP_TOO_LARGE', `"${label}" expands to more than ${limits.maxTotalSize} bytes (reached at "${shown}").`, { package: label, entry: shown, limit: limits.maxTotalSize });
      }
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      if (entry.uncompressedSize >= limits.ratioMinSize && ratio > limits.maxCompressionRatio) {
        throw dropError('DROP_ZIP_BOMB', `"${shown}" in "${label}" expands ${Math.round(ratio)}:1; the limit is ${limits.maxCompressionRatio}:1.`, {
          package: label,
          entry: shown,
          limit: limits.maxCompressionRatio,
        });
      }
      if (!this.entries.has(entry.name)) this.entries.set(entry.name, entry);
      else throw this.invalid(`lists "${shown}" twice`, entry.name);
    }
    // Overlaps first: "shares its data" names the trick more precisely than the overall ratio it causes.
    this.locateData(all, cdOffset);
    if (total >= limits.ratioMinSize && total / Math.max(source.size, 1) > limits.maxCompressionRatio) {
      throw dropError('DROP_ZIP_BOMB', `"${label}" expands ${Math.round(total / Math.max(source.size, 1))}:1 overall; the limit is ${limits.maxCompressionRatio}:1.`, {
        package: label,
        limit: limits.maxCompressionRatio,
      });
    }
  }

  /**
   * Reads every local header for where its data starts, then proves that no two entries share bytes
   * and that all data lies before the central directory: overlapping entries are how a tiny archive
   * makes one compressed payload count hundreds of times.
   */
  private locateData(all: NestedEntry[], cdOffset: number): void {
    const spans: Array<{ start: number; end: number; name: string }> = [];
    for (const entry of all) {
      const header = this.source.read(entry.localOffset, 30);
      if (header.readUInt32LE(0) !== LOCAL_SIG) throw new RangeError(`entry "${printable(entry.name)}" has no local header`);
      entry.dataStart = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      spans.push({ start: entry.localOffset, end: entry.dataStart + entry.compressedSize, name: entry.name });
    }
    spans.sort((a, b) => a.start - b.start);
    let previous: { end: number; name: string } | undefined;
    for (const span of spans) {
      if (span.end > cdOffset) throw new RangeError(`entry "${printable(span.name)}" runs into the central directory`);
      if (previous && span.start < previous.end) {
        throw dropError('DROP_ZIP_BOMB', `"${printable(span.name)}" in "${this.label}" shares its data with "${printable(previous.name)}" (overlapping entries).`, {
          package: this.label,
          entry: printable(span.name),
        });
      }
      previous = span;
    }
  }
}

/** Zip64 extra field (0x0001): the 64-bit sizes and offset, present only for the fields that overflowed. */
function applyZip64(entry: NestedEntry, extra: Buffer): void {
  let pos = 0;
  while (pos + 4 <= extra.length) {
    const id = extra.readUInt16LE(pos);
    const size = extra.readUInt16LE(pos + 2);
    if (id === 0x0001) {
      let at = pos + 4;
      const next = (): number => {
        if (at + 8 > pos + 4 + size) throw new RangeError('damaged zip64 field');
        const value = Number(extra.readBigUInt64LE(at));
        at += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localOffset === 0xffffffff) entry.localOffset = next();
      return;
    }
    pos += 4 + size;
  }
}
