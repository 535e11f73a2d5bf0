/**
 * Values given on the command line to commands that use a tenant's variables (plan, deploy):
 * `--var-file <file>` (repeatable; NAME=VALUE lines or a JSON object), then `--var NAME=VALUE`
 * (repeatable; later wins), and `--remember` to store them in the tenant profile. Parsing is
 * main/variables/var-file.ts; this file only orders the sources and hands them to the tenant store.
 */
import type { VariableTemplate } from '../../common/drop-model';
import { parseVarAssignments, readVarFile } from '../variables/var-file';
import type { TenantStore } from '../tenants/tenant-store';
import type { ParsedFlags } from './parse-flags';

/** Values from the command line, in precedence order already applied (one entry per name). */
export interface CommandLineValues {
  values: Array<{ name: string; value: string }>;
  remember: boolean;
}

/** Reads --var-file and --var (files first, then --var, the last assignment of a name wins) and --remember. */
export async function readValueFlags(flags: ParsedFlags): Promise<CommandLineValues> {
  const merged = new Map<string, string>();
  for (const file of flags.getAll('var-file')) for (const [name, value] of await readVarFile(file)) merged.set(name, value);
  for (const [name, value] of parseVarAssignments(flags.getAll('var'))) merged.set(name, value);
  return { values: [...merged].map(([name, value]) => ({ name, value })), remember: flags.has('remember') };
}

/** Gives command-line values to the tenant store: "entered" for this run, and remembered (secrets to the keychain) with --remember. */
export async function applyCommandLineValues(store: TenantStore, tenantId: string, templates: VariableTemplate[], cli: CommandLineValues): Promise<void> {
  if (cli.values.length === 0) return;
  await store.saveValues(tenantId, cli.values, { remember: cli.remember, templates });
}
