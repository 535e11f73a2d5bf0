/**
 * Writes docs/report.schema.json from the zod schema in main/report/report-schema.ts.
 * Run with `npm run schema:report`; a test fails when the committed file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportJsonSchemaText } from '../main/report/report-schema';

// npm runs scripts from the package root, and the script is bundled elsewhere, so cwd is the anchor.
const target = join(process.cwd(), 'docs', 'report.schema.json');
mkdirSync(join(process.cwd(), 'docs'), { recursive: true });
writeFileSync(target, reportJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
