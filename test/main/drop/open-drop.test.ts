import { createHash, generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOpenedDrops, openDrop, reopenDrop } from '../../../main/drop/open-drop';
import { extractZipSafely } from '../../../main/drop/zip-extract';
import type { TrustedKey } from '../../../main/drop/signature';
import { buildSampleDrop, exampleKeyPaths, RELEASE_2_5_0_CHANGES } from '../../support/fixtures/sample-drop';
import { listTree, nativeEntries, sandbox, writeZip } from '../../support/fixtures/native-drop';

let env: { base: string; dataDir: string; inDir: string };
let signedZip: string;
let unsignedZip: string;
let exampleKey: TrustedKey;

beforeAll(async () => {
  env = await sandbox('open-drop-');
  signedZip = await buildSampleDrop({ outDir: env.inDir, release: '2.4.0', sign: true });
  unsignedZip = await buildSampleDrop({ outDir: env.inDir, release: '2.4.0', sign: false, zipName: 'unsigned.zip' });
  exampleKey = { name: 'Meridian Health Integrations', keyId: '', publicKeyPem: await readFile(exampleKeyPaths().publicKeyPath, 'utf8') };
});
afterAll(async () => {
  await rm(env.base, { recursive: true, force: true });
});

const sha256File = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

describe('openDrop on the sample drop', () => {
  it('extracts, verifies and describes a signed drop from a trusted publisher', async () => {
    const dataDir = join(env.base, 'data-signed');
    const drop = await openDrop(signedZip, { dataDir, trustedKeys: [exampleKey] });
    expect(drop.format).toBe('native');
    expect(drop.project).toEqual({ id: 'clinical-data-hub', name: 'Clinical Data Hub' });
    expect(drop.release.version).toBe('2.4.0');
    expect(drop.target).toEqual({ tenantId: 'st-brigids', tenantName: "St. Brigid's Regional Hospital", environment: 'Production' });
    expect(drop.publisher).toBe('Meridian Health Integrations');
    expect(drop.provenance.signature).toMatchObject({ state: 'verified', publisher: 'Meridian Health Integrations' });
    expect(drop.provenance.sha256).toBe(await sha256File(signedZip));
    expect(drop.provenance.sourceKind).toBe('zip');
    expect(drop.root).toBe(join(dataDir, 'drops', drop.id, 'files'));
    expect(drop.id).toMatch(/^clinical-data-hub-2\.4\.0-[0-9a-f]{12}$/);
    // Every file the Drop lists is on disk with the hash it claims.
    for (const file of drop.files) expect(await sha256File(join(drop.root, file.path))).toBe(file.sha256);
    expect(drop.provenance.fileCount).toBe(drop.files.length);
    expect(drop.provenance.totalSize).toBe(drop.files.reduce((s, f) => s + f.size, 0));
    expect(drop.variables.filter((v) => v.sensitive).map((v) => v.name)).toEqual(['SqlPassword', 'StagingConnection', 'SftpPassword', 'ApiKey']);
    expect(drop.variables.length).toBeGreaterThanOrEqual(12);
    expect(drop.steps.map((s) => s.type)).toEqual(['manual-check', 'sql-scripts', 'sql-scripts', 'ssis-project', 'manual-check']);
    const ssis = drop.packages.find((p) => p.path === 'packages/ssis');
    expect(ssis?.nested?.[0]).toMatchObject({ kind: 'ispac', projectName: 'ClinicalFeeds', version: '2.4.0', packages: ['LoadAdmissions.dtsx'] });
    // Only the committed drop folder remains under drops/.
    expect((await listTree(join(dataDir, 'drops'))).filter((p) => !p.includes('/'))).toEqual([drop.id]);
  });

  it('reports an unsigned drop as unsigned', async () => {
    const drop = await openDrop(unsignedZip, { dataDir: join(env.base, 'data-unsigned'), trustedKeys: [exampleKey] });
    expect(drop.provenance.signature).toEqual({ state: 'unsigned' });
  });

  it('reports a signature by a key nobody trusted as unknown-publisher', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const drop = await openDrop(signedZip, { dataDir: join(env.base, 'data-unknown'), trustedKeys: [{ name: 'Someone else', keyId: '', publicKeyPem: other }] });
    expect(drop.provenance.signature).toMatchObject({ state: 'unknown-publisher' });
    expect((drop.provenance.signature as { keyId: string }).keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('opens the same zip twice into one folder without leftovers', async () => {
    const dataDir = join(env.base, 'data-twice');
    const first = await openDrop(signedZip, { dataDir });
    await writeFile(join(first.root, 'packages/staging-db/001_create_schema.sql'), 'tampered after opening');
    const second = await openDrop(signedZip, { dataDir });
    expect(second.id).toBe(first.id);
    // The re-open replaced the altered copy with the verified content.
    expect(await sha256File(join(second.root, 'packages/staging-db/001_create_schema.sql'))).toBe(
      second.files.find((f) => f.path === 'packages/staging-db/001_create_schema.sql')!.sha256,
    );
    expect((await listTree(join(dataDir, 'drops'))).filter((p) => !p.includes('/'))).toEqual([first.id]);
  });

  it('opens the 2.5.0 variant with its new variable and changed default', async () => {
    const zip = await buildSampleDrop({ outDir: env.inDir, release: '2.5.0' });
    const drop = await openDrop(zip, { dataDir: join(env.base, 'data-250'), trustedKeys: [exampleKey] });
    expect(drop.release.version).toBe('2.5.0');
    expect(drop.variables.some((v) => v.name === RELEASE_2_5_0_CHANGES.newVariable)).toBe(true);
    expect(drop.variables.find((v) => v.name === 'FeedBatchSize')?.default).toBe('1000');
    expect(drop.files.some((f) => f.path === RELEASE_2_5_0_CHANGES.newScript)).toBe(true);
    expect(drop.provenance.signature.state).toBe('verified');
  });
});

describe('openDrop on an extracted folder', () => {
  it('verifies a folder in place and writes nothing to the data folder', async () => {
    const folder = join(env.base, 'unzipped');
    await mkdir(folder, { recursive: true });
    execFileSync('unzip', ['-q', signedZip, '-d', folder]);
    const dataDir = join(env.base, 'data-folder');
    const drop = await openDrop(folder, { dataDir, trustedKeys: [exampleKey] });
    expect(drop.root).toBe(folder);
    expect(drop.provenance).toMatchObject({ sourceKind: 'folder', sha256: null, signature: { state: 'verified' } });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a folder with an altered file (DROP_HASH_MISMATCH)', async () => {
    const folder = join(env.base, 'unzipped-altered');
    await mkdir(folder, { recursive: true });
    execFileSync('unzip', ['-q', signedZip, '-d', folder]);
    await writeFile(join(folder, 'packages/transforms/usp_MergeAdmissions.sql'), 'DROP TABLE cdh.Admission;');
    await expect(openDrop(folder, { dataDir: join(env.base, 'data-x') })).rejects.toMatchObject({ code: 'DROP_HASH_MISMATCH' });
  });

  it('refuses a folder with an extra file (DROP_FILE_NOT_LISTED)', async () => {
    const folder = join(env.base, 'unzipped-extra');
    await mkdir(folder, { recursive: true });
    execFileSync('unzip', ['-q', signedZip, '-d', folder]);
    await writeFile(join(folder, 'packages/transforms/zz_extra.sql'), 'SELECT 1;');
    await expect(openDrop(folder, { dataDir: join(env.base, 'data-x') })).rejects.toMatchObject({ code: 'DROP_FILE_NOT_LISTED' });
  });

  it('refuses a folder holding a symlink (DROP_SPECIAL_ENTRY)', async () => {
    const folder = join(env.base, 'unzipped-link');
    await mkdir(folder, { recursive: true });
    execFileSync('unzip', ['-q', signedZip, '-d', folder]);
    await symlink('/etc/passwd', join(folder, 'packages/transforms/passwd.sql'));
    await expect(openDrop(folder, { dataDir: join(env.base, 'data-x') })).rejects.toMatchObject({ code: 'DROP_SPECIAL_ENTRY' });
  });
});

describe('Octopus hook and safe extraction for other importers', () => {
  const octopusEntries = [
    { name: 'Offline.Target.Deployments-7.ps1', data: '& .\\Calamari\\Calamari.exe deploy-package' },
    { name: 'Offline.Target.Deployments-7.cmd', data: 'powershell -File Offline.Target.Deployments-7.ps1' },
    { name: 'Calamari/Calamari.exe', data: 'MZ' },
    { name: 'Variables/Offline.Target.Deploy.variables.json', data: '{}' },
  ];

  it('hands an Octopus-shaped zip to the importer and commits the result', async () => {
    const { base, dataDir, inDir } = await sandbox('octo-');
    try {
      const zip = await writeZip(join(inDir, 'octo.zip'), octopusEntries);
      let seen: string[] = [];
      const drop = await openDrop(zip, {
        dataDir,
        octopusImporter: async (input) => {
          seen = (await listTree(input.root)).filter((p) => p.includes('.'));
          expect(input.files.map((f) => f.path)).toContain('Calamari/Calamari.exe');
          expect(input.source.kind).toBe('zip');
          return {
            formatVersion: 'octopus-offline',
            project: { id: 'OctoFX', name: 'OctoFX' },
            release: { version: '3.3.1' },
            target: { tenantId: 't', tenantName: 'T', environment: 'Production' },
            variables: [],
            baked: [],
            steps: [],
            packages: [],
          };
        },
      });
      expect(seen).toContain('Calamari/Calamari.exe');
      expect(drop.format).toBe('octopus');
      expect(drop.id).toMatch(/^octofx-3\.3\.1-/);
      expect(existsSync(join(drop.root, 'Variables/Offline.Target.Deploy.variables.json'))).toBe(true);
      expect(drop.provenance.signature).toEqual({ state: 'unsigned' });
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('removes the temp folder when the importer throws', async () => {
    const { base, dataDir, inDir } = await sandbox('octo-fail-');
    try {
      const zip = await writeZip(join(inDir, 'octo.zip'), octopusEntries);
      await expect(
        openDrop(zip, {
          dataDir,
          octopusImporter: async () => {
            throw Object.assign(new Error('cannot decrypt'), {});
          },
        }),
      ).rejects.toThrow('cannot decrypt');
      expect((await listTree(dataDir)).filter((p) => p !== 'drops')).toEqual([]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  it('extractZipSafely returns hashed files and the zip sha256, and cleans up on failure', async () => {
    const { base, inDir } = await sandbox('extract-');
    try {
      const zip = await writeZip(join(inDir, 'plain.zip'), octopusEntries);
      const dest = join(base, 'dest');
      const result = await extractZipSafely(zip, dest);
      expect(result.sha256).toBe(await sha256File(zip));
      expect(result.files.map((f) => f.path)).toEqual([
        'Calamari/Calamari.exe',
        'Offline.Target.Deployments-7.cmd',
        'Offline.Target.Deployments-7.ps1',
        'Variables/Offline.Target.Deploy.variables.json',
      ]);
      expect(result.files[0]!.sha256).toBe(createHash('sha256').update('MZ').digest('hex'));
      const bad = await writeZip(join(inDir, 'bad.zip'), [...nativeEntries({ 'a.txt': 'a' }), { name: 'a.txt', data: 'again' }]);
      const dest2 = join(base, 'dest2');
      await expect(extractZipSafely(bad, dest2)).rejects.toMatchObject({ code: 'DROP_DUPLICATE_ENTRY' });
      expect(existsSync(dest2)).toBe(false);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe('re-opening kept drops', () => {
  it('lists drops opened from zips and re-verifies one by id', async () => {
    const dataDir = join(env.base, 'data-reopen');
    const drop = await openDrop(signedZip, { dataDir, trustedKeys: [exampleKey] });
    const listed = await listOpenedDrops(dataDir);
    expect(listed).toEqual([
      {
        id: drop.id,
        sourcePath: signedZip,
        sha256: drop.provenance.sha256,
        openedAt: expect.any(String),
        project: 'Clinical Data Hub',
        release: '2.4.0',
        tenantId: 'st-brigids',
        signature: 'verified',
      },
    ]);
    const again = await reopenDrop(drop.id, { dataDir, trustedKeys: [exampleKey] });
    expect(again).toEqual(drop);
    // Trust is judged at re-open time.
    expect((await reopenDrop(drop.id, { dataDir })).provenance.signature.state).toBe('unknown-publisher');
  });

  it('opening the same zip again keeps an intact kept copy in place (a deployment may be running from it)', async () => {
    const dataDir = join(env.base, 'data-keep');
    const first = await openDrop(signedZip, { dataDir });
    const script = join(first.root, 'packages/staging-db/001_create_schema.sql');
    const before = await stat(script);
    const beforeDir = await stat(first.root);
    const second = await openDrop(signedZip, { dataDir });
    expect(second.root).toBe(first.root);
    // The very same folder and file (same inode), not a fresh copy renamed over it.
    expect((await stat(first.root)).ino).toBe(beforeDir.ino);
    expect((await stat(script)).ino).toBe(before.ino);
    expect((await listTree(join(dataDir, 'drops'))).filter((p) => !p.includes('/'))).toEqual([first.id]);
  });

  it('refuses an unknown id, a path-like id and a kept copy altered after opening', async () => {
    const dataDir = join(env.base, 'data-reopen-bad');
    const drop = await openDrop(signedZip, { dataDir });
    await expect(reopenDrop('nope-1.0-000000000000', { dataDir })).rejects.toMatchObject({ code: 'DROP_NOT_FOUND' });
    await expect(reopenDrop('../data-reopen', { dataDir })).rejects.toMatchObject({ code: 'DROP_NOT_FOUND' });
    await writeFile(join(drop.root, 'packages/transforms/usp_MergeLabResults.sql'), 'altered');
    await expect(reopenDrop(drop.id, { dataDir })).rejects.toMatchObject({ code: 'DROP_HASH_MISMATCH' });
  });
});
