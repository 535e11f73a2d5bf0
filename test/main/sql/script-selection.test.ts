import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { globToRegExp, naturalCompare, selectScripts } from '../../../main/sql/script-selection';

const root = mkdtempSync(path.join(tmpdir(), 'dr-sql-sel-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
for (const f of ['10-views.sql', '2-tables.sql', '1-schema.sql', 'README.txt', 'always/permissions.sql', 'always/10-b.sql', 'always/9-a.sql', 'sub/3-x.sql', 'seed/01-data.SQL', 'perm.sql']) {
  mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
  writeFileSync(path.join(root, f), 'SELECT 1\n');
}

describe('selectScripts', () => {
  it('globs every .sql (case-insensitive), natural order, run-always (always/ folder) last', () => {
    const names = selectScripts(root, {}).map((s) => [s.name, s.runAlways]);
    expect(names).toEqual([
      ['1-schema.sql', false],
      ['2-tables.sql', false],
      ['10-views.sql', false],
      ['perm.sql', false],
      ['seed/01-data.SQL', false],
      ['sub/3-x.sql', false],
      ['always/9-a.sql', true],
      ['always/10-b.sql', true],
      ['always/permissions.sql', true],
    ]);
  });

  it('include/exclude patterns and runAlways patterns', () => {
    const names = selectScripts(root, { include: ['*.sql'], exclude: ['perm*'], runAlways: ['2-*.sql'] }).map((s) => [s.name, s.runAlways]);
    expect(names).toEqual([
      ['1-schema.sql', false],
      ['10-views.sql', false],
      ['2-tables.sql', true],
    ]);
  });

  it('an explicit list keeps its order and is checked', () => {
    expect(selectScripts(root, { scripts: ['10-views.sql', '.\\1-schema.sql', 'always/9-a.sql'] }).map((s) => [s.name, s.runAlways])).toEqual([
      ['10-views.sql', false],
      ['1-schema.sql', false],
      ['always/9-a.sql', true],
    ]);
    expect(() => selectScripts(root, { scripts: ['nope.sql'] })).toThrow(expect.objectContaining({ code: 'SQL_SCRIPT_MISSING' }));
    expect(() => selectScripts(root, { scripts: ['../x.sql'] })).toThrow(expect.objectContaining({ code: 'SQL_SCRIPT_OUTSIDE_PACKAGE' }));
    expect(() => selectScripts(root, { scripts: ['perm.sql', 'PERM.sql'] })).toThrow(expect.objectContaining({ code: 'SQL_SCRIPT_DUPLICATE' }));
    expect(() => selectScripts(path.join(root, 'missing'), {})).toThrow(expect.objectContaining({ code: 'SQL_SCRIPTS_FOLDER_MISSING' }));
  });
});

describe('naturalCompare and globToRegExp', () => {
  it('orders numbers numerically and ignores leading zeros and case', () => {
    expect(['a10', 'a2', 'A1', 'a02b', 'b'].sort(naturalCompare)).toEqual(['A1', 'a2', 'a02b', 'a10', 'b']);
  });
  it('compiles globs', () => {
    expect(globToRegExp('**/*.sql').test('a/b/c.SQL')).toBe(true);
    expect(globToRegExp('**/*.sql').test('c.sql')).toBe(true);
    expect(globToRegExp('*.sql').test('a/c.sql')).toBe(false);
    expect(globToRegExp('v?.sql').test('v1.sql')).toBe(true);
    expect(globToRegExp('a\\*.sql').test('a/x.sql')).toBe(true);
  });
});
