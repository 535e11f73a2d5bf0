import { build } from 'esbuild';
import { join } from 'node:path';

/**
 * vitest globalSetup: builds the drop worker from the current sources into .tmp/ and points the
 * engine at it (DROP_RUNNER_DROP_WORKER is honoured only when the engine itself runs from sources),
 * so in-process tests open drops through the same worker thread as the built app, never a stale one.
 */
export default async function setup(): Promise<void> {
  // The same file `npm run demo` and the benchmarks build: scripts bundled into .tmp/ find it beside them.
  const outfile = join(process.cwd(), '.tmp', 'drop-worker.cjs');
  await build({
    entryPoints: ['main/hosting/drop-worker.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  process.env.DROP_RUNNER_DROP_WORKER = outfile;
}
