// Vitest global setup: some tests run the built CLI (bin/drop-runner.js → dist/) or serve the built UI.
// A missing or stale dist/ made them fail with baffling numbers ("expected 3 to be 0"), so rebuild here
// when the sources are newer, and stop the run with a plain message when the build itself fails.
import { spawnSync } from 'node:child_process';
import { distIsStale } from '../../scripts/build-freshness.mjs';
import { repoRoot } from './browser-host';

export default function setup(): void {
  if (!distIsStale(repoRoot)) return;
  console.log('dist/ is missing or older than the sources: running `node scripts/build.mjs` before the tests.');
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error('dist/ is stale and `node scripts/build.mjs` failed (output above). Fix the build, then run the tests again.');
  }
}
