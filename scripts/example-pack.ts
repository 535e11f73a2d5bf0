/**
 * `npm run example:pack [-- --version 2.5.0]`: builds examples/dist/sample-drop.zip (release 2.4.0), or
 * with --version the given release as examples/dist/sample-drop-<version>.zip — the second release
 * that shows the upgrade flow (remembered values prefilled, only what changed to review). Built from
 * examples/sample-drop (plus the generated ClinicalFeeds.ispac), signed with the example key in
 * examples/keys/ — example only, never trust that key in production.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSampleDrop, type SampleRelease } from '../test/support/fixtures/sample-drop';

const at = process.argv.indexOf('--version');
// The sample has two releases: 2.4.0 (the first) and 2.5.0 (the upgrade, with changed and new variables).
const RELEASES: SampleRelease[] = ['2.4.0', '2.5.0'];
const release = at >= 0 ? RELEASES.find((r) => r === process.argv[at + 1]) : undefined;
if (at >= 0 && !release) {
  process.stderr.write(`error INVALID_ARGUMENTS: --version must be one of the sample's releases: ${RELEASES.join(', ')}.\nhint: npm run example:pack -- --version 2.5.0\n`);
  process.exit(2);
}
// npm runs scripts from the package root, and the script is bundled elsewhere, so cwd is the anchor.
const outDir = join(process.cwd(), 'examples', 'dist');
const zipPath = await buildSampleDrop({ outDir, release: release ?? '2.4.0', sign: true, zipName: release ? `sample-drop-${release}.zip` : 'sample-drop.zip' });
const sha256 = createHash('sha256').update(readFileSync(zipPath)).digest('hex');
process.stdout.write(`wrote ${zipPath}\nsha256 ${sha256}\nsigned with the EXAMPLE key (examples/keys/): example only — never trust it in production\n`);
