/**
 * Secrets (passwords, connection-string credentials) live only in the OS keychain: Windows
 * Credential Manager, macOS Keychain, or a Secret Service provider on Linux. There is no plaintext
 * fallback: when the keychain cannot be used, every call fails with SECRETS_UNAVAILABLE and the
 * callers block only the work that needs a secret.
 *
 * keytar quirks this file exists to contain (see docs/architecture.md, "Secrets"):
 * - `findCredentials` segfaults the process on a locked Linux keyring, so it is never called; the
 *   tenant store keeps its own index of secret names instead.
 * - On a locked keyring `getPassword` quietly returns null and `deletePassword` returns false; only
 *   `setPassword` fails. `probe()` therefore does a full write/read/delete round trip.
 * - Windows Credential Manager caps one item at 2,560 bytes and then fails with "The stub received
 *   bad data". The cap is enforced on every platform, so a profile exported on Linux still imports
 *   on a hospital's Windows VM.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors';

/** Windows' CRED_MAX_CREDENTIAL_BLOB_SIZE; keytar stores the UTF-8 bytes of the value. */
export const SECRET_MAX_BYTES = 2560;

/** One secret per (service, account); for tenants the service is `drop-runner/<tenant-id>`, the account the variable name. */
export interface SecretStore {
  /** Resolves null when no item exists. On a locked Linux keyring this also resolves null — callers that know the item should exist must treat null as unavailable. */
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, value: string): Promise<void>;
  /** Resolves true when an item was removed. */
  delete(service: string, account: string): Promise<boolean>;
  /** Writes, reads back and deletes a throw-away item; rejects with SECRETS_UNAVAILABLE when any part fails. */
  probe(): Promise<void>;
}

/** Why the keychain could not be used; kept in AppError.details.reason so tests and the UI can branch on it. */
export type SecretsUnavailableReason =
  | 'module-missing'
  | 'no-dbus'
  | 'no-provider'
  | 'no-collection'
  | 'locked'
  | 'unreadable'
  | 'no-logon-session'
  | 'timeout'
  | 'unknown';

/** The part of keytar we use; findCredentials is deliberately absent. */
interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeytarSecretStoreOptions {
  /** Defaults to process.platform; only changes which hint the errors carry. */
  platform?: NodeJS.Platform;
  /** How long one keychain call may take before it counts as unavailable (an unlock prompt may be waiting). */
  timeoutMs?: number;
  /** Module specifier to load; tests point it at a missing module to exercise the "not installed" path. */
  moduleId?: string;
}

const PROBE_SERVICE = 'drop-runner/probe';

