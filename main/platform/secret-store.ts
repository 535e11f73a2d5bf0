/**
 * Secrets (passwords, connection-string credentials) live only in an OS secret store: Windows
 * Credential Manager, the macOS Keychain, or on Linux a Secret Service provider (gnome-keyring,
 * KWallet) — or, when a Linux machine has no Secret Service at all (a headless server, CI, a
 * container), the kernel keyring. There is no plaintext fallback: when no store can be used, every
 * call fails with SECRETS_UNAVAILABLE and the callers block only the work that needs a secret.
 *
 * The binding is @napi-rs/keyring, whose prebuilt binaries come from the npm registry for every
 * platform, so `npm install` compiles nothing (see docs/architecture.md, "Secrets").
 * What this file exists to contain:
 * - The store is chosen once per SecretStore, on first use: Secret Service when a session bus and a
 *   provider answer, else the kernel keyring. A locked Secret Service is NOT a reason to fall back —
 *   the secrets are in it, so the engineer must unlock it.
 * - Kernel keyring entries are reached from the calling thread's session keyring, and a process
 *   started without one (no pam_keyinit: services, containers, CI) only gets a private session
 *   keyring on its first kernel-keyring call. Calls therefore run synchronously on this thread, after
 *   one warm-up call; the binding links each key into the user's persistent keyring, which is what
 *   makes it readable by the next process — until reboot, or 3 days without use.
 * - Listing the store (findCredentials) is never used: the tenant store keeps its own index of names.
 * - Windows Credential Manager caps one item at 2,560 bytes. The cap is enforced on every platform, so
 *   a profile exported on Linux still imports on a hospital's Windows VM.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../common/errors';

/** Windows' CRED_MAX_CREDENTIAL_BLOB_SIZE; the binding stores the UTF-8 bytes of the value. */
export const SECRET_MAX_BYTES = 2560;

/** Which OS store holds the secrets; `kernel-keyring` is the Linux fallback that does not survive a reboot. */
export type SecretBackend = 'credential-manager' | 'macos-keychain' | 'secret-service' | 'kernel-keyring';

/** What a working store is, and how long what it holds lasts; doctor and the Diagnostics screen show it. */
export interface SecretStoreInfo {
  backend: SecretBackend;
  /** False for the kernel keyring: its items are gone after a reboot (or 3 days unused). */
  lasting: boolean;
  /** One sentence for people: where secrets are and how long they last. */
  description: string;
  /** For a store that does not last: how to get one that does. */
  hint?: string;
}

/** One secret per (service, account); for tenants the service is `drop-runner/<tenant-id>` plus the data folder's scope, the account the variable name. */
export interface SecretStore {
  /** Resolves null when no item exists. On a locked Linux keyring this may also resolve null — callers that know the item should exist must treat null as unavailable. */
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, value: string): Promise<void>;
  /** Resolves true when an item was removed. */
  delete(service: string, account: string): Promise<boolean>;
  /** Writes, reads back and deletes a throw-away item; rejects with SECRETS_UNAVAILABLE when any part fails, else tells which store answered. */
  probe(): Promise<SecretStoreInfo>;
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
  | 'kernel-keyring-denied'
  | 'quota'
  | 'timeout'
  | 'unknown';

/** The part of the binding we use: one entry per (service, account); findCredentials is deliberately absent. */
interface EntryApi {
  getPassword(): string | null | Promise<string | null>;
  setPassword(password: string): void | Promise<void>;
  deletePassword(): boolean | Promise<boolean>;
}
type EntryOptions = { linux?: { store?: 'secret-service' | 'keyutils' } };
interface KeyringModule {
  Entry: new (service: string, account: string, options?: EntryOptions) => EntryApi;
  AsyncEntry: new (service: string, account: string, options?: EntryOptions) => EntryApi;
}

/** `auto` (the default) picks Secret Service and falls back to the kernel keyring; the others pin one Linux store. */
export type LinuxStoreChoice = 'auto' | 'secret-service' | 'kernel-keyring';

