/**
 * Start-up loads only what it uses (issue 14 item 4): built as scripts/build.mjs builds (bundled,
 * code-split ESM, packages external), the CLI entry statically imports no package at all — each
 * command is a dynamic import — and the Electron main statically imports no SQL driver or zip
 * reader, so its window shows before that machinery loads. Static imports are followed through the
 * shared chunks; dynamic `import()` is where loading is deferred, so it is not followed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const out = mkdtempSync(path.join(tmpdir(), 'dr-startup-imports-'));

/** The bare package names a built file loads before any dynamic import runs. */
function staticPackages(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  if (seen.has(file)) return packages;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  // esbuild writes static imports as `import … from "x";` or `import "x";` at statement starts.
  for (const m of text.matchAll(/^(?:import|export)\s(?:[^;]*?\sfrom\s)?"([^"]+)";/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) for (const p of staticPackages(path.resolve(path.dirname(file), spec), seen)) packages.add(p);
    else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return packages;
}

describe('what start-up loads', () => {
  beforeAll(async () => {
    const common = { bundle: true, platform: 'node' as const, format: 'esm' as const, packages: 'external' as const, splitting: true, chunkNames: 'chunks/[name]-[hash]', logLevel: 'warning' as const, outdir: out };
    await build({ ...common, entryPoints: { cli: path.join(root, 'main/cli/cli-entry.ts') } });
    await build({ ...common, entryPoints: { 'electron-main': path.join(root, 'main/electron/electron-main.ts') }, external: ['electron'] });
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the CLI entry imports no package before it knows the command (each command is its own chunk)', () => {
    expect([...staticPackages(path.join(out, 'cli.js'))]).toEqual([]);
    // Control: the commands' chunks do load packages, so an empty list above means something.
    const inspectChunk = readFileSync(path.join(out, 'cli.js'), 'utf8').match(/import\("(\.\/chunks\/inspect-[^"]+)"\)/)?.[1];
    expect(inspectChunk).toBeTruthy();
    // (yauzl is not here: the zip readers run in the drop worker, its own bundle.)
    expect([...staticPackages(path.join(out, inspectChunk!))]).toEqual(expect.arrayContaining(['zod']));
  });

  it('the Electron main loads no SQL driver or zip reader before its window', () => {
    const packages = [...staticPackages(path.join(out, 'electron-main.js'))];
    expect(packages).toContain('electron');
    for (const heavy of ['mssql', 'tedious', 'yauzl', 'yazl', 'adm-zip']) expect(packages).not.toContain(heavy);
  });
});
