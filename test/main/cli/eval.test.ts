import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess, type InProcessRun } from '../../support/cli-in-process';

const dir = mkdtempSync(path.join(tmpdir(), 'dr-eval-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[], input = ''): Promise<InProcessRun> => runCliInProcess(args, { input });

describe('drop-runner eval', () => {
  it('prints the evaluated text', async () => {
    const run = await cli(['eval', 'Server=#{Server | ToUpper};Db=#{Db}', '--var', 'Server=db01', '--var', 'db=Hosp', '--data-dir', dir]);
    expect(run).toEqual({ code: 0, stdout: 'Server=DB01;Db=Hosp\n', stderr: '' });
  });

  it('reads variables from a NAME=VALUE file and a JSON file; --var wins', async () => {
    const env = path.join(dir, 'vars.env');
    const json = path.join(dir, 'vars.json');
    writeFileSync(env, '# tenant\nServer=db01\nPort=1433\n');
    writeFileSync(json, '{"Db": "Hosp", "Port": 1444}');
    const run = await cli(['eval', '#{Server},#{Port}/#{Db}', '--var-file', env, '--var-file', json, '--var', 'Server=db02', '--data-dir', dir]);
    expect(run.stdout).toBe('db02,1444/Hosp\n');
    expect(run.code).toBe(0);
  });

  it('--json gives result, unresolved tokens and errors, and exit 1 when something is unresolved', async () => {
    const run = await cli(['eval', '#{A}#{B}#{C | Bogus}', '--var', 'A=1', '--var', 'C=x', '--json', '--data-dir', dir]);
    expect(run.code).toBe(1);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ result: '1#{B}#{C | Bogus}', unresolved: ['#{B}', '#{C | Bogus}'], missing: ['B'] });
    expect(json.errors.map((e: { code: string }) => e.code)).toEqual(['TEMPLATE_UNKNOWN_FILTER']);
  });

  it('warns on stderr about unresolved tokens and cycles', async () => {
    const run = await cli(['eval', '#{A}', '--var', 'A=#{B}', '--var', 'B=#{A}', '--data-dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('warning VARIABLE_CYCLE: Variable "A" refers to itself: A → B → A');
  });

  it('reads the template from stdin with -', async () => {
    const run = await cli(['eval', '-', '--var', 'X=y', '--data-dir', dir], '#{if X == "y"}yes#{/if}\n');
    expect(run).toEqual({ code: 0, stdout: 'yes\n', stderr: '' });
  });

  it('rejects a missing template, a bad --var and a bad var file with exit 2', async () => {
    expect((await cli(['eval', '--data-dir', dir])).stderr).toMatch(/^error INVALID_ARGUMENTS:/);
    const badVar = await cli(['eval', 'x', '--var', 'novalue', '--data-dir', dir]);
    expect(badVar.code).toBe(2);
    expect(badVar.stderr).toMatch(/^error INVALID_VAR:/);
    const bad = path.join(dir, 'bad.env');
    writeFileSync(bad, 'just text\n');
    const badFile = await cli(['eval', 'x', '--var-file', bad, '--data-dir', dir]);
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toMatch(/^error VAR_FILE_INVALID: .*bad\.env line 1 is not NAME=VALUE/);
  });
});
