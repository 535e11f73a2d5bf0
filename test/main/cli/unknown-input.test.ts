/**
 * The CLI refuses what it does not know: a misspelled flag or command is exit 2 with a stable code and
 * a "did you mean" hint, never silently ignored (a misspelled --tenant used to fall back to the drop's
 * default tenant).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { closest, editDistance, flagsInUsage } from '../../../main/cli/did-you-mean';
import { runCli } from '../../../main/cli/main';
import { commandEntries } from '../../../main/cli/commands/index';

const dir = mkdtempSync(path.join(tmpdir(), 'dr-unknown-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdin: Readable.from(['']) });
  return { code, stdout, stderr };
}

describe('unknown flags and commands', () => {
  it('deploy --tennant is UNKNOWN_FLAG (exit 2) suggesting --tenant, before anything is opened or written', async () => {
    const run = await cli(['deploy', path.join(dir, 'missing.zip'), '--tennant', 'st-marys', '--data-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error UNKNOWN_FLAG: drop-runner deploy has no flag --tennant; nothing was done\.\nhint: Did you mean --tenant\? Usage: drop-runner deploy /);
    expect(run.stdout).toBe('');
    // The data folder stays as it was: no settings, no tenant, no deployment.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the --flag=value form and value flags are checked too', async () => {
    const run = await cli(['history', '--tenantt=st-marys', '--data-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error UNKNOWN_FLAG: drop-runner history has no flag --tenantt');
    expect(run.stderr).toContain('Did you mean --tenant?');
  });

  it('a flag nothing resembles gets the usage without a guess', async () => {
    const run = await cli(['history', '--zzzzzzzz', '--data-dir', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/hint: Usage: drop-runner history/);
    expect(run.stderr).not.toContain('Did you mean');
  });

  it('an unknown command is UNKNOWN_COMMAND (exit 2) with the closest command', async () => {
    const run = await cli(['deplyo', 'x.zip']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error UNKNOWN_COMMAND: There is no command "deplyo".\nhint: Did you mean `drop-runner deploy`? Run `drop-runner help` to list the commands.\n');
    const far = await cli(['frobnicate']);
    expect(far.stderr).not.toContain('Did you mean');
    expect(far.code).toBe(2);
  });

  it('every flag a command documents is accepted (the usage line is the list)', async () => {
    for (const entry of commandEntries) {
      const command = await entry.load();
      for (const flag of flagsInUsage(command.usage)) {
        const run = await cli([command.name, '--help', `--${flag}${command.valueFlags?.includes(flag) ? '=x' : ''}`, '--data-dir', dir]);
        expect(run.stderr, `${command.name} --${flag}`).not.toContain('UNKNOWN_FLAG');
      }
    }
  });

  it('suggests by edit distance, transpositions and prefixes', () => {
    expect(editDistance('tennant', 'tenant')).toBe(1);
    expect(editDistance('tenatn', 'tenant')).toBe(1);
    expect(closest('on-falure', ['on-failure', 'operator'])).toBe('on-failure');
    expect(closest('oper', ['on-failure', 'operator'])).toBe('operator');
    expect(closest('x', ['json'])).toBeUndefined();
  });
});