export interface KeychainSecretStoreOptions {
  /** Defaults to process.platform; only changes which hint the errors carry and whether a Linux store is chosen. */
  platform?: NodeJS.Platform;
  /** How long one keychain call may take before it counts as unavailable (an unlock prompt may be waiting). */
  timeoutMs?: number;
  /** Module specifier to load; tests point it at a missing module to exercise the "not installed" path. */
  moduleId?: string;
  /** Defaults to DROP_RUNNER_KEYCHAIN, else `auto`. */
  linuxStore?: LinuxStoreChoice;
}

const PROBE_SERVICE = 'drop-runner/probe';
const KERNEL_KEYRING_HINT =
  'To keep secrets across restarts, run Drop Runner in a desktop session (GNOME Keyring or KWallet unlock at login), or start a Secret Service for it: `dbus-run-session -- bash -c \'gnome-keyring-daemon --unlock --components=secrets; drop-runner …\'` (the keyring password is read from stdin).';

/** The keychain SecretStore; the native module is loaded on first use so commands that need no secret never touch it. */
export function createKeychainSecretStore(options: KeychainSecretStoreOptions = {}): SecretStore {
  const platform = options.platform ?? process.platform;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const moduleId = options.moduleId ?? '@napi-rs/keyring';
  const choice = options.linuxStore ?? linuxStoreFromEnv();
  let mod: KeyringModule | undefined;
  let chosen: Promise<Backend> | undefined;

  const load = (): KeyringModule => {
    if (mod) return mod;
    try {
      mod = createRequire(import.meta.url)(moduleId) as KeyringModule;
      return mod;
    } catch (error) {
      throw secretsUnavailable('module-missing', platform, causeText(error, []));
    }
  };

  // Wraps a binding call: a timeout, and the mapping of any failure to one coded error without the secret in it.
  const guard = async <T>(op: string, secretsInScope: string[], backend: SecretBackend | undefined, fn: () => T | Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(secretsUnavailable('timeout', platform, `${op} did not answer within ${Math.round(timeoutMs / 1000)} s`, backend)), timeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([Promise.resolve().then(fn), timeout]);
    } catch (error) {
      if (error instanceof AppError) throw error;
      const cause = causeText(error, secretsInScope);
      if (/stub received bad data/i.test(cause)) throw tooLarge(undefined);
      const reason = classifyKeychainFailure(cause);
      throw secretsUnavailable(backend === 'kernel-keyring' && reason === 'unknown' ? 'kernel-keyring-denied' : reason, platform, cause, backend);
    } finally {
      clearTimeout(timer);
    }
  };

  const select = (): Promise<Backend> => {
    if (!chosen) {
      const attempt = chooseBackend(load(), platform, choice, guard);
      // A failed choice (e.g. a locked keyring) is retried on the next call: the engineer may have fixed it.
      attempt.catch(() => {
        if (chosen === attempt) chosen = undefined;
      });
      chosen = attempt;
    }
    return chosen;
  };

  const withEntry = async <T>(op: string, service: string, account: string, secrets: string[], fn: (e: EntryApi) => T | Promise<T>): Promise<T> => {
    const backend = await select();
    return guard(op, secrets, backend.kind, () => fn(backend.entry(service, account)));
  };

  return {
    get: (service, account) => withEntry('reading a secret', service, account, [], (e) => e.getPassword()),
    async set(service, account, value) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > SECRET_MAX_BYTES) throw tooLarge({ account, bytes });
      await withEntry('storing a secret', service, account, [value], (e) => e.setPassword(value));
    },
    delete: (service, account) => withEntry('deleting a secret', service, account, [], (e) => e.deletePassword()),
    async probe() {
      const backend = await select();
      const account = `probe-${process.pid}-${randomBytes(4).toString('hex')}`;
      const value = randomBytes(12).toString('hex');
      try {
        await withEntry('storing a test secret', PROBE_SERVICE, account, [value], (e) => e.setPassword(value));
        const back = await withEntry('reading a test secret', PROBE_SERVICE, account, [value], (e) => e.getPassword());
        if (back !== value) throw secretsUnavailable('unreadable', platform, 'a test secret was stored but could not be read back', backend.kind);
      } finally {
        // Best effort: a probe that failed half-way must not mask the real error with a cleanup error.
        await withEntry('deleting a test secret', PROBE_SERVICE, account, [value], (e) => e.deletePassword()).catch(() => undefined);
      }
      return describeBackend(backend.kind);
    },
  };
}

