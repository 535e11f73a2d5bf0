import { describe, expect, it } from 'vitest';
import { failureHints, whatChanged } from '../../../../renderer/screens/run/failure-help';

const CODES = ['SQL_BATCH_FAILED', 'SQL_LOGIN_FAILED', 'SQL_CONNECT_FAILED', 'SQL_TIMEOUT', 'SQL_SCRIPTS_LOCKED', 'SSIS_FOLDER_MISSING', 'DISK_FULL', 'DEPLOY_STEP_UNSUPPORTED', 'SOMETHING_ELSE'];

describe('guided-failure hints', () => {
  it('never tell the engineer to edit, change or fix the vendor’s (signed) scripts', () => {
    for (const code of CODES) {
      for (const hint of failureHints(code, 'dep-1')) {
        expect(hint, `${code}: ${hint}`).not.toMatch(/\b(edit|modify|change|fix|correct|rewrite)\w*\b[^.]*\bscripts?\b/i);
        expect(hint).not.toMatch(/\bscripts?\b[^.]*\b(edit|modify|change|rewrite)\w*/i);
      }
    }
  });

  it('always end with the vendor (naming the deployment id), Skip with a reason and Abort; specific first', () => {
    const hints = failureHints('SQL_LOGIN_FAILED', '20260101T090000Z-st-x-abc123');
    expect(hints[0]).toContain('permissions');
    expect(hints.slice(-3).map((h) => h.split(' ')[0])).toEqual(['If', 'Skip', 'Abort']);
    expect(hints.at(-3)).toContain('20260101T090000Z-st-x-abc123');
    expect(failureHints('SQL_CONNECT_FAILED', 'd')[0]).toContain('reachable');
    expect(failureHints('SQL_BATCH_FAILED', 'd', 'Msg 262: CREATE TABLE permission denied in database X')[0]).toContain('permissions');
    expect(failureHints('SOMETHING_ELSE', 'd')[0]).toBe('Check the server, the account’s permissions and free disk space, then Retry.');
  });

  it('says what changed between the last two attempts', () => {
    const e = (attempt: number, code: string, message: string) => ({ attempt, at: '', code, message, hint: '' });
    expect(whatChanged([e(1, 'A', 'x')])).toBe('');
    expect(whatChanged([e(1, 'A', 'x'), e(2, 'A', 'x')])).toContain('failed exactly as attempt 1 did');
    expect(whatChanged([e(1, 'A', 'x'), e(2, 'A', 'y')])).toContain('same code');
    expect(whatChanged([e(1, 'A', 'x'), e(2, 'B', 'x')])).toContain('(A → B)');
  });
});
