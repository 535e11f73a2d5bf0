import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Drop, DropFile, DropStep, SignatureState, VariableTemplate } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import { dropError } from './drop-errors';
import { commitTemp, dropFilesDir, dropsDir, makeDropId, newTempPath, removeStaleTemps } from './drop-store';
import { checkFilesAgainstManifest, checkStepReferences } from './file-check';
import { hashFolderSafely } from './folder-hash';
import { sha256Hex } from './hashing';
import { resolveLimits, type DropLimits } from './limits';
import { checkManifestSize, parseManifest } from './manifest';
import { MANIFEST_FILE, SIGNATURE_FILE, type DropManifest } from './manifest-schema';
import { looksLikeOctopusDrop, type OctopusImporter } from './octopus-hook';
import { collectPackageFacts } from './packages';
import { verifyDropSignature, type TrustedKey } from './signature';
import { extractZipSafely } from './zip-extract';
import { readOpenedRecord, writeOpenedRecord, type OpenedDropRecord } from './opened-record';

export interface OpenDropOptions {
  /** The data folder; zips are extracted to `<dataDir>/drops/<id>/files/`. */
  dataDir: string;
  limits?: Partial<DropLimits>;
  /** Publisher keys that make a signature "verified" (usually TrustStore.keys()). */
  trustedKeys?: readonly TrustedKey[];
  /** Imports Octopus offline package drops; without it such drops are refused with DROP_IMPORTER_MISSING. */
  octopusImporter?: OctopusImporter;
  /** Told the temporary extraction folder before anything is written there, so whoever stops this open can remove it. */
  onTempPath?: (path: string) => void;
}

interface Source {
  path: string;
  kind: 'zip' | 'folder';
  sha256: string | null;
}

/** What the checks produced, before the files are moved to their final place. */
type Verified = Omit<Drop, 'root'>;

/**
 * Opens a drop zip or an already extracted drop folder and returns the verified Drop. A zip is
 * streamed once (names, limits, extraction, hashing) into a temp folder that is renamed into place
 * only when every check passed; a folder is verified in place and nothing is written.
 */
export async function openDrop(path: string, options: OpenDropOptions): Promise<Drop> {
  const limits = resolveLimits(options.limits);
  const sourcePath = resolve(path);
  let isFolder: boolean;
  try {
    isFolder = (await stat(sourcePath)).isDirectory();
  } catch (error) {
    throw dropError('DROP_NOT_FOUND', `Cannot open "${sourcePath}": ${(error as Error).message}`, { path: sourcePath });
  }
  if (isFolder) {
    const { files } = await hashFolderSafely(sourcePath, limits);
    const verified = await verifyContents(sourcePath, files, { path: sourcePath, kind: 'folder', sha256: null }, limits, options);
    return { ...verified, root: sourcePath };
  }

  const dataDir = resolve(options.dataDir);
  await removeStaleTemps(dataDir);
  const temp = await newTempPath(dataDir);
  options.onTempPath?.(temp);
  const { files, sha256 } = await extractZipSafely(sourcePath, temp, limits);
  try {
    const verified = await verifyContents(temp, files, { path: sourcePath, kind: 'zip', sha256 }, limits, options);
    // A native drop's extraction holds exactly the files hashed while extracting; an Octopus import also wrote its own.
    const freshFiles = async () => (files.some((f) => f.path === MANIFEST_FILE) ? files : (await hashFolderSafely(temp, limits)).files);
    const root = await commitTemp(dataDir, temp, verified.id, async (existing) => sameFiles(existing, await freshFiles(), limits));
    await writeOpenedRecord(dataDir, verified);
    return { ...verified, root };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (error instanceof AppError) throw error;
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ENOSPC' || err.code === 'EDQUOT') {
      throw dropError('DISK_FULL', `The disk holding "${dataDir}" filled up while the drop was being kept there (${err.code}).`, { path: dataDir, cause: err.code });
    }
    if (typeof err.code === 'string' && err.syscall) {
      throw dropError('DROP_WRITE_FAILED', `Cannot finish opening the drop in "${dataDir}": ${err.message}`, { cause: err.code });
    }
    throw error;
  }
}

/**
 * True when a kept drop folder holds exactly the fresh extraction's files (same paths, sizes and
 * SHA-256, nothing more or less), hashed as it is on disk now.
 */
async function sameFiles(kept: string, fresh: DropFile[], limits: DropLimits): Promise<boolean> {
  try {
    await stat(kept);
  } catch {
    return false;
  }
  const key = (files: DropFile[]) => files.map((f) => `${f.path}\u0000${f.size}\u0000${f.sha256}`).sort().join('\n');
  return key((await hashFolderSafely(kept, limits)).files) === key(fresh);
}

/**
 * Re-opens a drop extracted earlier by openDrop (for `drop.get` and recent drops after a restart):
 * the files under `<dataDir>/drops/<id>/files` are verified again in place, with the current
 * trusted keys, and the zip's provenance is restored from the record written at open time.
 */
export async function reopenDrop(id: string, options: OpenDropOptions): Promise<Drop> {
  const dataDir = resolve(options.dataDir);
  const record = await readOpenedRecord(dataDir, id);
  if (!record) {
    throw dropError('DROP_NOT_FOUND', `No opened drop with id "${id}" is kept in "${dataDir}".`, { dropId: id }, 'Open the drop zip again.');
  }
  const root = dropFilesDir(dataDir, record.id);
  const limits = resolveLimits(options.limits);
  const { files } = await hashFolderSafely(root, limits);
  const verified = await verifyContents(root, files, { path: record.sourcePath, kind: 'zip', sha256: record.sha256 }, limits, options);
  if (verified.id !== record.id) {
    throw dropError('DROP_HASH_MISMATCH', `The kept copy of drop "${id}" no longer matches the drop it was opened from.`, { dropId: id }, 'Open the drop zip again.');
  }
  return { ...verified, root };
}