interface Backend {
  kind: SecretBackend;
  entry(service: string, account: string): EntryApi;
}

type Guard = <T>(op: string, secrets: string[], backend: SecretBackend | undefined, fn: () => T | Promise<T>) => Promise<T>;

async function chooseBackend(mod: KeyringModule, platform: NodeJS.Platform, choice: LinuxStoreChoice, guard: Guard): Promise<Backend> {
  if (platform === 'win32' || platform === 'darwin') {
    return { kind: platform === 'win32' ? 'credential-manager' : 'macos-keychain', entry: (s, a) => new mod.AsyncEntry(s, a) };
  }
  const secretService: Backend = { kind: 'secret-service', entry: (s, a) => new mod.AsyncEntry(s, a, { linux: { store: 'secret-service' } }) };
  if (choice === 'secret-service') return secretService;
  if (choice === 'auto') {
    // One lookup of an item that never exists tells whether a bus and a provider answer.
    try {
      await guard('looking for a Secret Service', [], 'secret-service', () => secretService.entry(PROBE_SERVICE, 'select').getPassword());
      return secretService;
    } catch (error) {
      const reason = error instanceof AppError ? (error.details as { reason?: string } | undefined)?.reason : undefined;
      // Only "there is no Secret Service here" falls back; a locked or failing one keeps its own error.
      if (reason !== 'no-dbus' && reason !== 'no-provider') throw error;
    }
  }
  // The first kernel-keyring call gives this thread a session keyring when it had none; later entries are then reachable.
  let warmed = false;
  const kernel: Backend = {
    kind: 'kernel-keyring',
    entry: (s, a) => {
      if (!warmed) {
        try {
          new mod.Entry(PROBE_SERVICE, 'warm-up', { linux: { store: 'keyutils' } });
        } catch {
          // the real entry below reports the failure
        }
        warmed = true;
      }
      return new mod.Entry(s, a, { linux: { store: 'keyutils' } });
    },
  };
  return kernel;
}

function linuxStoreFromEnv(): LinuxStoreChoice {
  const v = process.env.DROP_RUNNER_KEYCHAIN;
  return v === 'secret-service' || v === 'kernel-keyring' ? v : 'auto';
}

/** Where secrets live and how long they last, in words for doctor and the Diagnostics screen. */
export function describeBackend(kind: SecretBackend): SecretStoreInfo {
  switch (kind) {
    case 'credential-manager':
      return { backend: kind, lasting: true, description: 'Windows Credential Manager (kept until removed)' };
    case 'macos-keychain':
      return { backend: kind, lasting: true, description: 'the macOS Keychain (kept until removed)' };
    case 'secret-service':
      return { backend: kind, lasting: true, description: 'the Secret Service keyring (kept until removed)' };
    case 'kernel-keyring':
      return {
        backend: kind,
        lasting: false,
        description: 'the Linux kernel keyring, because no Secret Service is running: secrets last until this machine restarts, or 3 days without Drop Runner using them',
        hint: KERNEL_KEYRING_HINT,
      };
  }
}

