import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commitTemp, dropFilesDir, newTempPath } from '../../../main/drop/drop-store';

const base = mkdtempSync(join(tmpdir(), 'dr-store-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('commitTemp', () => {
  it('lets many opens of the same drop commit at the same moment: one complete copy, nothing set aside', async () => {
    const dataDir = join(base, 'data');
    const temps: string[] = [];
    for (let i = 0; i < 16; i++) {
      const temp = await newTempPath(dataDir);
      mkdirSync(join(temp, 'sql'), { recursive: true });
      writeFileSync(join(temp, 'sql', '001.sql'), 'SELECT 1;\n');
      temps.push(temp);
    }
    const roots = await Promise.all(temps.map((temp) => commitTemp(dataDir, temp, 'proj-1.0.0-abc')));
    expect(new Set(roots)).toEqual(new Set([dropFilesDir(dataDir, 'proj-1.0.0-abc')]));
    expect(readFileSync(join(roots[0]!, 'sql', '001.sql'), 'utf8')).toBe('SELECT 1;\n');
    expect(readdirSync(join(dataDir, 'drops'))).toEqual(['proj-1.0.0-abc']);
  });
});
