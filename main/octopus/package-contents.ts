/**
 * What each package in the drop's Packages/ folder is and holds: identity (nuspec or file name), the
 * file entries (to recognise SQL scripts, .ispac and .dacpac) and the facts the drop reader extracts
 * (SSIS project parameters for environment bindings). Read in memory; nothing is extracted here.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DropFile, PackageFacts } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import type { DropLimits } from '../drop/limits';
import { inspectArchiveBuffer, archiveKind } from '../drop/nested/inspect-archive';
import { MemoryArchive } from '../drop/nested/memory-archive';
import { identifyPackage, type PackageIdentity } from './package-identity';

export interface DropPackage {
  /** Bundle-relative path, forward slashes (e.g. `Packages/Hospital.Db.1.2.0.nupkg`). */
  path: string;
  identity: PackageIdentity;
  /** File entries inside the package, forward slashes, without NuGet/OPC plumbing. */
  entries: string[];
  facts: PackageFacts;
}

const PLUMBING = /^(_rels\/|package\/|\[content_types\]\.xml$|[^/]+\.nuspec$)/i;

/** Reads every archive under Packages/. */
export async function loadDropPackages(root: string, files: readonly DropFile[], limits: DropLimits): Promise<DropPackage[]> {
  const out: DropPackage[] = [];
  for (const file of files) {
    if (!/^packages\//i.test(file.path)) continue;
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (file.size > limits.maxNestedArchiveSize) {
      throw new AppError('OCTOPUS_PACKAGE_TOO_LARGE', `The package "${file.path}" is ${file.size} bytes; packages above ${limits.maxNestedArchiveSize} bytes are not read.`, 'Ask the vendor whether this package really belongs in the drop.', { file: file.path });
    }
    const data = await readFile(join(root, file.path));
    const identity = identifyPackage(data, name);
    const kind = archiveKind(name);
    let entries: string[] = [];
    let facts: PackageFacts = { path: file.path, kind: kind ?? 'zip', id: identity.id, version: identity.version };
    if (kind === 'nupkg' || kind === 'zip') {
      entries = MemoryArchive.fromBuffer(data, file.path)
        .names()
        .map((n) => n.replace(/\\/g, '/'))
        .filter((n) => !PLUMBING.test(n))
        .map(decodeOpcName);
      facts = { ...inspectArchiveBuffer(data, file.path, kind, limits), id: identity.id, version: identity.version };
    }
    out.push({ path: file.path, identity, entries, facts });
  }
  return out;
}

/** NuGet writes entry names percent-encoded (OPC part names). */
function decodeOpcName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** The package a bundle-relative path names, compared case-insensitively (Windows paths). */
export function findPackage(packages: readonly DropPackage[], path: string): DropPackage | undefined {
  const p = path.toLowerCase();
  return packages.find((pkg) => pkg.path.toLowerCase() === p);
}

/** The package with this id (case-insensitive), if exactly one has it. */
export function findPackageById(packages: readonly DropPackage[], id: string): DropPackage | undefined {
  const matches = packages.filter((pkg) => pkg.identity.id.toLowerCase() === id.toLowerCase());
  return matches.length === 1 ? matches[0] : undefined;
}

/** Entries with one of the extensions, in name order. */
export function entriesWith(pkg: DropPackage, ...extensions: string[]): string[] {
  return pkg.entries.filter((e) => extensions.some((x) => e.toLowerCase().endsWith(x))).sort();
}
