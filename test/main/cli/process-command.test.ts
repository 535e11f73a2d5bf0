/**
 * The process wrapper of every `drop-runner` command, run as a real process (bundled from the sources
 * with esbuild): the exit code of a command, INTERNAL for a throw, and COMMAND_STALLED — exit 1, never
 * Node's silent exit 0 — for a command still waiting when nothing is left to run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'dr-process-command-'));
const bundle = path.join(dir, 'probe.cjs');

beforeAll(async () => {
  const entry = path.join(dir, 'probe.ts');
  const wrapper = path.resolve('main/cli/process-command.ts').replace(/\\/g, '/');
  writeFileSync(
    entry,
    `import { runAsProcessCommand } from '${wrapper}';
const mode = process.argv[2];
runAsProcessCommand(async () => {
  if (mode === 'code') return 4;
  if (mode === 'throw') throw new Error('boom');
  // Waits for an answer that never comes, with nothing else keeping Node alive.
  return new Promise<number>(() => {});
});
`,
  );
  await build({ entryPoints: [entry], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (mode: string) => spawnSync(process.execPath, [bundle, mode], { encoding: 'utf8', timeout: 20_000 });

describe('runAsProcessCommand', () => {
  it("a command's result is the exit code", () => {
    const r = run('code');
    expect(r.status).toBe(4);
    expect(r.stderr).toBe('');
  });

  it('a throw is error INTERNAL with exit 1', () => {
    const r = run('throw');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error INTERNAL: Error: boom/);
  });

  it('a command still waiting when nothing is left to run is COMMAND_STALLED with exit 1, not a silent exit 0', () => {
    const r = run('stall');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error COMMAND_STALLED: The command was still waiting/);
    expect(r.stderr).toMatch(/drop-runner resume <id>/);
  });
});
