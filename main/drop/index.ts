/**
 * The drop engine's public surface: open and verify drops, pack and sign them, manage trusted
 * publishers, and the safe extraction the Octopus importer reuses.
 */
export { openDrop, reopenDrop, listOpenedDrops, type OpenDropOptions } from './open-drop';
export type { OpenedDropRecord } from './opened-record';
export { extractZipSafely, type ExtractResult } from './zip-extract';
export { hashFolderSafely, type FolderHashResult } from './folder-hash';
export { checkEntryName, EntryRegistry, windowsKey } from './entry-name';
export { DEFAULT_DROP_LIMITS, resolveLimits, type DropLimits } from './limits';
export { DROP_ERROR_HINTS, dropError, type DropErrorCode } from './drop-errors';
export { parseManifest } from './manifest';
export { dropManifestSchema, dropManifestJsonSchema, MANIFEST_FILE, SIGNATURE_FILE, FORMAT_VERSION, type DropManifest } from './manifest-schema';
export { keyIdOf, loadPublicKey, signManifestBytes, verifyDropSignature, type TrustedKey } from './signature';
export { TrustStore, type TrustedPublisher } from './trust-store';
export { packDrop, type PackOptions, type PackResult } from './pack';
export { generateSigningKeyPair, type KeyPairFiles } from './keygen';
export { looksLikeOctopusDrop, type OctopusImporter, type OctopusImportInput, type ImportedDrop } from './octopus-hook';
export { inspectArchiveBuffer, inspectArchiveFile, archiveKind } from './nested/inspect-archive';
export { MemoryArchive } from './nested/memory-archive';
export { parseXml, type XmlElement } from './nested/xml-reader';
export { dropFilesDir, dropsDir, makeDropId } from './drop-store';
export { summarizeDrop, describeSignature, formatSize, type DropSummary } from './drop-summary';