/** The drops opened from zips and kept in the data folder, newest first. */
export async function listOpenedDrops(dataDir: string): Promise<OpenedDropRecord[]> {
  let names: string[];
  try {
    names = await readdir(dropsDir(resolve(dataDir)));
  } catch {
    return [];
  }
  const records: OpenedDropRecord[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const record = await readOpenedRecord(resolve(dataDir), name);
    if (record) records.push(record);
  }
  return records.sort((a, b) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : 0));
}

async function readOptional(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function verifyContents(root: string, all: DropFile[], source: Source, limits: DropLimits, options: OpenDropOptions): Promise<Verified> {
  const manifestFile = all.find((f) => f.path === MANIFEST_FILE);
  if (!manifestFile) {
    if (looksLikeOctopusDrop(all)) return importOctopus(root, all, source, limits, options);
    const nested = all.find((f) => f.path.endsWith(`/${MANIFEST_FILE}`));
    throw dropError(
      'DROP_MANIFEST_MISSING',
      `There is no ${MANIFEST_FILE} at the root of "${source.path}"${nested ? ` (one was found at "${nested.path}": the drop was zipped one folder too high)` : ''}.`,
      { path: source.path },
      nested ? 'Ask the vendor to pack the drop with `drop-runner pack <folder>`, which puts drop.json at the zip root.' : undefined,
    );
  }
  checkManifestSize(manifestFile.size, MANIFEST_FILE, limits);
  const manifestBytes = await readFile(join(root, MANIFEST_FILE));
  const sigBytes = all.some((f) => f.path === SIGNATURE_FILE) ? await readOptional(join(root, SIGNATURE_FILE)) : null;
  // The signature is judged first: if drop.json was tampered with, "signature invalid" is the truthful report.
  const signature = verifyDropSignature(manifestBytes, sigBytes, options.trustedKeys ?? []);
  if (signature.state === 'invalid') {
    throw dropError('DROP_SIGNATURE_INVALID', `The signature of "${source.path}" is invalid: ${signature.reason}.`, { path: source.path, reason: signature.reason });
  }
  const manifest = parseManifest(manifestBytes, MANIFEST_FILE, limits);
  const files = all.filter((f) => f.path !== MANIFEST_FILE && f.path !== SIGNATURE_FILE);
  checkFilesAgainstManifest(manifest, files);
  checkStepReferences(manifest);
  const steps = manifest.steps.map(toStep);
  const packages = await collectPackageFacts(root, files, steps, limits);
  const id = makeDropId(manifest.project.id, manifest.release.version, source.sha256 ?? sha256Hex(manifestBytes));
  return {
    id,
    format: 'native',
    formatVersion: manifest.formatVersion,
    project: { id: manifest.project.id, name: manifest.project.name },
    release: releaseOf(manifest),
    target: { ...manifest.target },
    publisher: manifest.publisher.name,
    variables: manifest.variables.map(toTemplate),
    baked: [],
    steps,
    files,
    packages,
    provenance: provenanceOf(source, signature, files),
  };
}

async function importOctopus(root: string, files: DropFile[], source: Source, limits: DropLimits, options: OpenDropOptions): Promise<Verified> {
  if (!options.octopusImporter) {
    throw dropError('DROP_IMPORTER_MISSING', `"${source.path}" looks like an Octopus offline package drop (a root .ps1 with Calamari/ or Variables/), and no Octopus importer is available.`, {
      path: source.path,
    });
  }
  const imported = await options.octopusImporter({ root, files, source, limits });
  const { signature, ...rest } = imported;
  const contentHash = source.sha256 ?? sha256Hex(files.map((f) => `${f.path}\0${f.sha256}`).join('\n'));
  return {
    ...rest,
    id: makeDropId(imported.project.id, imported.release.version, contentHash),
    format: 'octopus',
    files,
    provenance: provenanceOf(source, signature ?? { state: 'unsigned' }, files),
  };
}

function provenanceOf(source: Source, signature: SignatureState, files: readonly DropFile[]): Drop['provenance'] {
  return {
    sourcePath: source.path,
    sourceKind: source.kind,
    sha256: source.sha256,
    signature,
    fileCount: files.length,
    totalSize: files.reduce((sum, f) => sum + f.size, 0),
  };
}

function releaseOf(manifest: DropManifest): Drop['release'] {
  const release: Drop['release'] = { version: manifest.release.version };
  if (manifest.release.notes !== undefined) release.notes = manifest.release.notes;
  if (manifest.release.created !== undefined) release.created = manifest.release.created;
  if (manifest.release.channel !== undefined) release.channel = manifest.release.channel;
  return release;
}

function toTemplate(v: DropManifest['variables'][number]): VariableTemplate {
  const template: VariableTemplate = {
    name: v.name,
    label: v.label,
    type: v.type,
    required: v.required ?? false,
    sensitive: v.type === 'sensitive' || v.sensitive === true,
    origin: 'manifest',
  };
  if (v.help !== undefined) template.help = v.help;
  if (v.group !== undefined) template.group = v.group;
  if (v.default !== undefined) template.default = v.default;
  if (v.choices !== undefined) template.choices = [...v.choices];
  if (v.pattern !== undefined) template.pattern = v.pattern;
  return template;
}

function toStep(s: DropManifest['steps'][number]): DropStep {
  const step: DropStep = { id: s.id, name: s.name, type: s.type, settings: s.settings as Record<string, unknown> };
  if (s.package !== undefined) step.package = s.package;
  if (s.runCondition !== undefined && s.runCondition !== 'success') step.runCondition = s.runCondition;
  return step;
}
