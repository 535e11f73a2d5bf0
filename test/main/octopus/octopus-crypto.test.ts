import { describe, expect, it } from 'vitest';
import { decryptOctopusVariables, deriveOctopusKey, encryptOctopusVariables, isEncryptedVariables, tryDecryptOctopusVariables } from '../../../main/octopus/octopus-crypto';
import { AppError } from '../../../common/errors';

// The four fixed vectors from the reference (shared/reference/octopus-offline-drop.md §2.4), checked there
// against Python cryptography, OpenSSL and Node independently.
const PASSWORD = 'Secret123!';
const DICT = '{"DbPassword":"p@ss w0rd","Octopus.Action.Name":"Deploy DB"}';
const ARRAY = '[{"k":"DbPassword","v":"p@ss w0rd","s":true},{"k":"Octopus.Environment.Name","v":"Production","s":false}]';
const vectors: Array<[string, string, 128 | 256, string]> = [
  ['V1 legacy dictionary, AES-128', 'SVZfXwABAgMEBQYHCAkKCwwNDg8S9WB0WvISwiiPbxKHbRm0MxQr+/oUUlXeVhcXZsY+Qzru4ReDv0G7j1M577tKfq/VX+H0OVXPBya80nN3718A', 128, DICT],
  ['V2 legacy dictionary, AES-256', 'SVZfXwABAgMEBQYHCAkKCwwNDg8dArbVF8CXtnyjxEn+EpcL0hcJukkgwEJKvjRM9OTz9E8YBymrLEtt2ihj/IqaZPJiSK8TMvjG7oOcNIFWcust', 256, DICT],
  ['V3 array, AES-128', 'SVZfXwABAgMEBQYHCAkKCwwNDg/iXY/dWUXN3NV+X/ZOKGXuky8S9LPjXtmiiHjEAW3P5gne9DYS+463MFnyraydiizjYxzLUSHz3eSMKoWDOycc+t2MsecYOGx6XS3W+qEX/uGwEWp1QblYXTfs2wUZeUni5Wm8XJwUBa32uFcseh2L', 128, ARRAY],
  ['V4 array, AES-256', 'SVZfXwABAgMEBQYHCAkKCwwNDg+oSou5LP63PpMPZYaG45mBiSqw/TpD0oNyYqS29HnWtHdWK/63McYq3BTld51WT3IDhvCyl6RKIdrqRSRw6FVXfSukx7WgbwCw4U6spMEmqS/+ks6z4t9d94KT4LhwvOrJLuTxoX0Dq8nThdvAlsJ9', 256, ARRAY],
];
const IV = Buffer.from([...Array(16).keys()]);

describe('Octopus variables encryption', () => {
  it('derives the reference PBKDF2 key', () => {
    expect(deriveOctopusKey(PASSWORD).toString('hex')).toBe('4b36d5dcfb1d6369423edfabb6d9e4dc58bcb963fdd91d53c17b305255611789');
  });

  it.each(vectors)('%s decrypts exactly', (_name, b64, keySize, plaintext) => {
    const bytes = Buffer.from(b64, 'base64');
    expect(isEncryptedVariables(bytes)).toBe(true);
    const result = decryptOctopusVariables(bytes, PASSWORD, 'vector');
    expect(result.text).toBe(plaintext);
    expect(result.keySize).toBe(keySize);
  });

  it.each(vectors)('%s is reproduced by encryption with the fixed IV', (_name, b64, keySize, plaintext) => {
    expect(encryptOctopusVariables(plaintext, PASSWORD, { keySize, iv: IV }).toString('base64')).toBe(b64);
  });

  it('a wrong password is OCTOPUS_BAD_PASSWORD naming the file', () => {
    const bytes = Buffer.from(vectors[1]![1], 'base64');
    try {
      decryptOctopusVariables(bytes, 'secret123!', 'Variables/x.secret');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('OCTOPUS_BAD_PASSWORD');
      expect((e as AppError).message).toContain('Variables/x.secret');
    }
  });

  it('a truncated file is OCTOPUS_VARIABLES_DAMAGED', () => {
    const bytes = Buffer.from(vectors[0]![1], 'base64').subarray(0, 40);
    expect(tryDecryptOctopusVariables(bytes, PASSWORD)).toBe('damaged');
    expect(() => decryptOctopusVariables(bytes, PASSWORD, 'f')).toThrow(expect.objectContaining({ code: 'OCTOPUS_VARIABLES_DAMAGED' }));
  });

  it('round-trips a UTF-8 password and strips a BOM from the plaintext', () => {
    const enc = encryptOctopusVariables('\uFEFF{"a":"ü"}', 'pässwört', { keySize: 128 });
    expect(decryptOctopusVariables(enc, 'pässwört', 'f')).toMatchObject({ json: { a: 'ü' }, keySize: 128 });
  });
});
