/**
 * The file that carries one tenant profile to another machine: a small plaintext header, then the
 * profile as JSON sealed with AES-256-GCM under a key derived from a passphrase with scrypt.
 *
 * Layout (all integers unsigned, big-endian where wider than a byte):
 *   0   8  magic "DRTENANT"
 *   8   1  format version (1)
 *   9   1  flags (bit 0: secrets included) — informational; the payload is authoritative
 *  10   1  scrypt log2(N)   (15 → N = 32768)
 *  11   1  scrypt r         (8)
 *  12   1  scrypt p         (1)
 *  13  16  salt
 *  29  12  GCM nonce
 *  41  16  passphrase check = HMAC-SHA256(checkKey, "drop-runner tenant file")[0..16]
 *  57   …  ciphertext, then the 16-byte GCM tag
 * The whole header is GCM additional data, so a changed header fails authentication.
 *
 * scrypt with N=2^15, r=8, p=1 costs 32 MiB and about 0.1 s per attempt on an idle modern core:
 * cheap for one import, expensive for guessing. It derives 64 bytes: 32 for AES, 32 for the check.
 * The check lets a wrong passphrase be told apart from a damaged file (GCM alone cannot); it gives an
 * attacker nothing GCM's tag would not, since either one confirms a guess at the same scrypt cost.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../common/errors';

const MAGIC = Buffer.from('DRTENANT', 'ascii');
const VERSION = 1;
const HEADER_LENGTH = 57;
const TAG_LENGTH = 16;
const CHECK_LABEL = 'drop-runner tenant file';

/** scrypt cost used for new files; files carry their own parameters so this can rise later. */
export const TENANT_FILE_KDF = { logN: 15, r: 8, p: 1 } as const;
// A file chooses its own cost, so cap it: a crafted header must not make import allocate gigabytes.
const MAX_LOG_N = 20;
const MAX_R = 16;
const MAX_P = 4;

/** Smallest passphrase accepted for an export (the contract's rule too). */
export const MIN_PASSPHRASE_LENGTH = 8;

/** Encrypts a JSON-able payload into the tenant file format. */
export function sealTenantFile(payload: unknown, passphrase: string, options: { secretsIncluded: boolean }): Buffer {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    throw new AppError(
      'TENANT_EXPORT_PASSPHRASE_WEAK',
      `The passphrase has ${passphrase.length} characters; at least ${MIN_PASSPHRASE_LENGTH} are needed.`,
      'Choose a longer passphrase and give it to the receiving engineer by another channel than the file.',
    );
  }
  const { logN, r, p } = TENANT_FILE_KDF;
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const { key, checkKey } = deriveKeys(passphrase, salt, logN, r, p);
  const header = Buffer.alloc(HEADER_LENGTH);
  MAGIC.copy(header, 0);
  header[8] = VERSION;
  header[9] = options.secretsIncluded ? 1 : 0;
  header[10] = logN;
  header[11] = r;
  header[12] = p;
  salt.copy(header, 13);
  nonce.copy(header, 29);
  check(checkKey).copy(header, 41);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(Buffer.from(JSON.stringify(payload), 'utf8')), cipher.final()]);
  return Buffer.concat([header, body, cipher.getAuthTag()]);
}

/** Decrypts a tenant file; a wrong passphrase is TENANT_IMPORT_BAD_PASSPHRASE, anything else wrong is TENANT_IMPORT_DAMAGED. */
export function openTenantFile(file: Buffer, passphrase: string): unknown {
  if (file.length < MAGIC.length || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw damaged('it does not start with the Drop Runner tenant file signature (not a tenant export, or the start is damaged)');
  }
  if (file.length < HEADER_LENGTH + TAG_LENGTH) throw damaged(`it is only ${file.length} bytes long (truncated)`);
  const version = file[8]!;
  if (version !== VERSION) {
    throw new AppError(
      'TENANT_IMPORT_UNSUPPORTED',
      `The tenant file has format version ${version}; this Drop Runner reads version ${VERSION}.`,
      'Update Drop Runner on this machine to the version that made the export, or export again from an older version.',
    );
  }
  const logN = file[10]!;
  const r = file[11]!;
  const p = file[12]!;
  if (logN < 10 || logN > MAX_LOG_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) throw damaged('its key-derivation parameters are out of range');
  const header = file.subarray(0, HEADER_LENGTH);
  const salt = file.subarray(13, 29);
  const nonce = file.subarray(29, 41);
  const storedCheck = file.subarray(41, 57);
  const { key, checkKey } = deriveKeys(passphrase, salt, logN, r, p);
  if (!timingSafeEqual(check(checkKey), storedCheck)) {
    throw new AppError(
      'TENANT_IMPORT_BAD_PASSPHRASE',
      'The passphrase does not open this tenant file. Nothing was imported.',
      'Ask the engineer who exported it for the exact passphrase (it is case-sensitive) and try again.',
    );
  }
  const body = file.subarray(HEADER_LENGTH, file.length - TAG_LENGTH);
  const tag = file.subarray(file.length - TAG_LENGTH);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(header);
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw damaged('its contents fail the integrity check (truncated or modified after export)');
  }
  try {
    return JSON.parse(plain.toString('utf8')) as unknown;
  } catch {
    throw damaged('its decrypted contents are not valid JSON');
  }
}

/** The header flag, readable without the passphrase (for "this file includes secrets" before asking). */
export function tenantFileIncludesSecrets(file: Buffer): boolean | undefined {
  if (file.length < HEADER_LENGTH || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  return (file[9]! & 1) === 1;
}

function deriveKeys(passphrase: string, salt: Buffer, logN: number, r: number, p: number): { key: Buffer; checkKey: Buffer } {
  const N = 2 ** logN;
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly our default cost, so raise it.
  const out = scryptSync(passphrase.normalize('NFC'), salt, 64, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return { key: out.subarray(0, 32), checkKey: out.subarray(32) };
}

function check(checkKey: Buffer): Buffer {
  return createHmac('sha256', checkKey).update(CHECK_LABEL).digest().subarray(0, 16);
}

function damaged(why: string): AppError {
  return new AppError(
    'TENANT_IMPORT_DAMAGED',
    `The tenant file cannot be read: ${why}. Nothing was imported.`,
    'Copy the file again from its source (compare its size with the original), or ask for a new export.',
  );
}