/** A SecretStore on keytar; keytar is loaded on first use so commands that need no secret never touch the native module. */
export function createKeytarSecretStore(options: KeytarSecretStoreOptions = {}): SecretStore {
  const platform = options.platform ?? process.platform;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const moduleId = options.moduleId ?? 'keytar';
  let api: KeytarApi | undefined;

  const load = (): KeytarApi => {
    if (api) return api;
    try {
      const loaded = createRequire(import.meta.url)(moduleId) as KeytarApi & { default?: KeytarApi };
      api = typeof loaded.getPassword === 'function' ? loaded : (loaded.default as KeytarApi);
      return api;
    } catch (error) {
      throw secretsUnavailable('module-missing', platform, causeText(error, []));
    }
  };

  // Every call goes through here: a timeout and the mapping of any keytar failure to one coded error.
  const call = async <T>(op: string, secretsInScope: string[], fn: (k: KeytarApi) => Promise<T>): Promise<T> => {
    const keytar = load();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(secretsUnavailable('timeout', platform, `${op} did not answer within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([fn(keytar), timeout]);
    } catch (error) {
      if (error instanceof AppError) throw error;
      const cause = causeText(error, secretsInScope);
      if (/stub received bad data/i.test(cause)) throw tooLarge(undefined);
      throw secretsUnavailable(classifyKeychainFailure(cause), platform, cause);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    get: (service, account) => call('reading a secret', [], (k) => k.getPassword(service, account)),
    async set(service, account, value) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > SECRET_MAX_BYTES) throw tooLarge({ account, bytes });
      await call('storing a secret', [value], (k) => k.setPassword(service, account, value));
    },
    delete: (service, account) => call('deleting a secret', [], (k) => k.deletePassword(service, account)),
    async probe() {
      const account = `probe-${process.pid}-${randomBytes(4).toString('hex')}`;
      const value = randomBytes(12).toString('hex');
      try {
        await call('storing a test secret', [value], (k) => k.setPassword(PROBE_SERVICE, account, value));
        const back = await call('reading a test secret', [value], (k) => k.getPassword(PROBE_SERVICE, account));
        if (back !== value) throw secretsUnavailable('unreadable', platform, 'a test secret was stored but could not be read back');
      } finally {
        // Best effort: a probe that failed half-way must not mask the real error with a cleanup error.
        await call('deleting a test secret', [value], (k) => k.deletePassword(PROBE_SERVICE, account)).catch(() => undefined);
      }
    },
  };
}

/** Maps a keychain library's failure text to a reason; exported so the hint table is tested against real messages. */
export function classifyKeychainFailure(message: string): SecretsUnavailableReason {
  if (/autolaunch D-Bus|Could not connect|dbus-launch|DBUS_SESSION_BUS_ADDRESS|Failed to connect to (socket|address)|Connection refused/i.test(message)) return 'no-dbus';
  if (/org\.freedesktop\.secrets was not provided|ServiceUnknown|no such name/i.test(message)) return 'no-provider';
  if (/locked collection|unlock prompt|is locked|interaction is not allowed|errSecInteractionNotAllowed|-25308/i.test(message)) return 'locked';
  if (/Object does not exist at path/i.test(message)) return 'no-collection';
  if (/logon session does not exist|NO_SUCH_LOGON_SESSION/i.test(message)) return 'no-logon-session';
  return 'unknown';
}

const REASON_TEXT: Record<SecretsUnavailableReason, string> = {
  'module-missing': 'the keychain module (keytar) could not be loaded',
  'no-dbus': 'there is no D-Bus session bus to reach the Secret Service',
  'no-provider': 'no Secret Service provider (such as gnome-keyring) is running on the D-Bus session',
  'no-collection': 'the default keyring does not exist or has not been unlocked',
  locked: 'the keychain is locked',
  unreadable: 'the keychain accepted a secret but did not return it (it is probably locked)',
  'no-logon-session': 'this logon session has no credential store (remote or service logon)',
  timeout: 'the keychain did not answer in time (an unlock prompt may be waiting)',
  unknown: 'the keychain refused the request',
};

/** The platform-specific "what to do" for a keychain that cannot be used. */
export function secretsHint(platform: NodeJS.Platform, reason: SecretsUnavailableReason): string {
  if (reason === 'module-missing') {
    return 'Reinstall Drop Runner: the native keytar module is missing or was built for another Electron/Node version.';
  }
  if (platform === 'win32') {
    return reason === 'no-logon-session'
      ? 'Windows Credential Manager is not available in remote PowerShell or service-account sessions: log on to the VM interactively (console or RDP) and run Drop Runner there.'
      : 'Open Control Panel > Credential Manager > Windows Credentials to check that it works for this user, log on interactively (not through a service account), and retry.';
  }
  if (platform === 'darwin') {
    return 'Open Keychain Access, unlock the "login" keychain, and allow Drop Runner when macOS asks for keychain access; then retry.';
  }
  return 'Start gnome-keyring (or another Secret Service provider) and unlock the login keyring; a D-Bus session is needed (DBUS_SESSION_BUS_ADDRESS). On a headless machine, run Drop Runner inside `dbus-run-session` after `gnome-keyring-daemon --unlock --components=secrets` (the password is read from stdin).';
}

/** The one error for "the keychain cannot be used"; never carries a secret value. */
export function secretsUnavailable(reason: SecretsUnavailableReason, platform: NodeJS.Platform = process.platform, cause?: string): AppError {
  const where = platform === 'win32' ? 'Windows Credential Manager' : platform === 'darwin' ? 'the macOS Keychain' : 'the Secret Service keyring';
  const message = `Secrets cannot be used: ${REASON_TEXT[reason]} (${where})${cause ? `. Detail: ${cause}` : ''}.`;
  return new AppError('SECRETS_UNAVAILABLE', message, secretsHint(platform, reason), { reason, platform });
}

function tooLarge(facts: { account: string; bytes: number } | undefined): AppError {
  const what = facts ? `The value of ${facts.account} is ${facts.bytes} bytes` : 'The secret value is too large';
  return new AppError(
    'SECRET_TOO_LARGE',
    `${what}; one keychain item holds at most ${SECRET_MAX_BYTES} bytes (the Windows Credential Manager limit).`,
    'Shorten the value (for a connection string, keep only the credential part secret), or split it into several variables.',
    facts ? { account: facts.account, bytes: facts.bytes, maxBytes: SECRET_MAX_BYTES } : { maxBytes: SECRET_MAX_BYTES },
  );
}

// The library's message, with any secret of this call removed and its length bounded: it is shown to users and logged.
function causeText(error: unknown, secrets: string[]): string {
  let text = error instanceof Error ? error.message : String(error);
  for (const secret of secrets) if (secret) text = text.split(secret).join('********');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
