import AdmZip from 'adm-zip';
import { createHash } from 'node:crypto';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDrop } from '../../../main/drop/open-drop';
import { packDrop } from '../../../main/drop/pack';
import { listTree, sandbox } from '../../support/fixtures/native-drop';
import { exampleKeyPaths, writeSampleDropFolder } from '../../support/fixtures/sample-drop';

let env: { base: string; dataDir: string; inDir: string };
let folder: string;
beforeAll(async () => {
  env = await sandbox('pack-');
  folder = await writeSampleDropFolder(join(env.inDir, 'sample'));
});
afterAll(async () => {
  await rm(env.base, { recursive: true, force: true });
});

describe('packDrop', () => {
  it('writes files and hashes into the zipped drop.json and leaves the source drop.json alone', async () => {
    const source = await readFile(join(folder, 'drop.json'), 'utf8');
    const result = await packDrop(folder, join(env.base, 'out', 'a.zip'));
    expect(await readFile(join(folder, 'drop.json'), 'utf8')).toBe(source);
    const zip = new AdmZip(result.zipPath);
    const names = zip.getEntries().map((e) => e.entryName);
    expect(names[0]).toBe('drop.json');
    expect(names.slice(1)).toEqual([...names.slice(1)].sort());
    expect(names).not.toContain('drop.sig');
    const manifest = JSON.parse(zip.readAsText('drop.json')) as { files: Array<{ path: string; sha256: string }> };
    expect(manifest.files.map((f) => f.path)).toEqual(names.slice(1));
    for (const file of manifest.files) {
      expect(createHash('sha256').update(await readFile(join(folder, file.path))).digest('hex')).toBe(file.sha256);
    }
    expect(result.sha256).toBe(createHash('sha256').update(await readFile(result.zipPath)).digest('hex'));
  });

  it('is deterministic: the same folder packs to the same bytes, in any time zone', async () => {
    const a = await packDrop(folder, join(env.base, 'out', 'd1.zip'));
    const previous = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati';
    try {
      const b = await packDrop(folder, join(env.base, 'out', 'd2.zip'));
      expect(b.sha256).toBe(a.sha256);
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it('signs when given a key, and the result opens as verified', async () => {
    const keyPem = await readFile(exampleKeyPaths().privateKeyPath, 'utf8');
    const result = await packDrop(folder, join(env.base, 'out', 'signed.zip'), { signKeyPem: keyPem });
    expect(result.keyId).toMatch(/^[0-9a-f]{16}$/);
    const names = new AdmZip(result.zipPath).getEntries().map((e) => e.entryName);
    expect(names.slice(0, 2)).toEqual(['drop.json', 'drop.sig']);
    const drop = await openDrop(result.zipPath, {
      dataDir: env.dataDir,
      trustedKeys: [{ name: 'Example', keyId: '', publicKeyPem: await readFile(exampleKeyPaths().publicKeyPath, 'utf8') }],
    });
    expect(drop.provenance.signature).toMatchObject({ state: 'verified', keyId: result.keyId });
  });

  it('replaces a stale files list and never packs its own output', async () => {
    const copy = await writeSampleDropFolder(join(env.inDir, 'stale'));
    const manifest = JSON.parse(await readFile(join(copy, 'drop.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(copy, 'drop.json'), JSON.stringify({ ...manifest, files: [{ path: 'gone.sql', size: 1, sha256: '0'.repeat(64) }] }));
    await packDrop(copy, join(copy, 'self.zip'));
    const result = await packDrop(copy, join(copy, 'self.zip'));
    const names = new AdmZip(result.zipPath).getEntries().map((e) => e.entryName);
    expect(names).not.toContain('self.zip');
    expect(names).not.toContain('gone.sql');
  });

  it('refuses an invalid manifest, a missing one, a bad key and a symlink, writing no zip', async () => {
    const bad = await writeSampleDropFolder(join(env.inDir, 'bad'));
    const out = join(env.base, 'out-bad');
    const manifest = JSON.parse(await readFile(join(bad, 'drop.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(bad, 'drop.json'), JSON.stringify({ ...manifest, publisher: { name: 'X', url: 'y' } }));
    await expect(packDrop(bad, join(out, 'a.zip'))).rejects.toMatchObject({ code: 'DROP_MANIFEST_INVALID', message: expect.stringContaining('publisher.url') });
    await expect(packDrop(join(env.inDir, 'nowhere'), join(out, 'b.zip'))).rejects.toMatchObject({ code: 'DROP_MANIFEST_MISSING' });
    await expect(packDrop(folder, join(out, 'c.zip'), { signKeyPem: 'nope' })).rejects.toMatchObject({ code: 'DROP_KEY_INVALID' });
    const linked = await writeSampleDropFolder(join(env.inDir, 'linked'));
    await symlink('/etc/hostname', join(linked, 'packages', 'host.sql'));
    await expect(packDrop(linked, join(out, 'd.zip'))).rejects.toMatchObject({ code: 'DROP_SPECIAL_ENTRY' });
    expect(await listTree(out)).toEqual([]);
  });
});
