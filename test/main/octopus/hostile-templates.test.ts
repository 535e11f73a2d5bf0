/**
 * Issue 20 item 2 through the CLI: Octopus drops whose variables are the red team's hostile templates.
 * `inspect` opens them without evaluating what the Overview does not show (exit 0); `plan`, which
 * evaluates every variable, ends in a specific TEMPLATE_* code naming the variable (exit 2), never
 * INTERNAL and never a hang (the test timeout is the bound). `eval` gives the same codes.
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/main';
import { buildOctopusDropZip, type OctopusDropSpec } from '../../support/fixtures/octopus-drop-builder';
import { scratchDirs } from '../../support/scratch-dir';

const dirs = scratchDirs('dr-octo-hostile');
afterAll(() => dirs.removeAll());

async function cli(args: string[], dataDir: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli([...args, '--data-dir', dataDir], { stdout: (s) => void (out += s), stderr: (s) => void (err += s), stdin: Readable.from([]) });
  return { code, out, err };
}

/** One "SQL - Execute Script" step whose script prints #{Message}; `vars` are every step's variables. */
function spec(vars: Record<string, string>): OctopusDropSpec {
  return {
    format: 'array',
    project: 'Hostile',
    release: '1.0.0',
    tenant: { id: 'hostile-hospital', name: 'Hostile Hospital' },
    common: { 'Octopus.Project.Name': 'Hostile Project', 'Octopus.Release.Number': '1.0.0', ...vars },
    steps: [{ name: 'Run SQL', command: 'run-script', variables: { SqlScript: "PRINT N'#{Message}'", ConnectionString: 'Server=127.0.0.1,1;Database=x;User Id=u;Password=p' } }],
  };
}

function doubling(levels: number): Record<string, string> {
  const vars: Record<string, string> = { L0: 'abcdefghij' };
  for (let i = 1; i <= levels; i++) vars[`L${i}`] = `#{L${i - 1}}#{L${i - 1}}`;
  return { ...vars, Message: `#{L${levels}}` };
}

const BUDGET_CODES = ['TEMPLATE_VALUE_TOO_LARGE', 'TEMPLATE_OUTPUT_TOO_LARGE', 'TEMPLATE_WORK_LIMIT'];

describe('hostile templates in an Octopus drop', () => {
  const cases: Array<[name: string, vars: Record<string, string>, codes: string[], variable: RegExp]> = [
    ['a 24-level self-doubling value', doubling(24), BUDGET_CODES, /variable "(L\d+|Message)"/],
    ['a 25-level expansion', doubling(25), BUDGET_CODES, /variable "(L\d+|Message)"/],
    ['Format N999999999', { Message: '#{N | Format N999999999}', N: '1' }, ['TEMPLATE_VALUE_TOO_LARGE'], /variable "Message"/],
    ['a chain deeper than 64 levels', Object.fromEntries([['Message', '#{D80}'], ['D0', 'x'], ...Array.from({ length: 80 }, (_, i) => [`D${i + 1}`, `#{D${i}}`])]), ['TEMPLATE_TOO_DEEP'], /variable "(D\d+|Message)"/],
  ];

  it.each(cases)('%s: inspect shows the Overview (exit 0), plan ends in a coded error naming the variable (exit 2)', async (_name, vars, codes, variable) => {
    const root = dirs.make();
    const { zip } = await buildOctopusDropZip(path.join(root, 'src'), spec(vars));
    const inspect = await cli(['inspect', zip], path.join(root, 'data'));
    expect(inspect.err).toBe('');
    expect(inspect.code).toBe(0);
    expect(inspect.out).toContain('Hostile Project');
    const plan = await cli(['plan', zip], path.join(root, 'data'));
    expect(plan.code).toBe(2);
    const code = /^error ([A-Z_]+):/.exec(plan.err)?.[1];
    expect(codes).toContain(code);
    expect(plan.err).toMatch(variable);
    expect(plan.err).not.toContain('INTERNAL');
  });

  it('Replace "(a+)+$" and 200000 × "#{" neither hang inspect nor plan', async () => {
    const root = dirs.make();
    const { zip } = await buildOctopusDropZip(path.join(root, 'src'), spec({ Message: '#{Input | Replace "(a+)+$" x}', Input: `${'a'.repeat(30_000)}b`, Stray: '#{'.repeat(200_000) }));
    const inspect = await cli(['inspect', zip], path.join(root, 'data'));
    expect(inspect.code).toBe(0);
    const plan = await cli(['plan', zip], path.join(root, 'data'));
    expect(plan.err).not.toContain('INTERNAL');
    expect([0, 1, 2]).toContain(plan.code);
  });
});

describe('drop-runner eval with hostile templates', () => {
  it('ends each reproduction in its code with exit 2', async () => {
    const data = dirs.make();
    const doubling24 = Object.entries(doubling(24)).flatMap(([k, v]) => ['--var', `${k}=${v}`]);
    const runs: Array<[string[], string[]]> = [
      [['eval', '#{L24}', ...doubling24], BUDGET_CODES],
      [['eval', '#{N | Format N999999999}', '--var', 'N=1'], ['TEMPLATE_VALUE_TOO_LARGE']],
      [['eval', `${'#{'.repeat(200_000)}}`], ['TEMPLATE_WORK_LIMIT']],
    ];
    for (const [args, codes] of runs) {
      const r = await cli(args, data);
      expect(r.code, args[1]!.slice(0, 30)).toBe(2);
      expect(codes).toContain(/^error ([A-Z_]+):/.exec(r.err)?.[1]);
    }
    const replace = await cli(['eval', '#{V | Replace "(a+)+$" x}', '--var', `V=${'a'.repeat(30_000)}b`], data);
    expect(replace.code).toBe(0);
    const unknown = await cli(['eval', '#{V | constructor}', '--var', 'V=x'], data);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('warning TEMPLATE_UNKNOWN_FILTER');
  });
});
