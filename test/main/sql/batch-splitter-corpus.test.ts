import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitSqlFile } from '../../../main/sql/script-file';

// The corpus lives beside the checkout (../shared/corpus/sql) and is never copied into the project.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// DROP_RUNNER_SHARED points at the shared folder when the checkout does not sit beside it (a worktree).
const corpus = path.resolve(process.env.DROP_RUNNER_SHARED ?? path.resolve(repo, '../shared'), 'corpus/sql');
const present = existsSync(corpus);

if (!present) {
  console.warn(`SKIPPED: batch-splitter corpus tests — ${corpus} is absent.`);
}

// Expected counts: the reference's sqlcmd-rule lexer (reference/sql-server-and-ssis.md §6).
const expected: Array<{ file: string; batches: number; encoding: string; goLinesInsideCommentsOrStrings: number }> = [
  { file: 'ola-hallengren-MaintenanceSolution.sql', batches: 22, encoding: 'utf-8-bom', goLinesInsideCommentsOrStrings: 0 },
  { file: 'first-responder-kit-Install-All-Scripts.sql', batches: 32, encoding: 'utf-8', goLinesInsideCommentsOrStrings: 0 },
  { file: 'sql-server-samples-instawdb.sql', batches: 432, encoding: 'utf-8-bom', goLinesInsideCommentsOrStrings: 0 },
  { file: 'sql-server-samples-1_PBM_CustomPolicies.sql', batches: 85, encoding: 'utf-8', goLinesInsideCommentsOrStrings: 1 },
];

describe.skipIf(!present)('batch splitter on the public corpus (../shared/corpus/sql)', () => {
  for (const { file, batches, encoding, goLinesInsideCommentsOrStrings } of expected) {
    it(`${file} splits into ${batches} batches`, async () => {
      const r = await splitSqlFile(path.join(corpus, file));
      expect(r.batches).toHaveLength(batches);
      expect(r.encoding).toBe(encoding);
      expect(r.warnings).toEqual([]);
      // Separator-looking lines left in batches are only those inside comments or strings.
      const goLines = r.batches.reduce((n, b) => n + (b.text.match(/^[ \t]*go(?:[ \t]+\d+)?[ \t]*(?:--.*)?$/gim)?.length ?? 0), 0);
      expect(goLines).toBe(goLinesInsideCommentsOrStrings);
      for (const b of r.batches) expect(b.firstLine).toBeLessThanOrEqual(b.lastLine);
      for (let i = 1; i < r.batches.length; i++) expect(r.batches[i]!.firstLine).toBeGreaterThan(r.batches[i - 1]!.lastLine);
    });
  }

  it('MaintenanceSolution keeps #Config in the first batch and reads it in the last (one session needed)', async () => {
    const r = await splitSqlFile(path.join(corpus, 'ola-hallengren-MaintenanceSolution.sql'));
    expect(r.batches[0]!.text).toMatch(/CREATE TABLE #Config/);
    expect(r.batches.filter((b) => b.firstLine > 10000).some((b) => /FROM #Config/.test(b.text))).toBe(true);
    expect(r.batches.some((b) => /^\s*GOTO /m.test(b.text))).toBe(true);
  });

  it('PBM policies: the GO line inside a /* */ block does not split', async () => {
    const r = await splitSqlFile(path.join(corpus, 'sql-server-samples-1_PBM_CustomPolicies.sql'));
    const spanning = r.batches.find((b) => b.firstLine < 363 && b.lastLine > 363);
    expect(spanning).toBeDefined();
    expect(spanning!.text).toMatch(/\nGO\r?\n\*\//);
  });

  it('instawdb: :setvar values are substituted in names and strings, and the SQLCMD-mode check survives', async () => {
    const r = await splitSqlFile(path.join(corpus, 'sql-server-samples-instawdb.sql'));
    const all = r.batches.map((b) => b.text).join('\n');
    expect(all).not.toContain('$(DatabaseName)');
    expect(all).not.toContain('$(SqlSamplesSourceDataPath)');
    expect(all).toContain("IF ('AdventureWorks' = '$' + '(DatabaseName)')");
    expect(all).toContain("'C:\\Samples\\AdventureWorks\\");
    expect(r.batches[0]!.firstLine).toBe(49);
  });
});
