/**
 * The encryption Calamari uses for offline-drop variables files (AesEncryption.ForServerVariables):
 * PBKDF2-HMAC-SHA1 over the UTF-8 password with the 8-byte salt "Octopuss" and 1000 iterations;
 * AES-CBC with PKCS#7; file = "IV__" ‖ 16-byte IV ‖ ciphertext. Calamari up to 30.x used a 16-byte key,
 * 31+ a 32-byte one — and PBKDF2-SHA1's first 16 output bytes are the same either way, so one 32-byte
 * derivation serves both.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors';

export const IV_HEADER = Buffer.from('IV__', 'ascii');
const SALT = Buffer.from('Octopuss', 'ascii');
const ITERATIONS = 1000;

export type OctopusKeySize = 128 | 256;

/** True when the bytes are an encrypted variables file (they start with "IV__"). */
export function isEncryptedVariables(bytes: Buffer): boolean {
  return bytes.length >= IV_HEADER.length && bytes.subarray(0, IV_HEADER.length).equals(IV_HEADER);
}

/** The 32-byte PBKDF2 output; AES-128 uses its first 16 bytes. */
export function deriveOctopusKey(password: string): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), SALT, ITERATIONS, 32, 'sha1');
}

export interface DecryptedVariables {
  /** The plaintext JSON text (UTF-8 BOM removed). */
  text: string;
  json: unknown;
  keySize: OctopusKeySize;
}

/** Why a decryption failed, for the caller to turn into the right error (it knows which file and whether the password was proven elsewhere). */
export type DecryptFailure = 'damaged' | 'no-key-fits';

/**
 * Decrypts an "IV__" file, trying AES-256 then AES-128; a key is accepted only when the padding is valid
 * and the plaintext parses as JSON (a wrong key passes the padding check about 1 time in 256).
 */
export function tryDecryptOctopusVariables(bytes: Buffer, password: string): DecryptedVariables | DecryptFailure {
  const body = bytes.subarray(IV_HEADER.length);
  if (body.length < 32 || (body.length - 16) % 16 !== 0) return 'damaged';
  const iv = body.subarray(0, 16);
  const cipherText = body.subarray(16);
  const key = deriveOctopusKey(password);
  for (const keySize of [256, 128] as const) {
    const k = keySize === 256 ? key : key.subarray(0, 16);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv(keySize === 256 ? 'aes-256-cbc' : 'aes-128-cbc', k, iv);
      plain = Buffer.concat([decipher.update(cipherText), decipher.final()]);
    } catch {
      continue;
    }
    const text = plain.toString('utf8').replace(/^\uFEFF/, '');
    try {
      return { text, json: JSON.parse(text) as unknown, keySize };
    } catch {
      continue;
    }
  }
  return 'no-key-fits';
}

/** Decrypts or throws OCTOPUS_BAD_PASSWORD / OCTOPUS_VARIABLES_DAMAGED naming `source`. */
export function decryptOctopusVariables(bytes: Buffer, password: string, source: string): DecryptedVariables {
  const result = tryDecryptOctopusVariables(bytes, password);
  if (result === 'damaged') throw damagedVariablesError(source, 'its encrypted content has an impossible length (truncated or altered)');
  if (result === 'no-key-fits') throw badPasswordError(source);
  return result;
}

/** Encrypts JSON text the way Calamari does (used to build test drops; an IV can be pinned for fixed vectors). */
export function encryptOctopusVariables(plaintext: string, password: string, options: { keySize?: OctopusKeySize; iv?: Buffer } = {}): Buffer {
  const keySize = options.keySize ?? 256;
  const iv = options.iv ?? randomBytes(16);
  if (iv.length !== 16) throw new RangeError('IV must be 16 bytes');
  const key = deriveOctopusKey(password);
  const cipher = createCipheriv(keySize === 256 ? 'aes-256-cbc' : 'aes-128-cbc', keySize === 256 ? key : key.subarray(0, 16), iv);
  return Buffer.concat([IV_HEADER, iv, cipher.update(Buffer.from(plaintext, 'utf8')), cipher.final()]);
}

/** The drop password does not decrypt this file. */
export function badPasswordError(source: string): AppError {
  return new AppError(
    'OCTOPUS_BAD_PASSWORD',
    `The password does not decrypt "${source}".`,
    'Enter the sensitive-variables password of the Octopus offline drop target (as set in Octopus, exactly as typed, case-sensitive). If you are sure it is right, the file may be damaged: ask for the drop again.',
    { file: source },
  );
}

/** The file is encrypted and no password was given. */
export function passwordRequiredError(source: string): AppError {
  return new AppError(
    'OCTOPUS_PASSWORD_REQUIRED',
    `"${source}" is encrypted and no drop password was given.`,
    'Enter the sensitive-variables password of the Octopus offline drop target (CLI: --password-stdin), or pick the tenant whose remembered password belongs to this drop.',
    { file: source },
  );
}

/** The file cannot be read as a variables file even though the password is known to be right. */
export function damagedVariablesError(source: string, why: string): AppError {
  return new AppError('OCTOPUS_VARIABLES_DAMAGED', `The variables file "${source}" is damaged: ${why}.`, 'Ask for the drop again (the copy you have was altered or cut short).', { file: source });
}
