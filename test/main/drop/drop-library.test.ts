import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DropLibrary } from '../../../main/drop/drop-library';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { buildOctopusDropZip, hospitalDropSpec } from '../../support/fixtures/octopus-drop-builder';
import { buildSampleDrop } from '../../support/fixtures/sample-drop';
import { filesContaining } from '../../support/secret-scan';
import { createOctopusImporter } from '../../../main/octopus/octopus-importer';

const scratch: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
};
afterAll(() => scratch.forEach((d) => rmSync(d, { recursive: true, force: true })));

function library(dataDir: string): DropLibrary {
  return new DropLibrary(dataDir, createConfSettingsStore(dataDir, 'settings'), () => ({}), createOctopusImporter);
}

describe('DropLibrary', () => {
  it('remembers an opened drop by id across a restart and lists it among the recent drops', async () => {
    const dataDir = temp('dr-lib-');
    const zip = await buildSampleDrop({ outDir: temp('dr-lib-zip-') });
    const drop = await library(dataDir).open(zip);
    const again = library(dataDir).get(drop.id);
    expect(again.release.version).toBe(drop.release.version);
    expect(again.root).toBe(drop.root);
    expect(library(dataDir).recent()[0]).toMatchObject({ dropId: drop.id, sourcePath: zip });
  });

  it('refuses an unknown or malformed id with DROP_NOT_FOUND', () => {
    const dataDir = temp('dr-lib-');
    expect(() => library(dataDir).get('no-such-drop')).toThrow(expect.objectContaining({ code: 'DROP_NOT_FOUND' }));
    expect(() => library(dataDir).get('../etc')).toThrow(expect.objectContaining({ code: 'DROP_NOT_FOUND' }));
  });

  it('never writes a secret baked into an Octopus drop to disk, and asks for a re-open after a restart', async () => {
    const dataDir = temp('dr-lib-');
    const { zip } = await buildOctopusDropZip(temp('dr-oct-'), hospitalDropSpec({ format: 'dictionary', keySize: 256, password: 'Drop-Pass-1234' }));
    const lib = library(dataDir);
    const drop = await lib.open(zip, { octopusPassword: async () => 'Drop-Pass-1234' });
    const secrets = drop.baked.filter((b) => b.sensitive).map((b) => b.value).filter((v) => v.length >= 4);
    expect(secrets.length).toBeGreaterThan(0);
    // In this process the full model (with its secrets) is available to the deployment...
    expect(lib.get(drop.id).baked.filter((b) => b.sensitive).length).toBe(secrets.length);
    // ...but nothing under the data folder holds a secret value,
    expect(filesContaining(dataDir, secrets)).toEqual([]);
    // and a new process is told to open the drop again rather than running without its secrets.
    expect(() => library(dataDir).get(drop.id)).toThrow(expect.objectContaining({ code: 'DROP_REOPEN_REQUIRED' }));
  });
});
