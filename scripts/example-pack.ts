/**
 * `npm run example:pack`: builds examples/dist/sample-drop.zip from examples/sample-drop (plus the
 * generated ClinicalFeeds.ispac), signed with the example key in examples/keys/ — example only,
 * never trust that key in production.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSampleDrop } from '../test/support/fixtures/sample-drop';

// npm runs scripts from the package root, and the script is bundled elsewhere, so cwd is the anchor.
const outDir = join(process.cwd(), 'examples', 'dist');
const zipPath = await buildSampleDrop({ outDir, release: '2.4.0', sign: true, zipName: 'sample-drop.zip' });
const sha256 = createHash('sha256').update(readFileSync(zipPath)).digest('hex');
process.stdout.write(`wrote ${zipPath}\nsha256 ${sha256}\nsigned with the EXAMPLE key (examples/keys/): example only — never trust it in production\n`);
