/**
 * Items that keytar (the keychain module of earlier builds) wrote to a Linux Secret Service carry the
 * attributes `service` and `account`; @napi-rs/keyring looks items up by `service` and `username`,
 * so it cannot see them. For the one-time migration (main/tenants/scoped-secrets.ts) they are read
 * and removed with `secret-tool` (libsecret-tools) when it is installed and a session bus exists.
 * Everywhere else this reader answers null: on macOS both modules use the same Keychain item (the
 * binding finds it itself), and on Windows the old items stay (docs/architecture.md, "Secrets").
 */
import { execFile } from 'node:child_process';

/** Reads and removes old keytar items; null when there is none or no way to look. */
export interface LegacyItemReader {
  read(service: string, account: string): Promise<string | null>;
  remove(service: string, account: string): Promise<void>;
}

const TIMEOUT_MS = 15_000;

function secretTool(args: string[]): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    // The value arrives on stdout only; it is never logged, and a failure says nothing about it.
    execFile('secret-tool', args, { timeout: TIMEOUT_MS, encoding: 'utf8', maxBuffer: 64 * 1024 }, (error, stdout) => resolve({ ok: !error, stdout: error ? '' : stdout }));
  });
}

/** The reader for this platform; a no-op off Linux or without a session bus. */
export function keytarItemReader(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): LegacyItemReader {
  if (platform !== 'linux' || !env.DBUS_SESSION_BUS_ADDRESS) return { read: async () => null, remove: async () => undefined };
  return {
    async read(service, account) {
      const r = await secretTool(['lookup', 'service', service, 'account', account]);
      // secret-tool prints the secret as stored, without a trailing newline; absent items print nothing.
      return r.ok && r.stdout !== '' ? r.stdout : null;
    },
    async remove(service, account) {
      await secretTool(['clear', 'service', service, 'account', account]);
    },
  };
}
