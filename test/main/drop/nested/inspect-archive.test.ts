import AdmZip from 'adm-zip';
import { describe, expect, it } from 'vitest';
import { inspectArchiveBuffer } from '../../../../main/drop/nested/inspect-archive';
import { resolveLimits } from '../../../../main/drop/limits';
import { buildIspac, clinicalFeedsIspac } from '../../../support/fixtures/ispac-builder';
import { craftZip } from '../../../support/fixtures/raw-zip';

const limits = resolveLimits();

function zipOf(files: Record<string, string | Buffer>): Buffer {
  const zip = new AdmZip();
  for (const [name, data] of Object.entries(files)) zip.addFile(name, Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'));
  return zip.toBuffer();
}

const NUSPEC = `<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>Meridian.ClinicalFeeds</id>
    <version>2.4.0</version>
    <authors>Meridian Health Integrations</authors>
    <description>SSIS feeds for the
      Clinical Data Hub &amp; friends.</description>
  </metadata>
</package>`;

const DAC_METADATA = `<?xml version="1.0" encoding="utf-8"?>
<DacType xmlns="http://schemas.microsoft.com/sqlserver/dac/Serialization/2012/02">
  <Name>CDH_Staging</Name>
  <Version>2.4.0.17</Version>
</DacType>`;

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('nested archive facts', () => {
  it('reads an .ispac: name, version, packages, project and package parameters', () => {
    const facts = inspectArchiveBuffer(clinicalFeedsIspac('2.4.0'), 'packages/ssis/ClinicalFeeds.ispac', 'ispac', limits);
    expect(facts).toMatchObject({ kind: 'ispac', projectName: 'ClinicalFeeds', version: '2.4.0', packages: ['LoadAdmissions.dtsx'] });
    expect(facts.parameters?.filter((p) => p.scope === 'project' && p.sensitive).map((p) => p.name)).toEqual(['StagingConnectionString', 'SftpPassword', 'ApiKey']);
    expect(facts.parameters?.find((p) => p.name === 'BatchSize')).toEqual({ scope: 'package', owner: 'LoadAdmissions.dtsx', name: 'BatchSize', dataType: 'Int32', sensitive: false, required: false });
    expect(facts.parameters?.find((p) => p.name === 'EnableRealTimeAdt')?.dataType).toBe('Boolean');
  });

  it('falls back to the .dtsx for package parameters and decodes percent-encoded part names', () => {
    const ispac = buildIspac({
      projectName: 'Spaced',
      version: { major: 1, minor: 0, build: 3 },
      packages: [{ name: 'Load Lab Results.dtsx', parameters: [{ name: 'Cutoff', dataType: 16, required: true, sensitive: true }] }],
      packageInfoInManifest: false,
    });
    expect(new AdmZip(ispac).getEntries().map((e) => e.entryName)).toContain('Load%20Lab%20Results.dtsx');
    const facts = inspectArchiveBuffer(ispac, 'spaced.ispac', 'ispac', limits);
    expect(facts.packages).toEqual(['Load Lab Results.dtsx']);
    expect(facts.parameters).toEqual([{ scope: 'package', owner: 'Load Lab Results.dtsx', name: 'Cutoff', dataType: 'DateTime', sensitive: true, required: true }]);
  });

  it('reads a .nupkg and the archives nested in it', () => {
    const nupkg = zipOf({ 'Meridian.ClinicalFeeds.nuspec': NUSPEC, 'content/ClinicalFeeds.ispac': clinicalFeedsIspac('2.4.0'), 'content/readme.txt': 'hi' });
    const facts = inspectArchiveBuffer(nupkg, 'Packages/Meridian.ClinicalFeeds.2.4.0.nupkg', 'nupkg', limits);
    expect(facts).toMatchObject({
      kind: 'nupkg',
      id: 'Meridian.ClinicalFeeds',
      version: '2.4.0',
      authors: 'Meridian Health Integrations',
      description: 'SSIS feeds for the Clinical Data Hub & friends.',
    });
    expect(facts.nested?.map((n) => [n.path, n.kind, n.projectName])).toEqual([['Packages/Meridian.ClinicalFeeds.2.4.0.nupkg!/content/ClinicalFeeds.ispac', 'ispac', 'ClinicalFeeds']]);
  });

  it('reads a .dacpac model name and version', () => {
    const facts = inspectArchiveBuffer(zipOf({ 'DacMetadata.xml': DAC_METADATA, 'model.xml': '<DataSchemaModel/>' }), 'db/CDH.dacpac', 'dacpac', limits);
    expect(facts).toMatchObject({ kind: 'dacpac', modelName: 'CDH_Staging', version: '2.4.0.17' });
  });

  it('refuses what is not a zip (DROP_PACKAGE_INVALID)', () => {
    expect(codeOf(() => inspectArchiveBuffer(Buffer.from('not a zip at all'), 'x.nupkg', 'nupkg', limits))).toBe('DROP_PACKAGE_INVALID');
  });

  it('refuses an .ispac without @Project.manifest (DROP_PACKAGE_INVALID)', () => {
    expect(codeOf(() => inspectArchiveBuffer(zipOf({ 'Project.params': '<x/>' }), 'x.ispac', 'ispac', limits))).toBe('DROP_PACKAGE_INVALID');
  });

  it('refuses a .nupkg without a .nuspec and a .dacpac without DacMetadata.xml', () => {
    expect(codeOf(() => inspectArchiveBuffer(zipOf({ 'lib/a.dll': 'MZ' }), 'x.nupkg', 'nupkg', limits))).toBe('DROP_PACKAGE_INVALID');
    expect(codeOf(() => inspectArchiveBuffer(zipOf({ 'model.xml': '<a/>' }), 'x.dacpac', 'dacpac', limits))).toBe('DROP_PACKAGE_INVALID');
  });

  it('names the entry and line of malformed XML', () => {
    try {
      inspectArchiveBuffer(zipOf({ 'a.nuspec': '<package>\n<metadata>\n</package>' }), 'bad.nupkg', 'nupkg', limits);
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe('DROP_PACKAGE_INVALID');
      expect((error as Error).message).toContain('"a.nuspec" in "bad.nupkg"');
      expect((error as Error).message).toContain('line 3');
    }
  });

  it('refuses an entry whose declared size understates what it inflates to (DROP_PACKAGE_INVALID)', () => {
    const bomb = craftZip([{ name: 'a.nuspec', data: Buffer.alloc(2 * 1024 * 1024, 0x20), uncompressedSize: 100 }]);
    expect(codeOf(() => inspectArchiveBuffer(bomb, 'bomb.nupkg', 'nupkg', { ...limits, maxNestedXmlSize: 4096 }))).toBe('DROP_PACKAGE_INVALID');
  });

  it('refuses a nested entry with a wrong CRC (DROP_PACKAGE_INVALID)', () => {
    const bad = craftZip([{ name: 'DacMetadata.xml', data: DAC_METADATA, crc: 1 }]);
    expect(codeOf(() => inspectArchiveBuffer(bad, 'crc.dacpac', 'dacpac', limits))).toBe('DROP_PACKAGE_INVALID');
  });

  it('refuses central-directory entries that share one payload (DROP_ZIP_BOMB), before inflating anything', () => {
    const entries = [{ name: 'a.nuspec', data: NUSPEC }, ...Array.from({ length: 300 }, (_, i) => ({ name: `copy${i}.xml`, shareDataWith: 0 }))];
    const shared = craftZip(entries);
    expect(codeOf(() => inspectArchiveBuffer(shared, 'shared.nupkg', 'nupkg', limits))).toBe('DROP_ZIP_BOMB');
  });

  it('applies the outer limits to nested archives: entry count, per-entry size and ratio', () => {
    const many = zipOf(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}.txt`, 'x'])));
    expect(codeOf(() => inspectArchiveBuffer(many, 'many.nupkg', 'nupkg', { ...limits, maxEntries: 10 }))).toBe('DROP_TOO_MANY_ENTRIES');
    const big = zipOf({ 'a.nuspec': NUSPEC, 'big.bin': Buffer.alloc(4 * 1024 * 1024) });
    expect(codeOf(() => inspectArchiveBuffer(big, 'big.nupkg', 'nupkg', { ...limits, maxFileSize: 1024 * 1024 }))).toBe('DROP_TOO_LARGE');
    expect(codeOf(() => inspectArchiveBuffer(big, 'big.nupkg', 'nupkg', limits))).toBe('DROP_ZIP_BOMB');
  });

  it('spends one byte budget across all nested reads of a drop (DROP_TOO_LARGE names the entry)', () => {
    const nupkg = zipOf({ 'a.nuspec': NUSPEC });
    try {
      inspectArchiveBuffer(nupkg, 'small.nupkg', 'nupkg', { ...limits, maxNestedReadTotal: 100 });
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe('DROP_TOO_LARGE');
      expect((error as Error).message).toContain('"a.nuspec" in "small.nupkg"');
    }
  });

  it('parses a package that a manifest lists several times once (each nested entry is inflated at most once)', () => {
    const manifest = `<SSIS:Project xmlns:SSIS="www.microsoft.com/SqlServer/SSIS"><SSIS:Properties><SSIS:Property SSIS:Name="Name">Twice</SSIS:Property></SSIS:Properties>
<SSIS:Packages>${'<SSIS:Package SSIS:Name="Load.dtsx"/>'.repeat(50)}</SSIS:Packages></SSIS:Project>`;
    const dtsx = '<DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts"><DTS:PackageParameters><DTS:PackageParameter DTS:ObjectName="P" DTS:DataType="18"/></DTS:PackageParameters></DTS:Executable>';
    const facts = inspectArchiveBuffer(zipOf({ '@Project.manifest': manifest, 'Load.dtsx': dtsx }), 'twice.ispac', 'ispac', limits);
    expect(facts.parameters).toEqual([{ scope: 'package', owner: 'Load.dtsx', name: 'P', dataType: 'String' }]);
  });

  it('reads a package stored inside a package in place, and caps one deflated inside at maxInflatedNestedArchive', () => {
    const inner = zipOf({ 'DacMetadata.xml': DAC_METADATA });
    const stored = craftZip([{ name: 'a.nuspec', data: NUSPEC }, { name: 'db/CDH.dacpac', data: inner, method: 0 }]);
    expect(inspectArchiveBuffer(stored, 'outer.nupkg', 'nupkg', limits).nested).toEqual([{ path: 'outer.nupkg!/db/CDH.dacpac', kind: 'dacpac', modelName: 'CDH_Staging', version: '2.4.0.17' }]);
    const deflated = craftZip([{ name: 'a.nuspec', data: NUSPEC }, { name: 'db/CDH.dacpac', data: inner }]);
    expect(codeOf(() => inspectArchiveBuffer(deflated, 'outer.nupkg', 'nupkg', { ...limits, maxInflatedNestedArchive: 16 }))).toBe('DROP_PACKAGE_INVALID');
    expect(inspectArchiveBuffer(deflated, 'outer.nupkg', 'nupkg', limits).nested?.[0]?.modelName).toBe('CDH_Staging');
  });
});

