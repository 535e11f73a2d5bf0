import type { DropView } from '../../common/contract';
import type { Drop } from '../../common/drop-model';
import type { DropLibrary } from '../drop/drop-library';
import type { TrustStore } from '../drop/trust-store';
import type { EventHub } from '../hosting/event-hub';
import type { SecretStore } from '../platform/secret-store';
import type { SettingsStore } from '../platform/settings-store';
import type { TenantStore } from '../tenants/tenant-store';
import { MASK, type Redactor } from '../variables/redactor';

/** The collaborators every group of request handlers shares; built once by createService. */
export interface EngineContext {
  dataDir: string;
  settings: SettingsStore;
  secrets: SecretStore;
  tenants: TenantStore;
  trust: TrustStore;
  drops: DropLibrary;
  events: EventHub;
  /** Knows every secret this process has seen (entered, revealed, resolved) and masks it anywhere. */
  redactor: Redactor;
}

/** The drop as the UI may see it: no local path, baked secret values masked. */
export function toDropView(drop: Drop): DropView {
  const { root: _root, ...view } = drop;
  return { ...view, baked: drop.baked.map((b) => (b.sensitive ? { ...b, value: MASK } : b)) };
}
