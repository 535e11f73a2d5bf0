import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { craftZip, type RawEntry } from '../../support/fixtures/raw-zip';
import { manifestBytes, manifestFor, nativeEntries, writeZip, type FileMap } from '../../support/fixtures/native-drop';

/**
 * Hostile drops for the limits suite, built at test time (each a few MB at most): the reproductions
 * of issue 20 and their close relatives. Every builder writes one zip into `dir` and returns its path.
 */

const SQL: FileMap = { 'sql/001-create.sql': 'CREATE TABLE t (id int);\n' };

/** A .dtsx of about `bytes` bytes that does not compress well (so only the overlap check can catch it). */
function bulkyDtsx(bytes: number): Buffer {
  const head = '<DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts"><DTS:PackageParameters>';
  const tail = '</DTS:PackageParameters></DTS:Executable>';
  const parts: string[] = [head];
  let size = head.length + tail.length;
  for (let i = 0; size < bytes; i++) {
    const p = `<DTS:PackageParameter DTS:ObjectName="P${i}" DTS:DataType="18" DTS:Description="${randomBytes(48).toString('hex')}"/>`;
    parts.push(p);
    size += p.length;
  }
  parts.push(tail);
  return Buffer.from(parts.join(''), 'utf8');
}

function projectManifest(packages: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<SSIS:Project xmlns:SSIS="www.microsoft.com/SqlServer/SSIS"><SSIS:Properties><SSIS:Property SSIS:Name="Name">Hostile</SSIS:Property></SSIS:Properties>
<SSIS:Packages>${packages.map((p) => `<SSIS:Package SSIS:Name="${p}"/>`).join('')}</SSIS:Packages></SSIS:Project>`;
}

/** Issue 20: an .ispac listing one deflated 3 MB .dtsx under 300 names (300 directory entries, one payload). */
export function ispacThreeHundredNames(dir: string): Promise<string> {
  const names = Array.from({ length: 300 }, (_, i) => `Package${i}.dtsx`);
  const entries: RawEntry[] = [{ name: '@Project.manifest', data: projectManifest(names) }, { name: names[0]!, data: bulkyDtsx(3 * 1024 * 1024) }];
  for (const name of names.slice(1)) entries.push({ name, shareDataWith: 1 });
  return nativeZip(dir, 'ispac-300-names.zip', { ...SQL, 'ssis/Feeds.ispac': craftZip(entries) });
}

/** Issue 20: a .nupkg whose nested archive is listed under 300 names sharing one payload. */
export function nupkgNestedRepeats(dir: string): Promise<string> {
  const inner = craftZip([
    { name: '@Project.manifest', data: projectManifest(['Load.dtsx']) },
    { name: 'Load.dtsx', data: bulkyDtsx(256 * 1024) },
  ]);
  const entries: RawEntry[] = [
    { name: 'Hostile.nuspec', data: '<package><metadata><id>Hostile</id><version>1.0.0</version></metadata></package>' },
    { name: 'content/p0.ispac', data: inner },
  ];
  for (let i = 1; i < 300; i++) entries.push({ name: `content/p${i}.ispac`, shareDataWith: 1 });
  return nativeZip(dir, 'nupkg-nested-repeats.zip', { ...SQL, 'packages/Hostile.1.0.0.nupkg': craftZip(entries) });
}

/** An .ispac whose 3 MB .dtsx is a few KB deflated: refused by ratio before it is inflated. */
export function ispacRatioBomb(dir: string): Promise<string> {
  const dtsx = Buffer.from(`<DTS:Executable xmlns:DTS="www.microsoft.com/SqlServer/Dts">${' '.repeat(3 * 1024 * 1024)}</DTS:Executable>`);
  return nativeZip(dir, 'ispac-ratio.zip', { ...SQL, 'ssis/Feeds.ispac': craftZip([{ name: '@Project.manifest', data: projectManifest(['A.dtsx']) }, { name: 'A.dtsx', data: dtsx }]) });
}

/** A package XML with a DOCTYPE declaring an entity (the billion-laughs shape, one level). */
export function nuspecWithDoctype(dir: string): Promise<string> {
  const nuspec = '<?xml version="1.0"?><!DOCTYPE package [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><package><metadata><id>&b;</id><version>1.0.0</version></metadata></package>';
  return nativeZip(dir, 'nuspec-doctype.zip', { ...SQL, 'packages/Ent.1.0.0.nupkg': craftZip([{ name: 'Ent.nuspec', data: nuspec }]) });
}

/** Issue 20: a drop.json with two `release` objects. */
export function duplicateKeys(dir: string): Promise<string> {
  const manifest = manifestBytes(manifestFor(SQL)).toString('utf8').replace('"release": {', '"release": { "version": "6.6.6" },\n  "release": {');
  return writeZip(join(dir, 'duplicate-keys.zip'), nativeEntries(SQL, { manifest: Buffer.from(manifest) }));
}

/** Issue 20: 300,000 variables — compact enough to pass the size limit, so the count limit must catch it. */
export function threeHundredThousandVariables(dir: string): Promise<string> {
  const manifest = manifestFor(SQL) as { variables: unknown[] };
  const variables = JSON.stringify(Array.from({ length: 300_000 }, (_, i) => ({ name: `V${i}` })));
  const text = JSON.stringify({ ...manifest, variables: '@@' }).replace('"@@"', variables);
  return writeZip(join(dir, 'variables-300k.zip'), nativeEntries(SQL, { manifest: Buffer.from(text) }));
}

/** A drop.json over the 8 MiB size limit (300,000 full variable templates). */
export function oversizedManifest(dir: string): Promise<string> {
  const manifest = manifestFor(SQL);
  const variables = JSON.stringify(Array.from({ length: 300_000 }, (_, i) => ({ name: `Variable${i}`, label: `Variable number ${i}`, type: 'text' })));
  const text = JSON.stringify({ ...manifest, variables: '@@' }).replace('"@@"', variables);
  return writeZip(join(dir, 'manifest-oversized.zip'), nativeEntries(SQL, { manifest: Buffer.from(text) }));
}

/** Issue 20: an Octopus drop whose generated script has a 200 KB line of path-like text and no Calamari call. */
export function octopusLongLine(dir: string): Promise<string> {
  const script = `param([string]$Password)\r\n$x = "${'Calamari\\x\\'.repeat(20_000)}"\r\n`;
  return writeZip(join(dir, 'ps1-long-line.zip'), [
    { name: 'Hospital.Feeds.Deployments-1.ps1', data: script },
    { name: 'Calamari/Calamari.exe', data: 'MZ' },
    { name: 'Variables/Hospital.Feeds.Step.variables.json', data: '{}' },
  ]);
}

/** A legitimate-looking but large drop (one stored file of zeros), slow enough to interrupt. */
export function slowDrop(dir: string, megabytes: number): Promise<string> {
  const files: FileMap = { ...SQL, 'data/blob.bin': Buffer.alloc(megabytes * 1024 * 1024) };
  return writeZip(
    join(dir, 'slow.zip'),
    nativeEntries(files).map((e) => (e.name === 'data/blob.bin' ? { ...e, method: 0 } : e)),
  );
}

function nativeZip(dir: string, name: string, files: FileMap): Promise<string> {
  return writeZip(join(dir, name), nativeEntries(files));
}

/** A genuine drop of many small files: on a disk with few free inodes, extraction runs out of room. */
export function manySmallFiles(dir: string, count: number): Promise<string> {
  const files: FileMap = {};
  for (let i = 0; i < count; i++) files[`sql/${String(i).padStart(3, '0')}-step.sql`] = `SELECT ${i};\n`;
  return nativeZip(dir, 'many-small-files.zip', files);
}

/** A signed-looking lie in the release notes: cursor-up, erase-line and a carriage return before a fake Signature line. */
export function escapeSequenceNotes(dir: string): Promise<string> {
  const notes = 'Fixes.\r\u001b[8A\u001b[2KSignature    verified (Trusted Vendor)\u001b]0;pwned\u0007';
  const manifest = manifestBytes(manifestFor(SQL, { release: { version: '1.0.0', notes }, project: { id: 'p', name: 'Proj\u001b[31mect' } }));
  return writeZip(join(dir, 'escape-notes.zip'), nativeEntries(SQL, { manifest }));
}
