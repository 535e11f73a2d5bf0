// Is dist/ older than the sources? Shared by `npm start` (build before opening) and the vitest global
// setup (tests that run the built CLI or serve the built UI must not test yesterday's build).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const OUTPUTS = ['dist/main/cli.js', 'dist/main/electron-main.js', 'dist/preload/preload.cjs', 'dist/renderer/index.html'];
const SOURCES = ['common', 'main', 'preload', 'renderer'];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** True when an output is missing or any source file changed after the oldest output was written. */
export function distIsStale(root = '.') {
  const outputs = OUTPUTS.map((f) => join(root, f));
  if (!outputs.every((f) => existsSync(f))) return true;
  const builtAt = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const sourcesAt = Math.max(...SOURCES.map((d) => newestMtime(join(root, d))), statSync(join(root, 'scripts', 'build.mjs')).mtimeMs);
  return sourcesAt > builtAt;
}
