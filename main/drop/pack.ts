import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { DropFile } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import { dropError } from './drop-errors';
import { checkStepReferences } from './file-check';
import { hashFolderSafely } from './folder-hash';
import { hashFile } from './hashing';
import { resolveLimits, type DropLimits } from './limits';
import { parseManifest } from './manifest';
import { MANIFEST_FILE, SIGNATURE_FILE } from './manifest-schema';
import { signManifestBytes } from './signature';
import { archiveKind } from './nested/inspect-archive';
import { ensureDir } from '../platform/ensure-dir';

export interface PackOptions {
  /** Ed25519 private key PEM text; when given, drop.sig is written. */
  signKeyPem?: string;
  limits?: Partial<DropLimits>;
}

export interface PackResult {
  zipPath: string;
  /** sha256 of the written zip, to publish next to it. */
  sha256: string;
  files: DropFile[];
  /** Key id of the signing key, when signed. */
  keyId?: string;
}

/** DOS timestamps are local wall-clock fields; building the Date from fields keeps every zip identical across time zones. */
function entryTime(created: string | undefined): Date {
  const when = created ? new Date(created) : undefined;
  if (!when || Number.isNaN(when.getTime()) || when.getUTCFullYear() < 1980) return new Date(2000, 0, 1, 0, 0, 0);
  return new Date(when.getUTCFullYear(), when.getUTCMonth(), when.getUTCDate(), when.getUTCHours(), when.getUTCMinutes(), when.getUTCSeconds());
}

/**
 * Packs a drop folder into a zip: hashes every file, writes the files list into drop.json (the
 * folder's own drop.json is left untouched), validates the result, signs it when a key is given,
 * and writes entries in a fixed order with fixed timestamps so the same input gives the same zip.
 */
export async function packDrop(folder: string, outZip: string, options: PackOptions = {}): Promise<PackResult> {
  const root = resolve(folder);
  const zipPath = resolve(outZip);
  let source: Buffer;
  try {
    source = await readFile(join(root, MANIFEST_FILE));
  } catch (error) {
    throw dropError('DROP_MANIFEST_MISSING', `There is no ${MANIFEST_FILE} in "${root}" (${(error as Error).message}).`, { path: root }, 'Create drop.json first (see docs/drop-format.md).');
  }
  let draft: Record<string, unknown>;
  try {
    draft = JSON.parse(source.toString('utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch (error) {
    throw dropError('DROP_MANIFEST_INVALID', `${MANIFEST_FILE} in "${root}" is not valid JSON: ${(error as Error).message}`, { path: root });
  }
  if (!draft || typeof draft !== 'object' || Array.isArray(draft)) {
    throw dropError('DROP_MANIFEST_INVALID', `${MANIFEST_FILE} in "${root}" is not a JSON object.`, { path: root });
  }
  const hashed = await hashFolderSafely(root, resolveLimits(options.limits));
  // An earlier output zip kept inside the folder must not pack itself.
  const files = hashed.files.filter((f) => f.path !== MANIFEST_FILE && f.path !== SIGNATURE_FILE && join(root, f.path) !== zipPath);
  const manifestBytes = Buffer.from(`${JSON.stringify({ ...draft, files }, null, 2)}\n`, 'utf8');
  const manifest = parseManifest(manifestBytes, `${MANIFEST_FILE} (packed from ${root})`);
  checkStepReferences(manifest);
  let signature: { sig: Buffer; keyId: string } | undefined;
  if (options.signKeyPem !== undefined) signature = signManifestBytes(manifestBytes, options.signKeyPem);

  const mtime = entryTime(manifest.release.created);
  const common = { mtime, mode: 0o100644, forceDosTimestamp: true };
  const zip = new yazl.ZipFile();
  zip.addBuffer(manifestBytes, MANIFEST_FILE, { ...common, compress: true });
  if (signature) zip.addBuffer(signature.sig, SIGNATURE_FILE, { ...common, compress: true });
  for (const file of files) {
    // Archives are already compressed; deflating them again costs time and gains nothing.
    zip.addFile(join(root, file.path), file.path, { ...common, compress: archiveKind(file.path) === undefined });
  }
  zip.end();
  await ensureDir(dirname(zipPath));
  const temp = `${zipPath}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await pipeline(zip.outputStream, createWriteStream(temp, { flags: 'wx' }));
    await rename(temp, zipPath);
  } catch (error) {
    await rm(temp, { force: true });
    if (error instanceof AppError) throw error;
    throw dropError('DROP_PACK_FAILED', `Cannot write "${zipPath}": ${(error as Error).message}`, { path: zipPath });
  }
  const { sha256 } = await hashFile(zipPath);
  const result: PackResult = { zipPath, sha256, files };
  if (signature) result.keyId = signature.keyId;
  return result;
}
