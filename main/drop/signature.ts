import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { SignatureState } from '../../common/drop-model';
import { dropError } from './drop-errors';

/** A publisher key the engineer chose to trust (kept in the trust store). */
export interface TrustedKey {
  name: string;
  keyId: string;
  publicKeyPem: string;
}

/** The drop.sig document: which key signed, and the Ed25519 signature of drop.json's exact bytes. */
export interface SignatureFile {
  keyId: string;
  signature: string;
}

/** The key id shown to people: the first 16 hex digits of the sha256 of the public key's SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Parses an Ed25519 public key PEM; throws TRUST_KEY_INVALID for anything else. */
export function loadPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw dropError('TRUST_KEY_INVALID', `Not a public key PEM: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw dropError('TRUST_KEY_INVALID', `The public key is ${key.asymmetricKeyType ?? 'of an unknown type'}; drops are signed with Ed25519.`);
  }
  return key;
}

/** Parses an Ed25519 private key PEM; throws DROP_KEY_INVALID for anything else. */
export function loadPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw dropError('DROP_KEY_INVALID', `Not a private key PEM: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw dropError('DROP_KEY_INVALID', `The signing key is ${key.asymmetricKeyType ?? 'of an unknown type'}; drops are signed with Ed25519.`);
  }
  return key;
}

/** Signs the exact bytes of drop.json and returns the drop.sig file contents. */
export function signManifestBytes(manifestBytes: Buffer, privateKeyPem: string): { sig: Buffer; keyId: string } {
  const privateKey = loadPrivateKey(privateKeyPem);
  const keyId = keyIdOf(createPublicKey(privateKey));
  const signature = sign(null, manifestBytes, privateKey).toString('base64');
  const doc: SignatureFile = { keyId, signature };
  return { sig: Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8'), keyId };
}

function parseSignatureFile(bytes: Buffer): SignatureFile | string {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'drop.sig is not valid JSON';
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'drop.sig is not a JSON object';
  const keys = Object.keys(doc).sort().join(',');
  if (keys !== 'keyId,signature') return 'drop.sig must hold exactly "keyId" and "signature"';
  const { keyId, signature } = doc as Record<string, unknown>;
  if (typeof keyId !== 'string' || !/^[0-9a-f]{16}$/.test(keyId)) return 'drop.sig keyId must be 16 lower-case hex digits';
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature) || Buffer.from(signature, 'base64').length !== 64) {
    return 'drop.sig signature must be a base64 Ed25519 signature (64 bytes)';
  }
  return { keyId, signature };
}

/**
 * Decides the signature state of a drop from drop.json's bytes and drop.sig (null when absent).
 * Never throws: a broken or non-matching signature is the state "invalid", which openers block.
 */
export function verifyDropSignature(manifestBytes: Buffer, sigBytes: Buffer | null, trusted: readonly TrustedKey[]): SignatureState {
  if (sigBytes === null) return { state: 'unsigned' };
  const parsed = parseSignatureFile(sigBytes);
  if (typeof parsed === 'string') return { state: 'invalid', reason: parsed };
  for (const candidate of trusted) {
    let key: KeyObject;
    try {
      key = loadPublicKey(candidate.publicKeyPem);
    } catch {
      continue; // A damaged trust entry cannot vouch for anything; the trust store reports it on its own.
    }
    // Match on the id computed from the key itself, never on the id stored next to it.
    if (keyIdOf(key) !== parsed.keyId) continue;
    const ok = verify(null, manifestBytes, key, Buffer.from(parsed.signature, 'base64'));
    if (ok) return { state: 'verified', publisher: candidate.name, keyId: parsed.keyId };
    return { state: 'invalid', reason: `the signature by "${candidate.name}" (key ${parsed.keyId}) does not match drop.json` };
  }
  return { state: 'unknown-publisher', keyId: parsed.keyId };
}
