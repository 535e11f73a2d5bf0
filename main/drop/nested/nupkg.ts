import type { PackageFacts } from '../../../common/drop-model';
import { dropError } from '../drop-errors';
import type { MemoryArchive } from './memory-archive';
import { cleanText, readXmlEntry } from './xml-facts';
import { descend, localName, textOf } from './xml-reader';

/** Facts from the .nuspec at the root of a NuGet package: id, version, authors, description. */
export function nupkgFacts(archive: MemoryArchive, maxXmlSize: number): Partial<PackageFacts> {
  const nuspec = archive.names().find((n) => !n.includes('/') && n.toLowerCase().endsWith('.nuspec'));
  if (!nuspec) throw dropError('DROP_PACKAGE_INVALID', `"${archive.label}" has no .nuspec at its root.`, { package: archive.label });
  const root = readXmlEntry(archive, nuspec, maxXmlSize);
  if (localName(root.name) !== 'package') {
    throw dropError('DROP_PACKAGE_INVALID', `"${nuspec}" in "${archive.label}" has root <${root.name}>, expected <package>.`, { package: archive.label });
  }
  const field = (name: string): string | undefined => {
    const el = descend(root, 'metadata', name);
    return el ? cleanText(textOf(el)) : undefined;
  };
  const facts: Partial<PackageFacts> = {};
  const id = field('id');
  const version = field('version');
  const authors = field('authors');
  const description = field('description');
  if (id !== undefined) facts.id = id;
  if (version !== undefined) facts.version = version;
  if (authors !== undefined) facts.authors = authors;
  if (description !== undefined) facts.description = description;
  return facts;
}
