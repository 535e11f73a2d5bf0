import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDropIsolated } from '../../../main/drop/worker/isolated-open';
import { rejectionOf } from '../../support/app-error-code';
import { manifestFor, nativeEntries, writeZip, type FileMap } from '../../support/fixtures/native-drop';

const base = mkdtempSync(join(tmpdir(), 'dr-isolated-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const SQL: FileMap = { 'sql/001.sql': 'SELECT 1;\n' };

describe('openDropIsolated (the drop worker thread)', () => {
  it('answers with the verified drop', async () => {
    const zip = await writeZip(join(base, 'ok.zip'), nativeEntries(SQL));
    const drop = await openDropIsolated(zip, { dataDir: join(base, 'data-ok') });
    expect(drop.project.id).toBe('test-project');
    expect(readdirSync(drop.root).sort()).toEqual(['drop.json', 'sql']);
  });

  it('passes the worker’s coded refusals through unchanged', async () => {
    const manifest = Buffer.from(JSON.stringify(manifestFor(SQL)).replace('"release":{', '"release":{"version":"x"},"release":{'));
    const zip = await writeZip(join(base, 'dup.zip'), nativeEntries(SQL, { manifest }));
    const error = await rejectionOf(openDropIsolated(zip, { dataDir: join(base, 'data-dup') }));
    expect(error.code).toBe('DROP_MANIFEST_DUPLICATE_KEY');
  });

  it('refuses a drop that needs more memory than the worker may use with DROP_TOO_LARGE, not INTERNAL, and leaves no extraction', async () => {
    // 19,000 variables with long help texts: under every manifest limit, but far over a 16 MB heap once parsed and validated.
    const variables = Array.from({ length: 19_000 }, (_, i) => ({ name: `V${i}`, label: `Variable ${i}`, type: 'text', help: `${'h'.repeat(300)}${i}` }));
    const manifest = Buffer.from(JSON.stringify(manifestFor(SQL, { variables })));
    const zip = await writeZip(join(base, 'heavy.zip'), nativeEntries(SQL, { manifest }));
    const dataDir = join(base, 'data-heavy');
    const error = await rejectionOf(openDropIsolated(zip, { dataDir, heapMb: 16 }));
    expect(error.code).toBe('DROP_TOO_LARGE');
    expect(error.message).toContain('16 MB');
    expect(readdirSync(join(dataDir, 'drops')).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('stops at once when aborted, with CANCELLED and no extraction left', async () => {
    const zip = await writeZip(join(base, 'abort.zip'), nativeEntries(SQL));
    const stop = new AbortController();
    const opening = openDropIsolated(zip, { dataDir: join(base, 'data-abort'), signal: stop.signal });
    stop.abort();
    expect((await rejectionOf(opening)).code).toBe('CANCELLED');
    const drops = join(base, 'data-abort', 'drops');
    expect(existsSync(drops) ? readdirSync(drops) : []).toEqual([]);
  });
});
