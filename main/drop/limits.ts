/**
 * Limits applied while opening a drop. They exist so that a hostile or broken zip cannot fill the
 * disk, exhaust memory or take forever; genuine drops sit far below every default.
 */
export interface DropLimits {
  /** Entries in the zip (files and folders) or files in an opened folder. */
  maxEntries: number;
  /** Sum of the uncompressed sizes of all files, in bytes. */
  maxTotalSize: number;
  /** Largest single file, in bytes. */
  maxFileSize: number;
  /** Uncompressed/compressed size ratio above which an entry (or the whole zip) counts as a zip bomb. */
  maxCompressionRatio: number;
  /** Entries smaller than this are never judged by ratio: tiny text files legitimately compress very well. */
  ratioMinSize: number;
  /** Longest relative path, in characters. Windows MAX_PATH is 260 including the data folder prefix. */
  maxPathLength: number;
  /** Nested archives larger than this are not inspected in memory. */
  maxNestedArchiveSize: number;
  /** Largest XML document read from a nested archive. */
  maxNestedXmlSize: number;
  /** A nested archive that is deflated inside another must be inflated into memory to be read: at most this large. */
  maxInflatedNestedArchive: number;
  /** Bytes all the nested archives of one drop may inflate together while they are inspected. */
  maxNestedReadTotal: number;
  /** Largest drop.json, in bytes; checked before it is parsed. */
  maxManifestSize: number;
  /** Most variables, steps and files drop.json may declare (each list on its own); counted before validation. */
  maxManifestItems: number;
}

export const DEFAULT_DROP_LIMITS: Readonly<DropLimits> = Object.freeze({
  maxEntries: 20_000,
  maxTotalSize: 8 * 1024 ** 3,
  maxFileSize: 4 * 1024 ** 3,
  maxCompressionRatio: 200,
  ratioMinSize: 1024 * 1024,
  maxPathLength: 180,
  maxNestedArchiveSize: 512 * 1024 ** 2,
  maxNestedXmlSize: 16 * 1024 ** 2,
  maxInflatedNestedArchive: 64 * 1024 ** 2,
  maxNestedReadTotal: 256 * 1024 ** 2,
  maxManifestSize: 8 * 1024 ** 2,
  maxManifestItems: 20_000,
});

/** Fills in defaults for the limits a caller did not set. */
export function resolveLimits(partial?: Partial<DropLimits>): DropLimits {
  return { ...DEFAULT_DROP_LIMITS, ...(partial ?? {}) };
}
