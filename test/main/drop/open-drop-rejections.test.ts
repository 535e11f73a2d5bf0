import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { openDrop, type OpenDropOptions } from '../../../main/drop/open-drop';
import { craftZip, unixAttributes, type RawEntry } from '../../support/fixtures/raw-zip';
import { listTree, manifestBytes, manifestFor, nativeEntries, sandbox, signatureFor, writeZip, type FileMap } from '../../support/fixtures/native-drop';

const SQL: FileMap = { 'sql/001_a.sql': 'SELECT 1;\nGO\n', 'sql/002_b.sql': 'SELECT 2;\nGO\n' };
const cleanups: string[] = [];
afterEach(async () => {
  for (const dir of cleanups.splice(0)) await rm(dir, { recursive: true, force: true });
});

/**
 * Opens `zipPath` expecting a rejection with `code`; then proves the data folder holds nothing but
 * the (empty) drops/ folder and that nothing appeared next to the input or the sandbox.
 */
async function expectRejected(env: { base: string; dataDir: string; inDir: string }, zipPath: string, code: string, options: Partial<OpenDropOptions> = {}): Promise<AppError> {
  const before = (await listTree(env.base)).filter((p) => !p.startsWith('data'));
  const parentBefore = await readdir(dirname(env.base));
  let caught: unknown;
  try {
    await openDrop(zipPath, { dataDir: env.dataDir, ...options });
  } catch (error) {
    caught = error;
  }
  expect(caught, 'openDrop should have thrown').toBeInstanceOf(AppError);
  const error = caught as AppError;
  expect(error.code, error.message).toBe(code);
  expect(error.hint.length).toBeGreaterThan(10);
  const leftovers = (await listTree(env.dataDir)).filter((p) => p !== 'drops');
  expect(leftovers).toEqual([]);
  const after = (await listTree(env.base)).filter((p) => !p.startsWith('data'));
  expect(after).toEqual(before);
  const parentAfter = await readdir(dirname(env.base));
  expect(parentAfter.filter((p) => !parentBefore.includes(p) && /evil/i.test(p))).toEqual([]);
  return error;
}

async function setup() {
  const env = await sandbox();
  cleanups.push(env.base);
  return env;
}

describe('openDrop rejects broken zips', () => {
  it('refuses a file that is not a zip (DROP_NOT_ZIP)', async () => {
    const env = await setup();
    const path = join(env.inDir, 'notes.zip');
    await writeFile(path, 'This is a text file renamed to .zip\n'.repeat(20));
    await expectRejected(env, path, 'DROP_NOT_ZIP');
  });

  it('refuses an empty file (DROP_NOT_ZIP)', async () => {
    const env = await setup();
    const path = join(env.inDir, 'empty.zip');
    await writeFile(path, '');
    await expectRejected(env, path, 'DROP_NOT_ZIP');
  });

  it('refuses a zip cut short (DROP_TRUNCATED)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'cut.zip'), nativeEntries({ ...SQL, 'sql/big.bin': Buffer.alloc(50_000, 7) }));
    const { size } = await stat(path);
    await truncate(path, Math.floor(size / 2));
    await expectRejected(env, path, 'DROP_TRUNCATED');
  });

  it('refuses flipped bytes inside deflate data (DROP_CORRUPT_ENTRY)', async () => {
    const env = await setup();
    const text = Array.from({ length: 4000 }, (_, i) => `INSERT INTO t VALUES (${i}, 'row ${i}');`).join('\n');
    const zip = craftZip(nativeEntries({ 'sql/001_a.sql': text }));
    // The payload of the second entry starts after its 30-byte header and name; damage it in the middle.
    const nameAt = zip.indexOf('sql/001_a.sql');
    for (let i = 0; i < 16; i++) zip[nameAt + 13 + 200 + i] = (zip[nameAt + 13 + 200 + i] ?? 0) ^ 0xff;
    const path = join(env.inDir, 'flipped.zip');
    await writeFile(path, zip);
    const error = await expectRejected(env, path, 'DROP_CORRUPT_ENTRY');
    expect(error.message).toContain('sql/001_a.sql');
  });

  it('refuses a stored entry whose CRC does not match (DROP_CORRUPT_ENTRY)', async () => {
    const env = await setup();
    const entries = nativeEntries(SQL).map((e) => (e.name === 'sql/002_b.sql' ? { ...e, method: 0, crc: 0x12345678 } : e));
    const path = await writeZip(join(env.inDir, 'crc.zip'), entries);
    const error = await expectRejected(env, path, 'DROP_CORRUPT_ENTRY');
    expect(error.message).toContain('sql/002_b.sql');
  });

  it('refuses an entry whose declared size is a lie (DROP_CORRUPT_ENTRY)', async () => {
    const env = await setup();
    const entries = nativeEntries(SQL).map((e) => (e.name === 'sql/001_a.sql' ? { ...e, uncompressedSize: 3 } : e));
    const path = await writeZip(join(env.inDir, 'size.zip'), entries);
    await expectRejected(env, path, 'DROP_CORRUPT_ENTRY');
  });
});

