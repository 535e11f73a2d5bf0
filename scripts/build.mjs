// Builds everything `npm start` and the installer need: the engine and hosts (esbuild), the sandboxed
// preload (one CommonJS file, as Electron's sandbox requires) and the renderer (Vite).
import { build } from 'esbuild';
import { build as viteBuild } from 'vite';
import { rmSync } from 'node:fs';

const only = process.argv.includes('--main-only') ? 'main' : 'all';
rmSync('dist/main', { recursive: true, force: true });
rmSync('dist/preload', { recursive: true, force: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Bundled ESM has no require(); a few CommonJS-only paths (the keyring binding) use createRequire explicitly.
  banner: { js: '// Drop Runner — built file, edit the TypeScript sources instead.' },
};

// Code splitting keeps each dynamic import (one per CLI command; the engine behind the Electron window)
// in its own chunk with its own package imports, so start-up loads only what it uses.
const split = { splitting: true, chunkNames: 'chunks/[name]-[hash]' };

await Promise.all([
  build({ ...node, ...split, entryPoints: { cli: 'main/cli/cli-entry.ts' }, outdir: 'dist/main' }),
  build({ ...node, ...split, entryPoints: { 'electron-main': 'main/electron/electron-main.ts' }, outdir: 'dist/main', external: ['electron'] }),
  // The drop worker (main/hosting/drop-worker.ts) is one self-contained CommonJS file: it is started with
  // new Worker(path), and in the installer it sits in app.asar.unpacked where node_modules is not.
  build({ ...node, entryPoints: { 'drop-worker': 'main/hosting/drop-worker.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' }, format: 'cjs', packages: undefined }),
  build({
    entryPoints: { preload: 'preload/preload.ts' },
    outdir: 'dist/preload',
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'warning',
  }),
]);
if (only === 'all') await viteBuild({ configFile: 'vite.config.ts', logLevel: 'warn' });
console.log('build: dist/main (cli, electron-main, drop-worker), dist/preload' + (only === 'all' ? ', dist/renderer' : ''));
