// The CLI's one error path (main/cli/failure.ts): one printer, one code → exit table, used by every command.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_CODES, exitCodeFor, failureCategory, printFailure } from '../../../main/cli/failure';
import { AppError } from '../../../common/errors';
import { repoRoot } from '../../support/browser-host';
import { runCliInProcess } from '../../support/cli-in-process';
import { scratchDirs } from '../../support/scratch-dir';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? sources(join(dir, n)) : n.endsWith('.ts') ? [join(dir, n)] : []));
}

describe('one table from error code to exit code', () => {
  it('maps categories to the documented exit codes', () => {
    expect(exitCodeFor({ code: 'INVALID_ARGUMENTS' })).toBe(2);
    expect(exitCodeFor({ code: 'DROP_SIGNATURE_INVALID' })).toBe(2);
    expect(exitCodeFor({ code: 'SECRETS_UNAVAILABLE' })).toBe(3);
    expect(exitCodeFor({ code: 'REPORT_WRITE_FAILED' })).toBe(3);
    expect(exitCodeFor({ code: 'INTERNAL' })).toBe(1);
    expect(exitCodeFor({ code: 'CANCELLED' })).toBe(130);
    expect(failureCategory({ code: 'PREFLIGHT_BLOCKED', details: { failureKind: 'environment' } })).toBe('environment');
    expect(failureCategory({ code: 'PREFLIGHT_BLOCKED', details: { failureKind: 'input' } })).toBe('input');
  });

  it('prints two lines and returns the code from the table', () => {
    let err = '';
    const code = printFailure({ stderr: (s) => void (err += s) }, new AppError('DISK_FULL', 'No space left on /data.', 'Free some space.'));
    expect({ code, err }).toEqual({ code: 3, err: 'error DISK_FULL: No space left on /data.\nhint: Free some space.\n' });
  });

  it('turns an uncoded exception into INTERNAL, exit 1', () => {
    let err = '';
    expect(printFailure({ stderr: (s) => void (err += s) }, new Error('boom'))).toBe(1);
    expect(err).toMatch(/^error INTERNAL: Unexpected error: boom\nhint: This is a bug/);
  });

  it('lists every exit-3 code in docs/operations.md', () => {
    const docs = readFileSync(join(repoRoot, 'docs', 'operations.md'), 'utf8');
    expect([...ENVIRONMENT_CODES].filter((c) => !docs.includes(`\`${c}\``))).toEqual([]);
  });

  it('is the only place in main/ that prints `error CODE:` to stderr', () => {
    const printers = sources(join(repoRoot, 'main')).filter((f) => /stderr\(\s*`error /.test(readFileSync(f, 'utf8')));
    expect(printers.map((f) => f.slice(repoRoot.length + 1))).toEqual(['main/cli/failure.ts']);
  });

  it('gives the same code the same exit from different commands', async () => {
    const dirs = scratchDirs('dr-cli-failure');
    const dir = dirs.make();
    const missing = join(dir, 'no-such-file');
    const fromSql = await runCliInProcess(['sql', 'batches', `${missing}.sql`], { dataDir: dir });
    const fromReport = await runCliInProcess(['report', `${missing}.jsonl`], { dataDir: dir });
    const fromEval = await runCliInProcess(['eval'], { dataDir: dir });
    const fromUnknown = await runCliInProcess(['deploy', 'a', 'b', '--on-failure', 'sometimes'], { dataDir: dir });
    for (const run of [fromSql, fromReport, fromEval, fromUnknown]) {
      const code = /^error ([A-Z_]+):/m.exec(run.stderr)?.[1];
      expect(code, run.stderr).toBeDefined();
      expect(run.code, run.stderr).toBe(exitCodeFor({ code: code! }));
    }
    expect(fromEval.stderr).toMatch(/^error INVALID_ARGUMENTS:/);
    expect(fromUnknown.stderr).toMatch(/^error INVALID_ARGUMENTS: --on-failure "sometimes"/);
    dirs.removeAll();
  });
});