describe('openDrop rejects unsafe names', () => {
  const cases: Array<[string, string | Buffer]> = [
    ['parent traversal', '../evil.txt'],
    ['traversal in the middle', 'sql/../../evil2.txt'],
    ['absolute path', '/tmp/abs-evil.txt'],
    ['drive letter', 'C:/Windows/evil.txt'],
    ['backslash traversal', '..\\evil-bs.txt'],
    ['nested backslash traversal', 'sql\\..\\..\\evil-bs2.txt'],
    ['UNC path', '\\\\server\\share\\evil.txt'],
    ['NUL character', Buffer.from('sql/evil\u0000.sql', 'utf8')],
    ['control character', 'sql/evil\u0007.sql'],
    ['over-long path', `sql/${'a'.repeat(190)}.sql`],
    ['reserved device name', 'sql/CON.sql'],
    ['alternate data stream', 'sql/a.sql:evil'],
    ['trailing dot', 'sql/evil.'],
    ['empty segment', 'sql//evil.sql'],
  ];
  for (const [label, name] of cases) {
    it(`refuses ${label} (DROP_UNSAFE_PATH)`, async () => {
      const env = await setup();
      const path = await writeZip(join(env.inDir, 'unsafe.zip'), [...nativeEntries(SQL), { name, data: 'evil' }]);
      const error = await expectRejected(env, path, 'DROP_UNSAFE_PATH');
      expect(error.message).toMatch(/Unsafe entry name/);
      expect(error.message.includes('\u0000') || error.message.includes('\u0007')).toBe(false);
    });
  }
});

describe('openDrop rejects duplicates, links and devices', () => {
  it('refuses two names that are one file on Windows (DROP_DUPLICATE_ENTRY)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'dup.zip'), [...nativeEntries(SQL), { name: 'SQL/001_A.SQL', data: 'other' }]);
    const error = await expectRejected(env, path, 'DROP_DUPLICATE_ENTRY');
    expect(error.message).toContain('SQL/001_A.SQL');
  });

  it('refuses the exact same name twice (DROP_DUPLICATE_ENTRY)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'dup2.zip'), [...nativeEntries(SQL), { name: 'sql/001_a.sql', data: 'again' }]);
    await expectRejected(env, path, 'DROP_DUPLICATE_ENTRY');
  });

  it('refuses a name used as file and folder (DROP_DUPLICATE_ENTRY)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'dup3.zip'), [...nativeEntries(SQL), { name: 'sql/001_a.sql/inner.txt', data: 'x' }]);
    await expectRejected(env, path, 'DROP_DUPLICATE_ENTRY');
  });

  it('refuses a symlink entry (DROP_SPECIAL_ENTRY)', async () => {
    const env = await setup();
    const link: RawEntry = { name: 'sql/link.sql', data: '/etc/passwd', method: 0, externalAttributes: unixAttributes(0o120777) };
    const path = await writeZip(join(env.inDir, 'link.zip'), [...nativeEntries(SQL), link]);
    const error = await expectRejected(env, path, 'DROP_SPECIAL_ENTRY');
    expect(error.message).toContain('symbolic link');
  });

  it('refuses a character device entry (DROP_SPECIAL_ENTRY)', async () => {
    const env = await setup();
    const device: RawEntry = { name: 'sql/tty', data: '', method: 0, externalAttributes: unixAttributes(0o020644) };
    const path = await writeZip(join(env.inDir, 'dev.zip'), [...nativeEntries(SQL), device]);
    await expectRejected(env, path, 'DROP_SPECIAL_ENTRY');
  });

  it('refuses a Windows reparse point entry (DROP_SPECIAL_ENTRY)', async () => {
    const env = await setup();
    const reparse: RawEntry = { name: 'sql/junction', data: '', method: 0, versionMadeBy: 20, externalAttributes: 0x400 | 0x20 };
    const path = await writeZip(join(env.inDir, 'reparse.zip'), [...nativeEntries(SQL), reparse]);
    await expectRejected(env, path, 'DROP_SPECIAL_ENTRY');
  });
});

