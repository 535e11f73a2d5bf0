/**
 * Where the CLI gets an Octopus drop's sensitive-variables password: `--password-stdin` (one line read
 * from stdin, never echoed or printed), else the password remembered for `--tenant` in the keychain
 * (the tenant secret the app uses too). Asked for lazily: a drop without encrypted files reads neither.
 */
import { OCTOPUS_PASSWORD_SECRET } from '../../handlers/drop-handlers';
import type { TenantStore } from '../../tenants/tenant-store';
import type { CliContext } from '../cli-types';
import { promptLine } from '../prompt';

export interface CliOctopusPassword {
  /** For createOctopusImporter / DropLibrary.open: resolves the password, once. */
  ask: () => Promise<string | undefined>;
  /** The password typed on stdin, when one was read (so a working one can be remembered). */
  typed: () => string | undefined;
}

/** The password source of one CLI run; `tenants` is opened only when the keychain is needed. */
export function cliOctopusPassword(ctx: Pick<CliContext, 'flags' | 'stdin'>, tenants: () => TenantStore): CliOctopusPassword {
  let pending: Promise<string | undefined> | undefined;
  let typed: string | undefined;
  const read = async (): Promise<string | undefined> => {
    if (ctx.flags.has('password-stdin')) {
      const line = await promptLine(ctx.stdin, () => undefined, '');
      typed = line === null ? undefined : line.replace(/\r$/, '');
      return typed;
    }
    const tenantId = ctx.flags.get('tenant');
    if (!tenantId) return undefined;
    const store = tenants();
    if (!store.get(tenantId) || !store.secretNames(tenantId).includes(OCTOPUS_PASSWORD_SECRET)) return undefined;
    return store.revealSecret(tenantId, OCTOPUS_PASSWORD_SECRET);
  };
  return { ask: () => (pending ??= read()), typed: () => typed };
}

/** Remembers a password that opened the drop, for its tenant, like any other tenant secret (deploy/plan --remember). */
export async function rememberOctopusPassword(tenants: TenantStore, tenantId: string, password: string): Promise<void> {
  await tenants.saveValues(tenantId, [{ name: OCTOPUS_PASSWORD_SECRET, value: password, sensitive: true }], { remember: true });
}
