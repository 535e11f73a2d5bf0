/**
 * Moving a tenant profile to another machine: export to one passphrase-encrypted file, preview what
 * an import would change, then apply it. Nothing is written unless the whole file decrypts and
 * validates, and secrets go straight from the decrypted payload into the keychain.
 */
import { z } from 'zod';
import { AppError } from '../../common/errors';
import { openTenantFile, sealTenantFile, tenantFileIncludesSecrets } from './tenant-file';
import { HISTORY_LIMIT, assertTenantId, assertVariableName, secretService, type DeploymentRecord, type TenantRecord } from './tenant-model';
import type { TenantStore } from './tenant-store';

const snapshotSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.enum(['text', 'multiline', 'sensitive', 'number', 'boolean', 'choice', 'connection-string']),
  required: z.boolean(),
  sensitive: z.boolean(),
  default: z.string().optional(),
  choices: z.array(z.string()).optional(),
  pattern: z.string().optional(),
  group: z.string().optional(),
});
const deploymentSchema = z.object({
  deploymentId: z.string().min(1),
  release: z.object({ version: z.string(), projectId: z.string().optional(), projectName: z.string().optional() }),
  dropId: z.string(),
  outcome: z.enum(['succeeded', 'completed-with-skips', 'failed', 'aborted', 'cancelled']),
  at: z.string(),
  templates: z.array(snapshotSchema),
});
const payloadSchema = z.object({
  format: z.literal('drop-runner-tenant'),
  version: z.literal(1),
  exportedAt: z.string(),
  tenant: z.object({
    id: z.string(),
    name: z.string(),
    values: z.record(z.string(), z.string()),
    secretNames: z.array(z.string()),
    /** Present only when the export included secrets. */
    secrets: z.record(z.string(), z.string()).optional(),
    lastRelease: deploymentSchema.optional(),
    history: z.array(deploymentSchema),
    /** "The default changed" decisions (keep the previous value / use the new default); absent in older files. */
    decisions: z.record(z.string(), z.object({ decision: z.enum(['keep-previous', 'use-new']), fingerprint: z.string(), at: z.string() })).optional(),
  }),
});
type TenantPayload = z.infer<typeof payloadSchema>;

/** What an import would do, without any value: safe to show in the UI and the CLI. */
export interface ImportPreview {
  tenantId: string;
  tenantName: string;
  /** True when no tenant with this id exists here yet. */
  isNewTenant: boolean;
  secretsIncluded: boolean;
  /** Variables the file brings. Secrets already stored here count as "changed": they are overwritten without being read. */
  changes: Array<{ name: string; change: 'added' | 'changed' | 'unchanged'; sensitive: boolean }>;
  /** Secret names the source had but did not export: they stay as they are here (or absent). */
  secretsNotIncluded: string[];
  /** Variables only this machine has: import keeps them. */
  keptLocal: Array<{ name: string; sensitive: boolean }>;
  /** Changed-default decisions the file brings that this machine does not have yet (or has older ones of). */
  decisionsAdded: number;
  historyAdded: number;
  exportedAt: string;
}

/** Encrypts one tenant profile (optionally with its secrets, read from the keychain) into a single file. */
export async function exportTenant(store: TenantStore, tenantId: string, options: { includeSecrets: boolean; passphrase: string; now?: Date }): Promise<Buffer> {
  const record = store.require(tenantId);
  const secretNames = Object.keys(record.secrets).sort();
  const payload: TenantPayload = {
    format: 'drop-runner-tenant',
    version: 1,
    exportedAt: (options.now ?? new Date()).toISOString(),
    tenant: {
      id: record.id,
      name: record.name,
      values: Object.fromEntries(Object.entries(record.values).map(([k, v]) => [k, v.value])),
      secretNames,
      history: record.history,
      ...(record.lastRelease ? { lastRelease: record.lastRelease } : {}),
      ...(record.decisions && Object.keys(record.decisions).length > 0 ? { decisions: record.decisions } : {}),
    },
  };
  if (options.includeSecrets) {
    const secrets: Record<string, string> = {};
    if (secretNames.length > 0) await store.secrets.probe();
    for (const name of secretNames) secrets[name] = await store.revealSecret(tenantId, name);
    payload.tenant.secrets = secrets;
  }
  return sealTenantFile(payload, options.passphrase, { secretsIncluded: options.includeSecrets });
}

/** Decrypts and describes what importing the file would change; writes nothing. */
export function importTenantPreview(store: TenantStore, file: Buffer, passphrase: string): ImportPreview {
  const payload = decode(file, passphrase);
  const t = payload.tenant;
  const local = store.get(t.id);
  const changes: ImportPreview['changes'] = [];
  for (const [name, value] of Object.entries(t.values)) {
    const here = local?.values[name]?.value;
    changes.push({ name, sensitive: false, change: here === undefined ? 'added' : here === value ? 'unchanged' : 'changed' });
  }
  for (const name of Object.keys(t.secrets ?? {})) {
    changes.push({ name, sensitive: true, change: local?.secrets[name] !== undefined || local?.values[name] !== undefined ? 'changed' : 'added' });
  }
  changes.sort((a, b) => a.name.localeCompare(b.name));
  const incoming = new Set([...Object.keys(t.values), ...Object.keys(t.secrets ?? {})]);
  const keptLocal: ImportPreview['keptLocal'] = [];
  if (local) {
    for (const name of Object.keys(local.values)) if (!incoming.has(name)) keptLocal.push({ name, sensitive: false });
    for (const name of Object.keys(local.secrets)) if (!incoming.has(name)) keptLocal.push({ name, sensitive: true });
  }
  const knownIds = new Set(local?.history.map((h) => h.deploymentId) ?? []);
  return {
    tenantId: t.id,
    tenantName: t.name,
    isNewTenant: !local,
    secretsIncluded: t.secrets !== undefined,
    changes,
    secretsNotIncluded: t.secrets === undefined ? [...t.secretNames].sort() : [],
    keptLocal: keptLocal.sort((a, b) => a.name.localeCompare(b.name)),
    historyAdded: t.history.filter((h) => !knownIds.has(h.deploymentId)).length,
    decisionsAdded: Object.keys(mergeDecisions(local?.decisions, t.decisions).added).length,
    exportedAt: payload.exportedAt,
  };
}