/** Maps a keychain library's failure text to a reason; exported so the hint table is tested against real messages. */
export function classifyKeychainFailure(message: string): SecretsUnavailableReason {
  if (/autolaunch|Could not connect|dbus-launch|DBUS_SESSION_BUS_ADDRESS|Failed to connect to (socket|address)|Connection refused/i.test(message)) return 'no-dbus';
  if (/org\.freedesktop\.secrets was not provided|ServiceUnknown|no such name/i.test(message)) return 'no-provider';
  if (/locked collection|unlock prompt|is locked|interaction is not allowed|errSecInteractionNotAllowed|-25308|\bLocked\b/i.test(message)) return 'locked';
  if (/Object does not exist at path|NoStorageAccess.*collection/i.test(message)) return 'no-collection';
  if (/logon session does not exist|NO_SUCH_LOGON_SESSION/i.test(message)) return 'no-logon-session';
  if (/quota|EDQUOT/i.test(message)) return 'quota';
  return 'unknown';
}

const REASON_TEXT: Record<SecretsUnavailableReason, string> = {
  'module-missing': 'the keychain module (@napi-rs/keyring) could not be loaded',
  'no-dbus': 'there is no D-Bus session bus to reach the Secret Service',
  'no-provider': 'no Secret Service provider (such as gnome-keyring) is running on the D-Bus session',
  'no-collection': 'the default keyring does not exist or has not been unlocked',
  locked: 'the keychain is locked',
  unreadable: 'the keychain accepted a secret but did not return it (it is probably locked)',
  'no-logon-session': 'this logon session has no credential store (remote or service logon)',
  'kernel-keyring-denied': 'there is no Secret Service and the Linux kernel keyring refused the request',
  quota: 'the kernel keyring quota of this user is full',
  timeout: 'the keychain did not answer in time (an unlock prompt may be waiting)',
  unknown: 'the keychain refused the request',
};

/** The platform-specific "what to do" for a keychain that cannot be used. */
export function secretsHint(platform: NodeJS.Platform, reason: SecretsUnavailableReason): string {
  if (reason === 'module-missing') {
    return 'Reinstall Drop Runner (`npm ci`): the prebuilt @napi-rs/keyring binary for this platform is missing.';
  }
  if (platform === 'win32') {
    return reason === 'no-logon-session'
      ? 'Windows Credential Manager is not available in remote PowerShell or service-account sessions: log on to the VM interactively (console or RDP) and run Drop Runner there.'
      : 'Open Control Panel > Credential Manager > Windows Credentials to check that it works for this user, log on interactively (not through a service account), and retry.';
  }
  if (platform === 'darwin') {
    return 'Open Keychain Access, unlock the "login" keychain, and allow Drop Runner when macOS asks for keychain access; then retry.';
  }
  if (reason === 'kernel-keyring-denied') {
    return 'The kernel keyring is blocked here (a container without the keyctl system calls, or a session keyring owned by another user). Run Drop Runner with a Secret Service: `dbus-run-session -- bash -c \'gnome-keyring-daemon --unlock --components=secrets; drop-runner …\'` (the keyring password is read from stdin).';
  }
  if (reason === 'quota') {
    return 'Remove secrets you no longer need (`drop-runner tenant forget`), raise /proc/sys/kernel/keys/maxbytes, or use a Secret Service (gnome-keyring), which has no such quota.';
  }
  return 'Start gnome-keyring (or another Secret Service provider) and unlock the login keyring; a D-Bus session is needed (DBUS_SESSION_BUS_ADDRESS). On a headless machine, run Drop Runner inside `dbus-run-session` after `gnome-keyring-daemon --unlock --components=secrets` (the password is read from stdin).';
}

/** The one error for "the keychain cannot be used"; never carries a secret value. */
export function secretsUnavailable(reason: SecretsUnavailableReason, platform: NodeJS.Platform = process.platform, cause?: string, backend?: SecretBackend): AppError {
  const where =
    platform === 'win32' ? 'Windows Credential Manager' : platform === 'darwin' ? 'the macOS Keychain' : backend === 'kernel-keyring' ? 'the Linux kernel keyring' : 'the Secret Service keyring';
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
