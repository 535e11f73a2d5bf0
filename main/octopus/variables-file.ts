/**
 * Reads one Octopus variables file: the legacy Octostache dictionary (`{"Name": "Value"}`, also used by
 * `.secret` files) or the 2025 array (`[{"k": name, "v": value, "s": sensitive}]`), plain or encrypted.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../../common/errors';
import { badPasswordError, damagedVariablesError, isEncryptedVariables, passwordRequiredError, tryDecryptOctopusVariables, type OctopusKeySize } from './octopus-crypto';

export interface OctopusVariable {
  name: string;
  value: string | null;
  sensitive: boolean;
}

export type VariablesFormat = 'dictionary' | 'array';

export interface VariablesFileContent {
  format: VariablesFormat;
  variables: OctopusVariable[];
  /** Set when the file was encrypted. */
  keySize?: OctopusKeySize;
}

/** Tracks whether the drop password has been proven on some file, to tell a damaged file from a wrong password. */
export interface PasswordState {
  password?: string;
  proven: boolean;
}

/** Interprets decrypted or plain JSON; `secret` marks every variable sensitive (a `.secret`/--sensitiveVariables file). */
export function parseVariablesJson(json: unknown, source: string, secret: boolean): { format: VariablesFormat; variables: OctopusVariable[] } {
  if (Array.isArray(json)) {
    const variables = json.map((item, i) => {
      if (!item || typeof item !== 'object' || typeof (item as { k?: unknown }).k !== 'string') {
        throw invalid(source, `entry ${i + 1} of the array is not {"k": name, "v": value, "s": sensitive}`);
      }
      const { k, v, s } = item as { k: string; v?: unknown; s?: unknown };
      if (v !== undefined && v !== null && typeof v !== 'string') throw invalid(source, `the value of "${k}" is not text`);
      return { name: k, value: (v as string | null | undefined) ?? null, sensitive: secret || s === true };
    });
    return { format: 'array', variables };
  }
  if (json && typeof json === 'object') {
    const variables = Object.entries(json as Record<string, unknown>).map(([name, value]) => {
      if (value !== null && typeof value !== 'string') throw invalid(source, `the value of "${name}" is not text`);
      return { name, value: value as string | null, sensitive: secret };
    });
    return { format: 'dictionary', variables };
  }
  throw invalid(source, 'it is neither a JSON object of names to values nor an array of {k, v, s}');
}

/** Reads, decrypts when needed, and parses a variables file. */
export async function readVariablesFile(absPath: string, source: string, secret: boolean, passwords: PasswordState): Promise<VariablesFileContent> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absPath);
  } catch (e) {
    throw new AppError('OCTOPUS_FILE_MISSING', `The Octopus drop script refers to "${source}", which cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, 'The drop is incomplete: ask for it again.', { file: source });
  }
  if (isEncryptedVariables(bytes)) {
    if (passwords.password === undefined || passwords.password === '') throw passwordRequiredError(source);
    const result = tryDecryptOctopusVariables(bytes, passwords.password);
    if (result === 'damaged') throw damagedVariablesError(source, 'its encrypted content has an impossible length (truncated or altered)');
    if (result === 'no-key-fits') {
      if (passwords.proven) throw damagedVariablesError(source, 'it does not decrypt with the password that decrypted the other variables files');
      throw badPasswordError(source);
    }
    passwords.proven = true;
    return { ...parseVariablesJson(result.json, source, secret), keySize: result.keySize };
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // No text is quoted back: a `.secret` file read as plain holds secrets.
    throw secret && text.trim() !== ''
      ? damagedVariablesError(source, 'it is neither encrypted (no "IV__" header) nor valid JSON')
      : invalid(source, 'it is not valid JSON');
  }
  return parseVariablesJson(json, source, secret);
}

function invalid(source: string, why: string): AppError {
  return new AppError('OCTOPUS_VARIABLES_INVALID', `The variables file "${source}" cannot be read: ${why}.`, 'The drop was not produced by Octopus as expected, or it was edited: ask for it again.', { file: source });
}
