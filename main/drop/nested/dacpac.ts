import type { PackageFacts } from '../../../common/drop-model';
import { dropError } from '../drop-errors';
import type { MemoryArchive } from './memory-archive';
import { cleanText, readXmlEntry } from './xml-facts';
import { firstChild, localName, textOf } from './xml-reader';

/** Facts from DacMetadata.xml in a .dacpac: the model (database) name and version. */
export function dacpacFacts(archive: MemoryArchive, maxXmlSize: number): Partial<PackageFacts> {
  const entry = archive.names().find((n) => n.toLowerCase() === 'dacmetadata.xml');
  if (!entry) throw dropError('DROP_PACKAGE_INVALID', `"${archive.label}" has no DacMetadata.xml.`, { package: archive.label });
  const root = readXmlEntry(archive, entry, maxXmlSize);
  if (localName(root.name) !== 'DacType') {
    throw dropError('DROP_PACKAGE_INVALID', `DacMetadata.xml in "${archive.label}" has root <${root.name}>, expected <DacType>.`, { package: archive.label });
  }
  const facts: Partial<PackageFacts> = {};
  const nameEl = firstChild(root, 'Name');
  const versionEl = firstChild(root, 'Version');
  const description = firstChild(root, 'Description');
  const name = nameEl ? cleanText(textOf(nameEl)) : undefined;
  const version = versionEl ? cleanText(textOf(versionEl)) : undefined;
  if (name !== undefined) facts.modelName = name;
  if (version !== undefined) facts.version = version;
  const desc = description ? cleanText(textOf(description)) : undefined;
  if (desc !== undefined) facts.description = desc;
  return facts;
}
