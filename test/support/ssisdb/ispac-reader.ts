import AdmZip from 'adm-zip';

/**
 * What the emulated deploy needs from an .ispac: the project name and the declared parameters.
 * Read independently of the product's ispac reader (plain regular expressions over the XML) so a
 * bug there cannot hide itself here.
 */

export interface EmulatedIspacParameter {
  objectType: 20 | 30;
  /** The package name for package parameters. */
  objectName?: string;
  name: string;
  dataType: string;
  required: boolean;
  sensitive: boolean;
  description: string;
  designDefault: string | null;
}

export interface EmulatedIspac {
  projectName: string;
  description: string;
  packages: string[];
  parameters: EmulatedIspacParameter[];
}

const TYPE_CODES: Record<string, string> = { '3': 'Boolean', '5': 'SByte', '6': 'Byte', '7': 'Int16', '9': 'Int32', '10': 'UInt32', '11': 'Int64', '12': 'UInt64', '13': 'Single', '14': 'Double', '15': 'Decimal', '16': 'DateTime', '18': 'String' };

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function property(xml: string, name: string): string | undefined {
  const m = new RegExp(`<SSIS:Property\\s+SSIS:Name="${name}"\\s*(?:/>|>([\\s\\S]*?)</SSIS:Property>)`).exec(xml);
  return m ? unescapeXml(m[1] ?? '') : undefined;
}

function parameters(xml: string, objectType: 20 | 30, objectName?: string): EmulatedIspacParameter[] {
  const out: EmulatedIspacParameter[] = [];
  for (const m of xml.matchAll(/<SSIS:Parameter\s+SSIS:Name="([^"]+)"\s*>([\s\S]*?)<\/SSIS:Parameter>/g)) {
    const body = m[2]!;
    const value = property(body, 'Value');
    out.push({
      objectType,
      ...(objectName !== undefined ? { objectName } : {}),
      name: unescapeXml(m[1]!),
      dataType: TYPE_CODES[property(body, 'DataType') ?? ''] ?? 'String',
      required: property(body, 'Required') === '1',
      sensitive: property(body, 'Sensitive') === '1',
      description: property(body, 'Description') ?? '',
      designDefault: value === undefined ? null : value,
    });
  }
  return out;
}

/** Reads an .ispac; throws with a deploy-operation-style message when it is not one. */
export function readEmulatedIspac(bytes: Buffer): EmulatedIspac {
  let zip: AdmZip;
  try {
    zip = new AdmZip(bytes);
  } catch {
    throw new Error('The project stream is not a valid project deployment file (.ispac).');
  }
  const text = (name: string) => zip.getEntry(name)?.getData().toString('utf8');
  const manifest = text('@Project.manifest');
  if (manifest === undefined) throw new Error('The project deployment file has no @Project.manifest.');
  const projectName = property(manifest.split('<SSIS:Packages>')[0]!, 'Name');
  if (!projectName) throw new Error('The project manifest has no project name.');
  const packages = [...manifest.matchAll(/<SSIS:Package\s+SSIS:Name="([^"]+)"/g)].map((m) => unescapeXml(m[1]!));
  const params = parameters(text('Project.params') ?? '', 20);
  for (const m of manifest.matchAll(/<SSIS:PackageMetaData\s+SSIS:Name="([^"]+)"\s*>([\s\S]*?)<\/SSIS:PackageMetaData>/g)) {
    params.push(...parameters(m[2]!, 30, unescapeXml(m[1]!)));
  }
  return { projectName, description: property(manifest, 'Description') ?? '', packages, parameters: params };
}
