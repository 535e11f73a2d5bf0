import type { ContractHandlers } from '../../common/contract';
import { AppError } from '../../common/errors';
import { toDropView, type EngineContext } from './engine-context';
import { keyIdOf, loadPublicKey } from '../drop/signature';

type TrustHandlers = Pick<ContractHandlers, 'trust.list' | 'trust.add' | 'trust.remove'>;

/** A fingerprint as people copy it: spaces, colons and dashes dropped, case ignored. */
function normalizeFingerprint(text: string): string {
  return text.replace(/[\s:-]/g, '').toLowerCase();
}

/**
 * Publisher trust from the UI, the same store as `drop-runner trust`. Trusting is the one place a
 * drop's authenticity is decided by a person, so the engine insists on three matching facts: the
 * key pasted in, the key id the drop was signed with, and the fingerprint the engineer typed from
 * what the vendor sent them by another channel.
 */
export function trustHandlers(ctx: EngineContext): TrustHandlers {
  return {
    'trust.list': async () => ctx.trust.list().map(({ name, keyId, added }) => ({ name, keyId, added })),
    'trust.add': async ({ dropId, name, publicKeyPem, confirmedFingerprint }) => {
      const drop = ctx.drops.get(dropId);
      const signature = drop.provenance.signature;
      if (signature.state !== 'unknown-publisher') {
        throw new AppError('TRUST_NOT_NEEDED', `This drop is ${signature.state === 'verified' ? `already verified (signed by ${signature.publisher})` : signature.state}; there is no publisher key to trust.`, 'Only a drop signed by a publisher this machine does not trust yet can be trusted from here.');
      }
      const keyId = keyIdOf(loadPublicKey(publicKeyPem));
      if (keyId !== signature.keyId) {
        throw new AppError('TRUST_KEY_MISMATCH', `The public key pasted has fingerprint ${keyId}, but this drop was signed with key ${signature.keyId}.`, 'Paste the public key file the vendor sent for this publisher (publisher.pub.pem).', { keyId, dropKeyId: signature.keyId });
      }
      if (normalizeFingerprint(confirmedFingerprint) !== keyId) {
        throw new AppError('TRUST_FINGERPRINT_MISMATCH', 'The fingerprint you typed does not match the publisher key.', `Compare it again, character by character, with the fingerprint the vendor gave you (expected ${keyId}). If they differ, do not trust this drop: call the vendor.`, { keyId });
      }
      const added = ctx.trust.add(publicKeyPem, name);
      const updated = ctx.drops.reverifySignature(dropId, ctx.trust.keys());
      return { publisher: { name: added.name, keyId: added.keyId, added: added.added }, drop: toDropView(updated) };
    },
    'trust.remove': async ({ keyId }) => {
      ctx.trust.remove(keyId);
      return { ok: true as const };
    },
  };
}