/** Imports the file: secrets into the keychain first, then values and history merged into the profile (imported values win). */
export async function applyImport(store: TenantStore, file: Buffer, passphrase: string): Promise<{ tenantId: string; applied: number }> {
  const payload = decode(file, passphrase);
  const t = payload.tenant;
  const secrets = Object.entries(t.secrets ?? {});
  // All or nothing as far as we can: refuse before writing anything when the keychain is unusable.
  if (secrets.length > 0) await store.secrets.probe();
  const existing = store.get(t.id);
  const at = new Date().toISOString();
  const record: TenantRecord = existing
    ? { ...existing, values: { ...existing.values }, secrets: { ...existing.secrets }, history: [...existing.history] }
    : { id: t.id, name: t.name, createdAt: at, updatedAt: at, values: {}, secrets: {}, history: [] };
  record.name = t.name || record.name;
  for (const [name, value] of secrets) {
    await store.secrets.set(secretService(t.id), name, value);
    record.secrets[name] = { updatedAt: at };
    delete record.values[name];
  }
  for (const [name, value] of Object.entries(t.values)) {
    if (record.secrets[name] !== undefined && t.secrets?.[name] === undefined) {
      // Stored here as a secret and plain in the file: keep the secret, do not duplicate it in plaintext.
      continue;
    }
    record.values[name] = { value, updatedAt: at };
  }
  record.history = mergeHistory(record.history, t.history as DeploymentRecord[]);
  const incomingLast = t.lastRelease as DeploymentRecord | undefined;
  if (incomingLast && (!record.lastRelease || record.lastRelease.at < incomingLast.at)) record.lastRelease = incomingLast;
  const decisions = mergeDecisions(record.decisions, t.decisions).merged;
  if (Object.keys(decisions).length > 0) record.decisions = decisions;
  store.putRecord(record);
  return { tenantId: t.id, applied: secrets.length + Object.keys(t.values).length };
}

/** True/false when the file header says whether secrets are inside; undefined when it is not a tenant file. */
export { tenantFileIncludesSecrets };

function decode(file: Buffer, passphrase: string): TenantPayload {
  const raw = openTenantFile(file, passphrase);
  const parsed = payloadSchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError(
      'TENANT_IMPORT_DAMAGED',
      `The tenant file decrypted but its contents are not a tenant profile (${parsed.error.issues[0]?.path.join('.') || 'root'}: ${parsed.error.issues[0]?.message ?? 'invalid'}). Nothing was imported.`,
      'The file was made by an incompatible tool or version; ask for a new export from Drop Runner.',
    );
  }
  const payload = parsed.data;
  try {
    assertTenantId(payload.tenant.id);
    for (const name of [...Object.keys(payload.tenant.values), ...Object.keys(payload.tenant.secrets ?? {}), ...Object.keys(payload.tenant.decisions ?? {})]) assertVariableName(name);
  } catch (error) {
    if (error instanceof AppError) {
      throw new AppError('TENANT_IMPORT_DAMAGED', `The tenant file holds an invalid entry: ${error.message} Nothing was imported.`, error.hint);
    }
    throw error;
  }
  return payload;
}

function mergeHistory(local: DeploymentRecord[], incoming: DeploymentRecord[]): DeploymentRecord[] {
  const byId = new Map(local.map((h) => [h.deploymentId, h]));
  for (const h of incoming) if (!byId.has(h.deploymentId)) byId.set(h.deploymentId, h);
  return [...byId.values()].sort((a, b) => a.at.localeCompare(b.at)).slice(-HISTORY_LIMIT);
}

/**
 * Decisions from the file merged into this machine's: one this machine lacks, or decided earlier here,
 * is taken from the file (the later decision wins, as a later deployment's values do). A decision only
 * applies while its fingerprint matches the default change it answered, so an imported one for another
 * change is simply not used.
 */
function mergeDecisions(local: TenantRecord['decisions'], incoming: TenantPayload['tenant']['decisions']): { merged: NonNullable<TenantRecord['decisions']>; added: NonNullable<TenantRecord['decisions']> } {
  const merged = { ...(local ?? {}) };
  const added: NonNullable<TenantRecord['decisions']> = {};
  for (const [name, decision] of Object.entries(incoming ?? {})) {
    const here = merged[name];
    if (!here || here.at < decision.at) {
      merged[name] = decision;
      added[name] = decision;
    }
  }
  return { merged, added };
}
