/**
 * `inspect`, `pack`, `keygen` and `trust` through the real CLI entry (runCli) in process, plus one
 * direct call of a command's run() with a hand-built context. A spawned-process test of the built
 * binary belongs with the CLI's own tests.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlags } from '../../../main/cli/parse-flags';
import { inspectCommand } from '../../../main/cli/commands/inspect';
import type { DropSummary } from '../../../main/drop/drop-summary';
import { nativeEntries, sandbox, writeZip } from '../../support/fixtures/native-drop';
import { exampleKeyPaths, writeSampleDropFolder } from '../../support/fixtures/sample-drop';
import { runCliInProcess, type InProcessRun } from '../../support/cli-in-process';

let env: { base: string; dataDir: string; inDir: string };
let sampleFolder: string;
let signedZip: string;

const cli = (args: string[], dataDir = env.dataDir): Promise<InProcessRun> => runCliInProcess(args, { dataDir });

const inspectScratch = async (): Promise<string[]> => (await readdir(tmpdir())).filter((n) => n.startsWith('drop-runner-inspect-'));
let previousTmp: string | undefined;

beforeAll(async () => {
  env = await sandbox('drop-cli-');
  // A private temp folder, so the "inspect leaves no scratch folder" checks see only this file's runs.
  previousTmp = process.env.TMPDIR;
  process.env.TMPDIR = join(env.base, 'tmp');
  await mkdir(process.env.TMPDIR, { recursive: true });
  sampleFolder = await writeSampleDropFolder(join(env.inDir, 'sample-drop'));
  signedZip = join(env.base, 'dist', 'sample-drop.zip');
});
afterAll(async () => {
  if (previousTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmp;
  await rm(env.base, { recursive: true, force: true });
});

describe('pack → trust → inspect on the sample drop', () => {
  it('packs the sample drop signed with the example key', async () => {
    const run = await cli(['pack', sampleFolder, '--out', signedZip, '--sign-key', exampleKeyPaths().privateKeyPath]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^packed .*sample-drop\.zip$/m);
    expect(run.stdout).toMatch(/^sha256 [0-9a-f]{64}$/m);
    expect(run.stdout).toMatch(/^signed with key [0-9a-f]{16}$/m);
  });

  it('inspects it as unknown publisher (exit 0, warning) before the key is trusted', async () => {
    const run = await cli(['inspect', signedZip]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Signature    unknown publisher');
    expect(run.stderr).toContain('warning: the signing key');
  });

  it('trusts the example key, lists it, and inspect then shows verified with --json facts', async () => {
    const added = await cli(['trust', 'add', exampleKeyPaths().publicKeyPath, '--name', 'Meridian Health Integrations']);
    expect(added.code).toBe(0);
    const keyId = /key ([0-9a-f]{16})/.exec(added.stdout)?.[1];
    expect(keyId).toBeDefined();
    const list = await cli(['trust', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([{ name: 'Meridian Health Integrations', keyId, added: expect.any(String) }]);

    const before = await inspectScratch();
    const dataBefore = await readdir(env.dataDir);
    const run = await cli(['inspect', signedZip, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as DropSummary;
    expect(summary).toMatchObject({
      format: 'native',
      formatVersion: '1',
      project: { id: 'clinical-data-hub', name: 'Clinical Data Hub' },
      release: { version: '2.4.0', channel: 'Stable' },
      tenant: { id: 'st-brigids', name: "St. Brigid's Regional Hospital" },
      environment: 'Production',
      publisher: 'Meridian Health Integrations',
      signature: { state: 'verified', publisher: 'Meridian Health Integrations', keyId },
      source: { kind: 'zip' },
    });
    expect(summary.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.fileCount).toBe(7);
    expect(summary.totalSize).toBeGreaterThan(1000);
    expect(summary.steps.map((s) => s.type)).toEqual(['manual-check', 'sql-scripts', 'sql-scripts', 'ssis-project', 'manual-check']);
    expect(summary.variables.length).toBeGreaterThanOrEqual(12);
    expect(summary.variables.filter((v) => v.type === 'sensitive').every((v) => v.default === undefined)).toBe(true);
    const ssis = summary.packages.find((p) => p.path === 'packages/ssis');
    expect(ssis?.nested?.[0]).toMatchObject({ kind: 'ispac', projectName: 'ClinicalFeeds', version: '2.4.0' });
    // Inspect keeps nothing: no scratch folder left, and the data folder unchanged.
    expect(before).toEqual([]);
    expect(await inspectScratch()).toEqual([]);
    expect(await readdir(env.dataDir)).toEqual(dataBefore);
  });

  it('inspects an extracted folder too', async () => {
    const run = await cli(['inspect', sampleFolder]);
    // The source folder's drop.json has no files list: only pack adds it.
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error DROP_MANIFEST_INVALID: .*files/m);
  });

  it('removes a trusted key, and an unknown key id is a coded failure', async () => {
    const list = JSON.parse((await cli(['trust', 'list', '--json'])).stdout) as Array<{ keyId: string }>;
    const removed = await cli(['trust', 'remove', list[0]!.keyId]);
    expect(removed.code).toBe(0);
    expect((await cli(['trust', 'list'])).stdout).toContain('No publishers are trusted yet');
    const again = await cli(['trust', 'remove', list[0]!.keyId]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error TRUST_KEY_NOT_FOUND: /m);
    expect(again.stderr).toMatch(/^hint: /m);
  });
});

describe('inspect rejections', () => {
  it('exits 2 with code, message and hint for a tampered drop, leaving no scratch folder', async () => {
    const before = await inspectScratch();
    const zip = await writeZip(join(env.inDir, 'tampered.zip'), nativeEntries({ 'sql/a.sql': 'SELECT 1;' }).map((e) => (e.name === 'sql/a.sql' ? { ...e, data: 'DROP DATABASE x;' } : e)));
    const run = await cli(['inspect', zip]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error DROP_HASH_MISMATCH: .*sql\/a\.sql/m);
    expect(run.stderr).toMatch(/^hint: .+/m);
    expect(await inspectScratch()).toEqual(before);
  });

  it('exits 2 for usage errors', async () => {
    expect((await cli(['inspect'])).code).toBe(2);
    expect((await cli(['pack', sampleFolder])).stderr).toContain('--out');
    expect((await cli(['trust', 'frobnicate'])).stderr).toMatch(/^error INVALID_ARGUMENTS/m);
    expect((await cli(['keygen'])).code).toBe(2);
  });

  it('run() works with a hand-built context', async () => {
    let out = '';
    let err = '';
    const code = await inspectCommand.run({
      args: [join(env.inDir, 'missing.zip')],
      flags: parseFlags([], new Set()),
      dataDir: env.dataDir,
      stdout: (s) => void (out += s),
      stderr: (s) => void (err += s),
      stdin: Readable.from([]),
      services: { dataDir: env.dataDir },
    });
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^error DROP_NOT_FOUND: /);
  });
});

describe('keygen and pack', () => {
  it('keygen writes a pair that pack can sign with; pack refuses a bad key file', async () => {
    const prefix = join(env.base, 'keys', 'vendor');
    const run = await cli(['keygen', '--out', prefix]);
    expect(run.code).toBe(0);
    expect(existsSync(`${prefix}.key.pem`) && existsSync(`${prefix}.pub.pem`)).toBe(true);
    expect(run.stdout).not.toContain('PRIVATE KEY');
    const zip = join(env.base, 'dist', 'vendor.zip');
    expect((await cli(['pack', sampleFolder, '--out', zip, '--sign-key', `${prefix}.key.pem`])).code).toBe(0);
    await writeFile(join(env.base, 'keys', 'bad.pem'), 'nonsense');
    const bad = await cli(['pack', sampleFolder, '--out', join(env.base, 'dist', 'bad.zip'), '--sign-key', join(env.base, 'keys', 'bad.pem')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error DROP_KEY_INVALID/m);
    expect(existsSync(join(env.base, 'dist', 'bad.zip'))).toBe(false);
    const again = await cli(['keygen', '--out', prefix]);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/^error KEY_WRITE_FAILED/m);
    expect(await readFile(`${prefix}.pub.pem`, 'utf8')).toContain('PUBLIC KEY');
  });
});
