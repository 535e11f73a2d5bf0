/** `drop-runner drops` through the real CLI entry (runCli) in process, on a data folder with the sample drop opened. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredDrop } from '../../../common/contract';
import { DropLibrary } from '../../../main/drop/drop-library';
import { dropsDir } from '../../../main/drop/drop-store';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { buildSampleDrop } from '../../support/fixtures/sample-drop';
import { cleanup, scratch } from '../deploy/deploy-fixture';
import { createOctopusImporter } from '../../../main/octopus/octopus-importer';
import { runCliInProcess, type InProcessRun } from '../../support/cli-in-process';

let root: string;
let dataDir: string;
let zip: string;
let dropId: string;

const cli = (args: string[]): Promise<InProcessRun> => runCliInProcess(args, { dataDir });

beforeAll(async () => {
  root = scratch('dr-cli-drops');
  dataDir = path.join(root, 'data');
  zip = await buildSampleDrop({ outDir: root, release: '2.4.0', sign: false });
});
afterAll(() => cleanup(root));

describe('drop-runner drops', () => {
  it('says so when no drop is kept', async () => {
    const r = await cli(['drops']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('No drops are kept in the data folder.\n');
  });

  it('lists an opened drop with its size, in a table and as JSON', async () => {
    const library = new DropLibrary(dataDir, createConfSettingsStore(dataDir, 'settings'), () => ({}), createOctopusImporter);
    dropId = (await library.open(zip)).id;
    const table = await cli(['drops', 'list']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${dropId.replace(/[.]/g, '\\.')}\\s+Clinical Data Hub 2\\.4\\.0\\s+[\\d.]+ (KB|MB)\\s+\\S+\\s+can be removed$`, 'm'));
    expect(table.stdout).toContain('1 drop(s)');
    const json = JSON.parse((await cli(['drops', '--json'])).stdout) as { drops: StoredDrop[]; totalBytes: number };
    expect(json.drops.map((d) => d.dropId)).toEqual([dropId]);
    expect(json.totalBytes).toBe(json.drops[0]!.bytes);
    expect(json.totalBytes).toBeGreaterThan(0);
  });

  it('refuses bad arguments and unknown drops with a code and a hint, removing nothing', async () => {
    for (const args of [['drops', 'remove'], ['drops', 'remove', dropId, '--unused'], ['drops', 'shrink'], ['drops', 'list', dropId]]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error INVALID_ARGUMENTS: .+\nhint: Usage: drop-runner drops/m);
    }
    const unknown = await cli(['drops', 'remove', 'no-such-drop']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error DROP_NOT_FOUND: .+\nhint: .+/m);
    expect(existsSync(path.join(dropsDir(dataDir), dropId))).toBe(true);
  });

  it('remove --unused removes what no deployment needs and says how much it freed; the zip stays', async () => {
    const r = await cli(['drops', 'remove', '--unused']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Removed ${dropId} (`);
    expect(r.stdout).toMatch(/Freed [\d.]+ (KB|MB)\./);
    expect(readdirSync(dropsDir(dataDir)).filter((n) => !n.startsWith('.'))).toEqual([]);
    expect(existsSync(zip)).toBe(true);
    expect((await cli(['drops', 'remove', '--unused'])).stdout).toBe('No drops are kept in the data folder.\n');
  });
});
