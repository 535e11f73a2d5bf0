import type { PackageFacts } from '../../../common/drop-model';
import { dropError } from '../drop-errors';
import type { MemoryArchive } from './memory-archive';
import { cleanText, readXmlEntry } from './xml-facts';
import { attribute, childElements, descend, localName, textOf, type XmlElement } from './xml-reader';

type Parameter = NonNullable<PackageFacts['parameters']>[number];

// .NET TypeCode numbers as SSIS writes them in DataType properties.
const TYPE_CODES: Record<string, string> = {
  '3': 'Boolean',
  '5': 'SByte',
  '6': 'Byte',
  '7': 'Int16',
  '9': 'Int32',
  '10': 'UInt32',
  '11': 'Int64',
  '12': 'UInt64',
  '13': 'Single',
  '14': 'Double',
  '15': 'Decimal',
  '16': 'DateTime',
  '18': 'String',
};

/** OPC part names are percent-encoded ("Package%20221.dtsx"); the manifest lists plain names. */
function partName(entryName: string): string {
  try {
    return decodeURIComponent(entryName);
  } catch {
    return entryName;
  }
}

function truthy(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  return undefined;
}

/** `<SSIS:Properties><SSIS:Property SSIS:Name="X">v</SSIS:Property>…` as a name → text map. */
function propertyMap(owner: XmlElement): Map<string, string> {
  const map = new Map<string, string>();
  const properties = descend(owner, 'Properties');
  if (!properties) return map;
  for (const property of childElements(properties, 'Property')) {
    const name = attribute(property, 'Name');
    if (name !== undefined) map.set(name, textOf(property));
  }
  return map;
}

function ssisParameter(element: XmlElement, scope: 'project' | 'package', owner?: string): Parameter | undefined {
  const name = attribute(element, 'Name');
  if (!name) return undefined;
  const props = propertyMap(element);
  const parameter: Parameter = { scope, name };
  if (owner !== undefined) parameter.owner = owner;
  const typeCode = cleanText(props.get('DataType'));
  if (typeCode !== undefined) parameter.dataType = TYPE_CODES[typeCode] ?? `TypeCode ${typeCode}`;
  const sensitive = truthy(props.get('Sensitive'));
  if (sensitive !== undefined) parameter.sensitive = sensitive;
  const required = truthy(props.get('Required'));
  if (required !== undefined) parameter.required = required;
  return parameter;
}

/** Package parameters straight from a .dtsx, used when the manifest carries no PackageInfo for it. */
function dtsxParameters(root: XmlElement, owner: string): Parameter[] {
  const list = descend(root, 'PackageParameters');
  if (!list) return [];
  const out: Parameter[] = [];
  for (const element of childElements(list, 'PackageParameter')) {
    const name = attribute(element, 'ObjectName');
    if (!name) continue;
    const parameter: Parameter = { scope: 'package', owner, name };
    const typeCode = attribute(element, 'DataType');
    if (typeCode !== undefined) parameter.dataType = TYPE_CODES[typeCode] ?? `TypeCode ${typeCode}`;
    const sensitive = truthy(attribute(element, 'Sensitive'));
    if (sensitive !== undefined) parameter.sensitive = sensitive;
    const required = truthy(attribute(element, 'Required'));
    if (required !== undefined) parameter.required = required;
    out.push(parameter);
  }
  return out;
}

/**
 * Facts from an SSIS project deployment file: the project name and version from @Project.manifest,
 * its packages, project parameters from Project.params and package parameters from the manifest's
 * PackageInfo (or from each .dtsx when the manifest lacks it).
 */
export function ispacFacts(archive: MemoryArchive, maxXmlSize: number): Partial<PackageFacts> {
  const names = archive.names();
  const byPart = new Map(names.map((n) => [partName(n), n]));
  const manifestEntry = byPart.get('@Project.manifest');
  if (!manifestEntry) throw dropError('DROP_PACKAGE_INVALID', `"${archive.label}" has no @Project.manifest; it is not an SSIS project (.ispac).`, { package: archive.label });
  const manifest = readXmlEntry(archive, manifestEntry, maxXmlSize);
  if (localName(manifest.name) !== 'Project') {
    throw dropError('DROP_PACKAGE_INVALID', `@Project.manifest in "${archive.label}" has root <${manifest.name}>, expected <SSIS:Project>.`, { package: archive.label });
  }
  const props = propertyMap(manifest);
  const facts: Partial<PackageFacts> = {};
  const projectName = cleanText(props.get('Name'));
  if (projectName === undefined) throw dropError('DROP_PACKAGE_INVALID', `@Project.manifest in "${archive.label}" has no Name property.`, { package: archive.label });
  facts.projectName = projectName;
  facts.id = projectName;
  const versionParts = ['VersionMajor', 'VersionMinor', 'VersionBuild'].map((p) => cleanText(props.get(p)));
  if (versionParts.every((p) => p !== undefined)) facts.version = versionParts.join('.');
  const description = cleanText(props.get('Description'));
  if (description !== undefined) facts.description = description;
  const creator = cleanText(props.get('CreatorName'));
  if (creator !== undefined) facts.authors = creator;

  const listed = childElements(descend(manifest, 'Packages') ?? manifest, 'Package')
    .map((p) => attribute(p, 'Name'))
    .filter((n): n is string => !!n);
  const packages = listed.length > 0 ? listed : [...byPart.keys()].filter((n) => n.toLowerCase().endsWith('.dtsx'));
  facts.packages = packages;

  const parameters: Parameter[] = [];
  const paramsEntry = byPart.get('Project.params');
  if (paramsEntry) {
    const root = readXmlEntry(archive, paramsEntry, maxXmlSize);
    for (const element of childElements(root, 'Parameter')) {
      const parameter = ssisParameter(element, 'project');
      if (parameter) parameters.push(parameter);
    }
  }
  const packageInfo = descend(manifest, 'DeploymentInfo', 'PackageInfo');
  const described = new Set<string>();
  for (const meta of packageInfo ? childElements(packageInfo, 'PackageMetaData') : []) {
    const owner = attribute(meta, 'Name');
    if (!owner) continue;
    described.add(owner);
    for (const element of childElements(descend(meta, 'Parameters') ?? meta, 'Parameter')) {
      const parameter = ssisParameter(element, 'package', owner);
      if (parameter) parameters.push(parameter);
    }
  }
  // A manifest may name a package twice; each .dtsx is parsed once.
  for (const pkg of new Set(packages)) {
    if (described.has(pkg)) continue;
    const entry = byPart.get(pkg);
    if (!entry) throw dropError('DROP_PACKAGE_INVALID', `"${archive.label}" lists package "${pkg}" but does not contain it.`, { package: archive.label, entry: pkg });
    parameters.push(...dtsxParameters(readXmlEntry(archive, entry, maxXmlSize), pkg));
  }
  facts.parameters = parameters;
  return facts;
}
