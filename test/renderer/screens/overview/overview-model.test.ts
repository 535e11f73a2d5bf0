import { describe, expect, it } from 'vitest';
import { signatureBadge } from '../../../../renderer/screens/overview/overview-model';

describe('signature badge', () => {
  it('names the four states the issue requires', () => {
    expect(signatureBadge({ state: 'verified', publisher: 'Contoso Health', keyId: 'k' })).toMatchObject({ label: 'Verified (Contoso Health)', intent: 'success' });
    expect(signatureBadge({ state: 'unsigned' })).toMatchObject({ label: 'Unsigned', intent: 'warning' });
    expect(signatureBadge({ state: 'unknown-publisher', keyId: 'abc' }).explanation).toContain('abc');
    expect(signatureBadge({ state: 'invalid', reason: 'bad bytes' })).toMatchObject({ label: 'Invalid signature', intent: 'danger' });
  });
  it('works with the bare state of a recent-drops entry', () => {
    expect(signatureBadge({ state: 'verified' }).label).toBe('Verified');
  });
});
