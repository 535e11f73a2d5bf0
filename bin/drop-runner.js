#!/usr/bin/env node
// The `drop-runner` command: a thin door to the built CLI, with a clear word when nothing is built yet.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main', 'cli.js');
if (!existsSync(built)) {
  process.stderr.write('error NOT_BUILT: Drop Runner has not been built in this folder.\nhint: Run `npm run build` (or `npm start`) first.\n');
  process.exit(3);
}
await import(pathToFileURL(built).href);
