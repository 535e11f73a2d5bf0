import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Drop, DropStep } from '../../../common/drop-model';
import { AppError } from '../../../common/errors';
import { preparePackageRoot } from '../../../main/deploy/package-cache';
import { buildPackage } from '../../support/fixtures/octopus-drop-builder';
import { cleanup, scratch } from './deploy-fixture';

let root: string;
afterEach(() => cleanup(root));

function dropWith(bytes: Buffer): { drop: Drop; step: DropStep; dropsDir: string } {
  root = scratch('dr-pkg-cache');
  const dropRoot = path.join(root, 'drop');
  mkdirSync(path.join(dropRoot, 'Packages'), { recursive: true });
  writeFileSync(path.join(dropRoot, 'Packages', 'Db.1.0.0.nupkg'), bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const drop = { id: 'd1', root: dropRoot, files: [{ path: 'Packages/Db.1.0.0.nupkg', size: bytes.length, sha256 }] } as unknown as Drop;
  const step = { id: 's', name: 'S', type: 'sql-scripts', package: 'Packages/Db.1.0.0.nupkg', settings: {} } as DropStep;
  return { drop, step, dropsDir: path.join(root, 'data', 'drops') };
}

describe('package archives extracted for executors', () => {
  it('extracts once into <dropsDir>/<dropId>/packages/<sha>/ with percent-encoded NuGet names decoded, then reuses it', async () => {
    const { drop, step, dropsDir } = dropWith(buildPackage({ id: 'Db', version: '1.0.0', files: { 'sql/My%20Script.sql': 'SELECT 1' } }));
    const folder = await preparePackageRoot(drop, step, dropsDir);
    expect(folder!.startsWith(path.join(dropsDir, 'd1', 'packages') + path.sep)).toBe(true);
    expect(existsSync(path.join(folder!, 'sql', 'My Script.sql'))).toBe(true);
    writeFileSync(path.join(folder!, 'probe'), 'kept when reused');
    expect(await preparePackageRoot(drop, step, dropsDir)).toBe(folder);
    expect(existsSync(path.join(folder!, 'probe'))).toBe(true);
    expect(readdirSync(drop.root)).toEqual(['Packages']);
  });

  it('redoes an extraction that has no completion marker (a crash mid-way)', async () => {
    const { drop, step, dropsDir } = dropWith(buildPackage({ id: 'Db', version: '1.0.0', files: { 'a.sql': 'SELECT 1' } }));
    const folder = (await preparePackageRoot(drop, step, dropsDir))!;
    rmSync(`${folder}.complete`);
    writeFileSync(path.join(folder, 'probe'), 'left by a crash');
    expect(await preparePackageRoot(drop, step, dropsDir)).toBe(folder);
    expect(existsSync(path.join(folder, 'probe'))).toBe(false);
    expect(existsSync(path.join(folder, 'a.sql'))).toBe(true);
  });

  it('refuses an archive changed since the drop was opened (STEP_PACKAGE_CHANGED) and one without a data folder (STEP_PACKAGE_UNAVAILABLE)', async () => {
    const { drop, step, dropsDir } = dropWith(buildPackage({ id: 'Db', version: '1.0.0', files: { 'a.sql': 'SELECT 1' } }));
    await expect(preparePackageRoot(drop, step, undefined)).rejects.toMatchObject({ code: 'STEP_PACKAGE_UNAVAILABLE' });
    writeFileSync(path.join(drop.root, 'Packages', 'Db.1.0.0.nupkg'), buildPackage({ id: 'Db', version: '1.0.0', files: { 'a.sql': 'DROP TABLE x' } }));
    const error = await preparePackageRoot(drop, step, dropsDir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('STEP_PACKAGE_CHANGED');
    expect(readdirSync(path.join(dropsDir, 'd1', 'packages'))).toEqual([]);
  });

  it('refuses a NuGet name that decodes to a path traversal', async () => {
    const { drop, step, dropsDir } = dropWith(buildPackage({ id: 'Db', version: '1.0.0', files: { 'sql/%2E%2E': 'x', 'sql/b%2Fc.sql': 'y' } }));
    await expect(preparePackageRoot(drop, step, dropsDir)).rejects.toMatchObject({ code: 'DROP_UNSAFE_PATH' });
  });
});
