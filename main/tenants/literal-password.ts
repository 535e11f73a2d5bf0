import { parseConnectionString } from '../../common/connection-string';

/**
 * The literal password inside a connection-string value (e.g. a Windows account's, for SSISDB), or
 * undefined. A `#{Variable}` reference is not a password: the variable it names is stored on its own.
 * Any such value is as secret as a sensitive variable, whatever its template says, so the tenant store
 * keeps it in the keychain and never in the settings file.
 */
export function literalConnectionPassword(value: string): string | undefined {
  if (!/(password|pwd)\s*=/i.test(value) || !value.includes('=')) return undefined;
  try {
    const password = parseConnectionString(value).password;
    return password && !password.includes('#{') ? password : undefined;
  } catch {
    return undefined;
  }
}
