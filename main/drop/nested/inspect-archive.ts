import type { PackageFacts } from '../../../common/drop-model';
import { dropError } from '../drop-errors';
import type { DropLimits } from '../limits';
import { dacpacFacts } from './dacpac';
import { ispacFacts } from './ispac';
import { MemoryArchive } from './memory-archive';
import { NestedBudget } from './nested-budget';
import { nupkgFacts } from './nupkg';

type ArchiveKind = 'nupkg' | 'ispac' | 'dacpac' | 'zip';

// An .ispac inside a .nupkg inside a .zip is as deep as real drops go.
const MAX_DEPTH = 3;

/** The archive kind a file name implies, or undefined for files that are not inspected. */
export function archiveKind(path: string): ArchiveKind | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.nupkg')) return 'nupkg';
  if (lower.endsWith('.ispac')) return 'ispac';
  if (lower.endsWith('.dacpac')) return 'dacpac';
  if (lower.endsWith('.zip')) return 'zip';
  return undefined;
}

/** Facts of an open archive, recursing into archives it contains (each opened in place or inflated once). */
export function inspectOpenArchive(archive: MemoryArchive, kind: ArchiveKind, depth = 0): PackageFacts {
  const { limits } = archive;
  const facts: PackageFacts = { path: archive.label, kind };
  if (kind === 'nupkg') Object.assign(facts, nupkgFacts(archive, limits.maxNestedXmlSize));
  else if (kind === 'ispac') Object.assign(facts, ispacFacts(archive, limits.maxNestedXmlSize));
  else if (kind === 'dacpac') Object.assign(facts, dacpacFacts(archive, limits.maxNestedXmlSize));
  if (kind === 'nupkg' || kind === 'zip') {
    const nested: PackageFacts[] = [];
    for (const name of archive.names().sort()) {
      const innerKind = archiveKind(name);
      if (!innerKind || depth + 1 >= MAX_DEPTH) continue;
      const inner = archive.openNested(name, `${archive.label}!/${name}`);
      nested.push(inspectOpenArchive(inner, innerKind, depth + 1));
    }
    if (nested.length > 0) facts.nested = nested;
  }
  return facts;
}

/** Facts of an archive held in memory. `budget` is shared by all the archives of one drop. */
export function inspectArchiveBuffer(data: Buffer, label: string, kind: ArchiveKind, limits: DropLimits, budget = NestedBudget.for(limits)): PackageFacts {
  return inspectOpenArchive(MemoryArchive.fromBuffer(data, label, limits, budget), kind, 0);
}

/**
 * Facts of an archive file inside an extracted drop; `relPath` is how the drop names it. The file is
 * read in place (its directory and the few entries inspected), never loaded whole.
 */
export function inspectArchiveFile(absPath: string, relPath: string, size: number, limits: DropLimits, budget = NestedBudget.for(limits)): PackageFacts {
  const kind = archiveKind(relPath);
  if (!kind) return { path: relPath, kind: 'zip' };
  if (size > limits.maxNestedArchiveSize) {
    throw dropError('DROP_PACKAGE_INVALID', `"${relPath}" is ${size} bytes; packages larger than ${limits.maxNestedArchiveSize} bytes are not inspected.`, {
      package: relPath,
      size,
      limit: limits.maxNestedArchiveSize,
    });
  }
  const archive = MemoryArchive.fromFile(absPath, relPath, limits, budget);
  try {
    return inspectOpenArchive(archive, kind, 0);
  } finally {
    archive.close();
  }
}
