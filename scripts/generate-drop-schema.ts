/**
 * Writes docs/drop.schema.json from the zod schema in main/drop/manifest-schema.ts.
 * Run with `npm run schema:drop`; a test fails when the committed file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropManifestJsonSchemaText } from '../main/drop/manifest-schema';

// npm runs scripts from the package root, and the script is bundled elsewhere, so cwd is the anchor.
const target = join(process.cwd(), 'docs', 'drop.schema.json');
mkdirSync(join(process.cwd(), 'docs'), { recursive: true });
writeFileSync(target, dropManifestJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
