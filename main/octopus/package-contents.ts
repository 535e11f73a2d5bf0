/**
 * What each package in the drop's Packages/ folder is and holds: identity (nuspec or file name), the
 * file entries (to recognise SQL scripts, .ispac and .dacpac) and the facts the drop reader extracts
 * (SSIS project parameters for environment bindings). Read in memory; nothing is extracted here.
 */
import { join } from 'node:path';
import type { DropFile, PackageFacts } from '../../common/drop-model';
import { AppError } from '../../common/errors';
import type { DropLimits } from '../drop/limits';
import { inspectOpenArchive, archiveKind } from '../drop/nested/inspect-archive';
import { MemoryArchive } from '../drop/nested/memory-archive';
import { NestedBudget } from '../drop/nested/nested-budget';
import { identifyPackageWith, type PackageIdentity } from './package-identity';

export interface DropPackage {
  /** Bundle-relative path, forward slashes (e.g. `Packages/Hospital.Db.1.2.0.nupkg`). */
  path: string;
  identity: PackageIdentity;
  /** File entries inside the package, forward slashes, without NuGet/OPC plumbing. */
  entries: string[];
  facts: PackageFacts;
}

const PLUMBING = /^(_rels\/|package\/|\[content_types\]\.xml$|[^/]+\.nuspec$)/i;

/**
 * Reads every archive under Packages/, in place and under one nested-read budget for the drop: the
 * identity of a .nupkg comes from the same (single) read of its .nuspec that the inspection does.
 */
export async function loadDropPackages(root: string, files: readonly DropFile[], limits: DropLimits): Promise<DropPackage[]> {
  const out: DropPackage[] = [];
  const budget = NestedBudget.for(limits);
  for (const file of files) {
    if (!/^packages\//i.test(file.path)) continue;
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    if (file.size > limits.maxNestedArchiveSize) {
      throw new AppError('OCTOPUS_PACKAGE_TOO_LARGE', `The package "${file.path}" is ${file.size} bytes; packages above ${limits.maxNestedArchiveSize} bytes are not read.`, 'Ask the vendor whether this package really belongs in the drop.', { file: file.path });
    }
    const kind = archiveKind(name);
    if (kind !== 'nupkg' && kind !== 'zip') {
      const identity = identifyPackageWith(name, null);
      out.push({ path: file.path, identity, entries: [], facts: { path: file.path, kind: kind ?? 'zip', id: identity.id, version: identity.version } });
      continue;
    }
    const archive = openPackage(join(root, file.path), file.path, kind, limits, budget);
    try {
      const entries = archive
        .names()
        .map((n) => n.replace(/\\/g, '/'))
        .filter((n) => !PLUMBING.test(n))
        .map(decodeOpcName);
      const inspected = inspectOpenArchive(archive, kind);
      const identity = identifyPackageWith(name, kind === 'nupkg' ? { id: inspected.id, version: inspected.version } : null);
      out.push({ path: file.path, identity, entries, facts: { ...inspected, id: identity.id, version: identity.version } });
    } finally {
      archive.close();
    }
  }
  return out;
}

function openPackage(absPath: string, relPath: string, kind: 'nupkg' | 'zip', limits: DropLimits, budget: NestedBudget): MemoryArchive {
  try {
    return MemoryArchive.fromFile(absPath, relPath, limits, budget);
  } catch (error) {
    if (kind === 'nupkg' && (error as { code?: string }).code === 'DROP_PACKAGE_INVALID') {
      throw new AppError('OCTOPUS_PACKAGE_INVALID', `"${relPath}" is not a readable NuGet package (not a zip).`, 'The drop is damaged: ask for it again.', { file: relPath });
    }
    throw error;
  }
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
