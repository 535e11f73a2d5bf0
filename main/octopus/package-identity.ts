/**
 * Which package (id and version) a file in the drop's Packages/ folder is. A .nupkg says so in its
 * .nuspec (Calamari ignores the file name for those); other files follow Calamari's file-name rules:
 * the cache form `<id>@<S|M|O><version>@<32 hex>.<ext>` with percent-escaped parts, the 3.x server cache
 * form `<Id>.<Version>_<32 hex>.<ext>`, or plain `<Id>.<SemVer>.<ext>`.
 */
import { AppError } from '../../common/errors';
import { MemoryArchive } from '../drop/nested/memory-archive';
import { descend, localName, parseXml, textOf } from '../drop/nested/xml-reader';

export interface PackageIdentity {
  id: string;
  version: string;
  /** Extension including the dot (`.nupkg`, `.zip`, `.tar.gz`). */
  extension: string;
  source: 'nuspec' | 'file-name';
}

/** Percent-decoding as Calamari's FileNameEscaper does (only %XX sequences). */
function unescapeName(s: string): string {
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const SEMVER = /^\d+(\.\d+){0,3}(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** Identifies a package from its file name alone; null when the name follows none of the rules. */
export function identifyPackageFileName(fileName: string): PackageIdentity | null {
  const sections = fileName.split('@');
  if (sections.length === 3) {
    const [id, version, tail] = sections as [string, string, string];
    const dot = tail.indexOf('.');
    if (id && version.length > 1 && /^[SMO]/.test(version) && dot !== -1) {
      return { id: unescapeName(id), version: unescapeName(version.slice(1)), extension: tail.slice(dot), source: 'file-name' };
    }
    return null;
  }
  let stem = fileName;
  let extension: string;
  const tar = /^(.*)(\.tar(\.[A-Za-z0-9]+)?)$/i.exec(stem);
  if (tar) {
    stem = tar[1]!;
    extension = tar[2]!;
  } else {
    const ext = /^(.*?)(\.[A-Za-z][A-Za-z0-9]*)$/.exec(stem);
    if (!ext) return null;
    stem = ext[1]!;
    extension = ext[2]!;
  }
  stem = stem.replace(/_[0-9A-Fa-f]{32}$/, '');
  // The id is the shortest dotted prefix that leaves a valid semantic version.
  const parts = stem.split('.');
  for (let i = 1; i < parts.length; i++) {
    const id = parts.slice(0, i).join('.');
    const version = parts.slice(i).join('.');
    if (/^\w+([_.-]\w+)*$/.test(id) && SEMVER.test(version)) return { id, version, extension, source: 'file-name' };
  }
  return null;
}

/** Identifies a package file: the nuspec for .nupkg, the file-name rules otherwise. */
export function identifyPackage(data: Buffer, fileName: string): PackageIdentity {
  return identifyPackageWith(fileName, fileName.toLowerCase().endsWith('.nupkg') ? readNuspec(data, fileName) : null);
}

/** The same rules when the nuspec's id and version were already read (by the bounded package inspection). */
export function identifyPackageWith(fileName: string, nuspec: { id?: string | undefined; version?: string | undefined } | null): PackageIdentity {
  if (fileName.toLowerCase().endsWith('.nupkg') && nuspec?.id && nuspec.version) return { id: nuspec.id, version: nuspec.version, extension: '.nupkg', source: 'nuspec' };
  const byName = identifyPackageFileName(fileName);
  if (byName) return byName;
  throw new AppError(
    'OCTOPUS_PACKAGE_UNKNOWN',
    `Cannot tell which package "${fileName}" is: it has no .nuspec and its name is neither <Id>.<Version>.<ext> nor Octopus's <Id>@<Version>@<hash>.<ext>.`,
    'The drop was altered or was not produced by Octopus: ask for it again.',
    { file: fileName },
  );
}

function readNuspec(data: Buffer, fileName: string): { id: string; version: string } | null {
  let zip: MemoryArchive;
  try {
    zip = MemoryArchive.fromBuffer(data, fileName);
  } catch {
    throw new AppError('OCTOPUS_PACKAGE_INVALID', `"${fileName}" is not a readable NuGet package (not a zip).`, 'The drop is damaged: ask for it again.', { file: fileName });
  }
  const entry = zip.names().find((n) => !n.includes('/') && n.toLowerCase().endsWith('.nuspec'));
  if (!entry) return null;
  try {
    const root = parseXml(zip.read(entry, zip.limits.maxNestedXmlSize));
    if (localName(root.name) !== 'package') return null;
    const id = descend(root, 'metadata', 'id');
    const version = descend(root, 'metadata', 'version');
    if (!id || !version) return null;
    return { id: textOf(id).trim(), version: textOf(version).trim() };
  } catch {
    return null;
  }
}