describe('openDrop enforces limits', () => {
  it('refuses more entries than allowed (DROP_TOO_MANY_ENTRIES)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'many.zip'), nativeEntries(SQL));
    await expectRejected(env, path, 'DROP_TOO_MANY_ENTRIES', { limits: { maxEntries: 2 } });
  });

  it('refuses a drop larger than allowed (DROP_TOO_LARGE)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'large.zip'), nativeEntries({ ...SQL, 'sql/data.bin': Buffer.alloc(5000, 1) }));
    await expectRejected(env, path, 'DROP_TOO_LARGE', { limits: { maxTotalSize: 4000 } });
  });

  it('refuses a single file larger than allowed (DROP_TOO_LARGE)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'file.zip'), nativeEntries({ ...SQL, 'sql/data.bin': Buffer.alloc(5000, 1) }));
    const error = await expectRejected(env, path, 'DROP_TOO_LARGE', { limits: { maxFileSize: 4096 } });
    expect(error.message).toContain('sql/data.bin');
  });

  it('refuses an entry that expands suspiciously (DROP_ZIP_BOMB)', async () => {
    const env = await setup();
    const zeros = Buffer.alloc(8 * 1024 * 1024);
    expect(zeros.length / deflateRawSync(zeros).length).toBeGreaterThan(200);
    const path = await writeZip(join(env.inDir, 'bomb.zip'), nativeEntries({ ...SQL, 'sql/zeros.bin': zeros }));
    const error = await expectRejected(env, path, 'DROP_ZIP_BOMB');
    expect(error.message).toContain('sql/zeros.bin');
  });

  it('refuses entries that share one payload (DROP_ZIP_BOMB)', async () => {
    const env = await setup();
    const entries = nativeEntries(SQL);
    const path = await writeZip(join(env.inDir, 'overlap.zip'), [...entries, { name: 'sql/copy.sql', shareDataWith: 1 }]);
    await expectRejected(env, path, 'DROP_ZIP_BOMB');
  });

  it('applies a configurable ratio limit', async () => {
    const env = await setup();
    const text = Buffer.from('SELECT 1;\n'.repeat(200_000));
    const path = await writeZip(join(env.inDir, 'ratio.zip'), nativeEntries({ ...SQL, 'sql/repeat.sql': text }));
    await expectRejected(env, path, 'DROP_ZIP_BOMB', { limits: { maxCompressionRatio: 20 } });
  });
});

