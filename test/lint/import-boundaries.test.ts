import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/browser-host';

const eslint = new ESLint({ cwd: repoRoot });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}/${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries are enforced by lint', () => {
  it('fires when the engine imports electron', async () => {
    const errors = await boundaryErrors('main/drop/probe.ts', "import { app } from 'electron';\nexport const x = app;\n");
    expect(errors.join('\n')).toContain('Only main/electron/ and preload/ may import electron');
  });

  it('fires when the renderer imports the engine', async () => {
    const errors = await boundaryErrors('renderer/probe.tsx', "import { createService } from '../main/service';\nexport const x = createService;\n");
    expect(errors.length).toBe(1);
  });

  it('fires when the renderer imports a Node built-in', async () => {
    expect((await boundaryErrors('renderer/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).length).toBe(1);
  });

  it('fires when common/ imports anything of ours outside common', async () => {
    expect((await boundaryErrors('common/probe.ts', "import { x } from '../main/service';\nexport const y = x;\n")).length).toBe(1);
  });

  it('stays silent for allowed imports', async () => {
    expect(await boundaryErrors('main/electron/probe.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([]);
    expect(await boundaryErrors('renderer/probe.ts', "import type { DropView } from '../common/contract';\nexport type X = DropView;\n")).toEqual([]);
  });
});
