// The layer table of main/ (eslint-rules/layers.js) and the folder cycle check, proven to fire.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { LAYERS } from '../../eslint-rules/layers.js';
import { repoRoot } from '../support/browser-host';
import { findCycles, folderGraph } from '../support/import-graph';

const eslint = new ESLint({ cwd: repoRoot });
const domains = LAYERS.flatMap((layer, rank) => layer.domains.map((name) => ({ name, rank })));

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, filePath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/no-upward-import').map((m) => m.message);
}

const probeFile = (domain: string) => (domain === 'service' ? 'main/service.ts' : `main/${domain}/layer-probe.ts`);
const importOf = (domain: string, from: string) => {
  const up = from === 'service' ? './' : '../';
  return domain === 'service' ? `${up}service` : `${up}${domain}/anything`;
};

describe('the layer table is enforced by lint', () => {
  it('lists every folder of main/', () => {
    const folders = readdirSync(join(repoRoot, 'main')).filter((n) => statSync(join(repoRoot, 'main', n)).isDirectory());
    expect(folders.filter((f) => !domains.some((d) => d.name === f))).toEqual([]);
  });

  for (const from of domains) {
    it(`main/${from.name} may import only lower layers`, async () => {
      for (const to of domains) {
        if (to.name === from.name) continue;
        const errors = await layerErrors(probeFile(from.name), `import { x } from '${importOf(to.name, from.name)}';\nexport const y = x;\n`);
        const allowed = to.rank > from.rank;
        expect({ to: to.name, errors: errors.length }).toEqual({ to: to.name, errors: allowed ? 0 : 1 });
        if (!allowed) expect(errors[0]).toContain(`main/${from.name} may not import main/${to.name}`);
      }
    });
  }

  it('checks re-exports and dynamic imports too, and names the fix', async () => {
    const [reexport] = await layerErrors('main/drop/layer-probe.ts', "export * from '../octopus/octopus-importer';\n");
    expect(reexport).toContain('composition root');
    expect(await layerErrors('main/sql/layer-probe.ts', "export async function f() { return import('../deploy/plan'); }\n")).toHaveLength(1);
  });

  it('ignores imports inside a domain and of common/', async () => {
    expect(await layerErrors('main/drop/nested/layer-probe.ts', "import { x } from '../limits';\nimport { y } from '../../../common/errors';\nexport const z = [x, y];\n")).toEqual([]);
  });
});

describe('no folder imports itself in a circle', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'drop-runner-cycles-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds no cycle between folders of main/, common/, renderer/ and preload/', () => {
    const cycles = findCycles(folderGraph(repoRoot, ['main', 'common', 'renderer', 'preload']));
    expect(cycles.map((c) => c.join(' → '))).toEqual([]);
  });

  it('reports a cycle when one is there (three folders on disk)', () => {
    for (const [dir, target] of [['a', '../b/b'], ['b', '../c/c'], ['c', '../a/a']] as const) {
      mkdirSync(join(scratch, 'src', dir), { recursive: true });
      writeFileSync(join(scratch, 'src', dir, `${dir}.ts`), `import type { T } from '${target}';\nexport type U = T;\n`);
    }
    const cycles = findCycles(folderGraph(scratch, ['src']));
    expect(cycles).toEqual([['src/a', 'src/b', 'src/c']]);
  });

  it('does not count a domain and its own sub-folder as a cycle', () => {
    mkdirSync(join(scratch, 'nest', 'd', 'parts'), { recursive: true });
    writeFileSync(join(scratch, 'nest', 'd', 'd.ts'), "import { p } from './parts/p';\nexport const d = p;\n");
    writeFileSync(join(scratch, 'nest', 'd', 'parts', 'p.ts'), "import type { D } from '../types';\nexport const p: D = 1;\n");
    writeFileSync(join(scratch, 'nest', 'd', 'types.ts'), 'export type D = number;\n');
    expect(findCycles(folderGraph(scratch, ['nest']))).toEqual([]);
  });
});

describe('functions stay short enough to read', () => {
  it('lint refuses a function over 150 lines in main/ and common/, and allows one of 150', async () => {
    const body = (lines: number) => `export function long(): number {\n  let n = 0;\n${'  n += 1;\n'.repeat(lines - 4)}  return n;\n}\n`;
    const rule = async (file: string, code: string) => {
      const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
      return (result?.messages ?? []).filter((m) => m.ruleId === 'max-lines-per-function').length;
    };
    expect(await rule('main/deploy/length-probe.ts', body(151))).toBe(1);
    expect(await rule('common/length-probe.ts', body(151))).toBe(1);
    expect(await rule('main/deploy/length-probe.ts', body(150))).toBe(0);
  });
});
