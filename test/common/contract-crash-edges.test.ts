/**
 * The contract's checks on the crash-edge requests, as main applies them to every payload from the
 * renderer before a handler runs: a resume's answer for an interrupted script, and unlock.
 */
import { describe, expect, it } from 'vitest';
import { requestNames, requestSchemas } from '../../common/contract';

describe('contract: deploy.resume onInterrupted, deploy.interruptedScript, deploy.lockStatus, deploy.unlock', () => {
  const resume = requestSchemas['deploy.resume'];

  it('accepts a resume without an answer and each of the four choices (skip with a reason)', () => {
    expect(resume.safeParse({ deploymentId: 'd1' }).success).toBe(true);
    for (const choice of ['continue', 'rerun', 'abort']) expect(resume.safeParse({ deploymentId: 'd1', onInterrupted: { choice } }).success).toBe(true);
    expect(resume.safeParse({ deploymentId: 'd1', onInterrupted: { choice: 'skip', reason: 'finished by hand' } }).success).toBe(true);
  });

  it('refuses a skip without a reason, an unknown choice, and extra keys', () => {
    const noReason = resume.safeParse({ deploymentId: 'd1', onInterrupted: { choice: 'skip', reason: '  ' } });
    expect(noReason.success).toBe(false);
    expect(JSON.stringify(noReason.error?.issues)).toContain('a skip needs a reason');
    expect(resume.safeParse({ deploymentId: 'd1', onInterrupted: { choice: 'later' } }).success).toBe(false);
    expect(resume.safeParse({ deploymentId: 'd1', onInterrupted: { choice: 'rerun', force: true } }).success).toBe(false);
    expect(resume.safeParse({ deploymentId: 'd1', onInterrupted: { choice: 'skip', reason: 'x'.repeat(2001) } }).success).toBe(false);
  });

  it('the new requests are in the contract with strict params', () => {
    expect(requestNames).toEqual(expect.arrayContaining(['deploy.interruptedScript', 'deploy.lockStatus', 'deploy.unlock']));
    expect(requestSchemas['deploy.unlock'].safeParse({ deploymentId: 'd1' }).success).toBe(true);
    expect(requestSchemas['deploy.unlock'].safeParse({}).success).toBe(false);
    expect(requestSchemas['deploy.lockStatus'].safeParse({ pid: 1 }).success).toBe(false);
    expect(requestSchemas['deploy.interruptedScript'].safeParse({ deploymentId: '' }).success).toBe(false);
  });
});
