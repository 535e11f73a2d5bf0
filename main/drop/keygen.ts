import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { dropError } from './drop-errors';
import { keyIdOf } from './signature';
import { ensureDir } from '../platform/ensure-dir';

export interface KeyPairFiles {
  privateKeyPath: string;
  publicKeyPath: string;
  keyId: string;
}

/**
 * Writes a new Ed25519 signing key pair as `<prefix>.key.pem` (PKCS#8, owner-only) and
 * `<prefix>.pub.pem` (SPKI). Refuses to overwrite existing files: losing a signing key is worse than a retry.
 */
export async function generateSigningKeyPair(prefix: string): Promise<KeyPairFiles> {
  const base = resolve(prefix);
  const privateKeyPath = `${base}.key.pem`;
  const publicKeyPath = `${base}.pub.pem`;
  const { privateKey } = generateKeyPairSync('ed25519');
  const publicKey = createPublicKey(privateKey);
  await ensureDir(dirname(base));
  try {
    await writeFile(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    throw dropError('KEY_WRITE_FAILED', `Cannot write "${privateKeyPath}": ${(error as Error).message}`, { path: privateKeyPath }, 'Choose another --out prefix; existing keys are never overwritten.');
  }
  try {
    await writeFile(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx', mode: 0o644 });
  } catch (error) {
    throw dropError('KEY_WRITE_FAILED', `Cannot write "${publicKeyPath}": ${(error as Error).message}`, { path: publicKeyPath }, 'Choose another --out prefix; existing keys are never overwritten.');
  }
  return { privateKeyPath, publicKeyPath, keyId: keyIdOf(publicKey) };
}