describe('openDrop rejects bad manifests and contents', () => {
  it('refuses a zip without drop.json (DROP_MANIFEST_MISSING)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'nomanifest.zip'), nativeEntries(SQL).slice(1));
    await expectRejected(env, path, 'DROP_MANIFEST_MISSING');
  });

  it('says where drop.json is when the drop was zipped one folder too high', async () => {
    const env = await setup();
    const entries = nativeEntries(SQL).map((e) => ({ ...e, name: `release/${e.name as string}` }));
    const path = await writeZip(join(env.inDir, 'nested.zip'), entries);
    const error = await expectRejected(env, path, 'DROP_MANIFEST_MISSING');
    expect(error.message).toContain('release/drop.json');
  });

  it('refuses malformed JSON with its line (DROP_MANIFEST_INVALID)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'badjson.zip'), nativeEntries(SQL, { manifest: Buffer.from('{\n  "formatVersion": "1",\n}\n') }));
    const error = await expectRejected(env, path, 'DROP_MANIFEST_INVALID');
    expect(error.message).toMatch(/line 3/);
  });

  it('refuses a manifest that breaks the schema, naming the JSON path (DROP_MANIFEST_INVALID)', async () => {
    const env = await setup();
    const manifest = manifestFor(SQL);
    (manifest.steps as Array<Record<string, unknown>>)[0]!.settings = { connection: '#{Conn}', transacton: 'step' };
    const path = await writeZip(join(env.inDir, 'schema.zip'), nativeEntries(SQL, { manifest: manifestBytes(manifest) }));
    const error = await expectRejected(env, path, 'DROP_MANIFEST_INVALID');
    expect(error.message).toContain('steps[0].settings.transacton');
  });

  it('refuses a step whose package is not in the drop (DROP_MANIFEST_INVALID)', async () => {
    const env = await setup();
    const manifest = manifestFor(SQL, {
      steps: [{ id: 'sql', name: 'Run', type: 'sql-scripts', package: 'missing', settings: { connection: 'x' } }],
    });
    const path = await writeZip(join(env.inDir, 'pkg.zip'), nativeEntries(SQL, { manifest: manifestBytes(manifest) }));
    const error = await expectRejected(env, path, 'DROP_MANIFEST_INVALID');
    expect(error.message).toContain('steps[0].package');
  });

  it('refuses a listed file that is absent (DROP_FILE_MISSING)', async () => {
    const env = await setup();
    const manifest = manifestBytes(manifestFor({ ...SQL, 'sql/003_c.sql': 'SELECT 3;' }));
    const path = await writeZip(join(env.inDir, 'missing.zip'), nativeEntries(SQL, { manifest }));
    const error = await expectRejected(env, path, 'DROP_FILE_MISSING');
    expect(error.message).toContain('sql/003_c.sql');
  });

  it('refuses a file that drop.json does not list (DROP_FILE_NOT_LISTED)', async () => {
    const env = await setup();
    const manifest = manifestBytes(manifestFor(SQL));
    const path = await writeZip(join(env.inDir, 'extra.zip'), nativeEntries({ ...SQL, 'sql/extra.sql': 'DROP TABLE x;' }, { manifest }));
    const error = await expectRejected(env, path, 'DROP_FILE_NOT_LISTED');
    expect(error.message).toContain('sql/extra.sql');
  });

  it('refuses a file whose content differs from its pinned hash (DROP_HASH_MISMATCH)', async () => {
    const env = await setup();
    const manifest = manifestBytes(manifestFor(SQL));
    const path = await writeZip(join(env.inDir, 'tampered.zip'), nativeEntries({ ...SQL, 'sql/002_b.sql': 'SELECT 666;\nGO\n' }, { manifest }));
    const error = await expectRejected(env, path, 'DROP_HASH_MISMATCH');
    expect(error.message).toContain('sql/002_b.sql');
  });

  it('refuses a signed drop whose drop.json was altered (DROP_SIGNATURE_INVALID)', async () => {
    const env = await setup();
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const original = manifestBytes(manifestFor(SQL));
    const sig = signatureFor(original, privatePem);
    const altered = Buffer.from(original.toString('utf8').replace('Test Hospital', 'Other Hospital'));
    const path = await writeZip(join(env.inDir, 'resigned.zip'), nativeEntries(SQL, { manifest: altered, sig }));
    await expectRejected(env, path, 'DROP_SIGNATURE_INVALID', {
      trustedKeys: [{ name: 'Test Vendor', keyId: 'ignored', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    });
  });

  it('refuses a damaged drop.sig even when the publisher is unknown (DROP_SIGNATURE_INVALID)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'garbage-sig.zip'), nativeEntries(SQL, { sig: Buffer.from('not json') }));
    await expectRejected(env, path, 'DROP_SIGNATURE_INVALID');
  });

  it('refuses an Octopus-looking drop when no importer is available (DROP_IMPORTER_MISSING)', async () => {
    const env = await setup();
    const path = await writeZip(join(env.inDir, 'octo.zip'), [
      { name: 'Target.Project.Deployments-1.ps1', data: 'Write-Host hi' },
      { name: 'Calamari/Calamari.exe', data: 'MZ' },
    ]);
    await expectRejected(env, path, 'DROP_IMPORTER_MISSING');
  });

  it('refuses a path that does not exist (DROP_NOT_FOUND)', async () => {
    const env = await setup();
    await expectRejected(env, join(env.inDir, 'nope.zip'), 'DROP_NOT_FOUND');
  });

  it('leaves an earlier good copy of another drop untouched after a rejection', async () => {
    const env = await setup();
    const good = await writeZip(join(env.inDir, 'good.zip'), nativeEntries(SQL));
    const drop = await openDrop(good, { dataDir: env.dataDir });
    const bad = await writeZip(join(env.inDir, 'bad.zip'), [...nativeEntries(SQL), { name: '../evil.txt', data: 'x' }]);
    await expect(openDrop(bad, { dataDir: env.dataDir })).rejects.toMatchObject({ code: 'DROP_UNSAFE_PATH' });
    expect(await readFile(join(drop.root, 'sql/001_a.sql'), 'utf8')).toBe(SQL['sql/001_a.sql']);
    expect((await listTree(join(env.dataDir, 'drops'))).filter((p) => p.startsWith('.'))).toEqual([]);
    expect(existsSync(join(env.base, 'evil.txt'))).toBe(false);
  });
});
