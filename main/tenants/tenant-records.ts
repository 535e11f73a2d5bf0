/**
 * The settings half of the tenant store: one record per tenant under `tenant:<id>`, plus the values typed
 * in this process. Kept apart from the keychain code so the record rules (older files lacking fields,
 * updatedAt on every write, TENANT_NOT_FOUND wording) live in one place.
 */
import { AppError } from '../../common/errors';
import type { TenantSummary } from '../../common/contract';
import type { SettingsStore } from '../platform/settings-store';
import { assertTenantId, type TenantRecord } from './tenant-model';

const KEY_PREFIX = 'tenant:';

/** Reads and writes tenant records in the SettingsStore; holds the per-process typed values. */
export interface TenantRecords {
  settings: SettingsStore;
  /** ISO timestamp from the store's clock (tests inject one). */
  now(): string;
  read(tenantId: string): TenantRecord | undefined;
  write(record: TenantRecord): void;
  require(tenantId: string): TenantRecord;
  ensure(tenantId: string, name?: string): TenantRecord;
  remove(tenantId: string): void;
  list(): TenantSummary[];
  /** Values typed in this process, secrets included: they never leave main, and make the source "entered". */
  session: Map<string, Map<string, string>>;
  sessionOf(tenantId: string): Map<string, string>;
}

/** Builds the record layer over the settings store. */
export function createTenantRecords(settings: SettingsStore, clock?: () => Date): TenantRecords {
  const now = () => (clock ? clock() : new Date()).toISOString();
  const session = new Map<string, Map<string, string>>();
  const read = (tenantId: string): TenantRecord | undefined => {
    assertTenantId(tenantId);
    const raw = settings.get<TenantRecord>(KEY_PREFIX + tenantId);
    if (!raw) return undefined;
    // Files written by older builds may lack newer fields.
    return { ...raw, values: raw.values ?? {}, secrets: raw.secrets ?? {}, history: raw.history ?? [] };
  };
  const write = (record: TenantRecord) => {
    record.updatedAt = now();
    settings.set(KEY_PREFIX + record.id, record);
  };
  return {
    settings,
    now,
    read,
    write,
    session,
    sessionOf(tenantId) {
      let map = session.get(tenantId);
      if (!map) session.set(tenantId, (map = new Map()));
      return map;
    },
    require(tenantId) {
      const record = read(tenantId);
      if (!record) {
        throw new AppError('TENANT_NOT_FOUND', `No tenant "${tenantId}" is remembered on this machine.`, 'Run `drop-runner tenant list` to see the remembered tenants, or open a drop for this tenant first.', {
          tenantId,
        });
      }
      return record;
    },
    ensure(tenantId, name) {
      const existing = read(tenantId);
      if (existing) return existing;
      const at = now();
      const record: TenantRecord = { id: tenantId, name: name?.trim() || tenantId, createdAt: at, updatedAt: at, values: {}, secrets: {}, history: [] };
      write(record);
      return record;
    },
    remove(tenantId) {
      settings.delete(KEY_PREFIX + tenantId);
    },
    list() {
      const out: TenantSummary[] = [];
      for (const key of settings.keys()) {
        if (!key.startsWith(KEY_PREFIX)) continue;
        const r = read(key.slice(KEY_PREFIX.length));
        if (!r) continue;
        const summary: TenantSummary = { id: r.id, name: r.name, valueCount: Object.keys(r.values).length, secretCount: Object.keys(r.secrets).length };
        if (r.lastRelease) {
          summary.lastRelease = r.lastRelease.release.version;
          summary.lastDeployedAt = r.lastRelease.at;
        }
        out.push(summary);
      }
      return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    },
  };
}
