/**
 * Shared set-up of the deployment tests: the sample drop opened through the real DropLibrary, a
 * tenant whose values point at the TDS double (with SSISDB), and a manager over a scratch data folder.
 * Secrets are given as "entered" values (not remembered), so these tests need no keychain; the
 * keychain round trip has its own test under scripts/with-keyring.sh.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Drop } from '../../../common/drop-model';
import type { JournalEvent } from '../../../common/journal-events';
import { createDeploymentManager, type DeploymentManager } from '../../../main/deploy/deployment-manager';
import { DropLibrary } from '../../../main/drop/drop-library';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { openTenantStore } from '../../../main/tenants/open-tenant-store';
import type { TenantStore } from '../../../main/tenants/tenant-store';
import { buildSampleDrop } from '../../support/fixtures/sample-drop';
import { scratchDir } from '../../support/scratch-dir';
import { createSsisdbEmulation, type SsisdbEmulation, type SsisdbOptions } from '../../support/ssisdb/index';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';
import { openDropIsolated } from '../../../main/drop/worker/isolated-open';

/** The shared leak scan (test/support/secret-scan.ts), re-exported for this folder's tests. */
export { filesContaining } from '../../support/secret-scan';

export const TENANT = 'st-brigids';
export const WIN = { domain: 'SBRH', user: 'svc_deploy', password: 'W1ndows!Deploy-5521' };
export const SQL_LOGIN = { user: 'cdh_deploy', password: 'Sql!Login-7731-x' };
export const SECRETS = { SqlPassword: SQL_LOGIN.password, SftpPassword: 'sftp-Secret-9931', ApiKey: 'api-KEY-5c8e21d0' };
/** Every secret value a test must never find in an output. */
export const ALL_SECRETS = [...Object.values(SECRETS), WIN.password];

/** A scratch folder removed by the caller (the shared helper, under this folder's name). */
export const scratch = scratchDir;

export interface DeployDouble {
  server: TdsServer;
  ssisdb: SsisdbEmulation;
}

/** The TDS double with SSISDB and a permission answer for preflight. */
export async function startDeployDouble(ssisdb: SsisdbOptions = {}, recordFile?: string, logins: Array<{ user: string; password: string }> = [SQL_LOGIN]): Promise<DeployDouble> {
  // TLS on, like a hospital server with a self-signed certificate: the tenant's connections encrypt and trust it.
  const server = await startTdsServer({ windowsUsers: [WIN], logins, ntlmDomain: WIN.domain, tls: true, ...(recordFile ? { recordFile } : {}) });
  const emulation = createSsisdbEmulation({ deployPolls: 0, validationPolls: 1, ...ssisdb });
  server.use(emulation);
  server.addResponder({ name: 'permissions', sql: /HAS_PERMS_BY_NAME/i, respond: (req) => ({ rows: [Object.fromEntries([...(req.text ?? '').matchAll(/\bAS \[?(\w+)\]?/g)].map((m) => [m[1]!, 1]))] }) });
  return { server, ssisdb: emulation };
}

/** The sample drop's values for St. Brigid's, pointing at the double (secrets included). */
export function tenantValues(port: number, overrides: Record<string, string> = {}): Record<string, string> {
  const server = `127.0.0.1,${port}`;
  return {
    SqlServer: server,
    StagingDatabase: 'CDH_Staging',
    SqlAuthMode: 'SQL',
    SqlUser: SQL_LOGIN.user,
    StagingConnection: `Server=${server};Database=CDH_Staging;User Id=${SQL_LOGIN.user};Password=${SQL_LOGIN.password};Encrypt=True;TrustServerCertificate=True`,
    SsisServer: server,
    SsisConnection: `Server=${server};Database=SSISDB;User Id=${WIN.domain}\\${WIN.user};Password=${WIN.password};Encrypt=True;TrustServerCertificate=True`,
    SsisCatalogFolder: 'ClinicalDataHub',
    SsisEnvironment: 'Production',
    FeedBatchSize: '500',
    InterfaceEngineHost: 'ie01.sbrh.example',
    SftpHost: 'sftp.sbrh.example',
    SftpUser: 'cdh_feeds',
    ApiBaseUrl: 'https://ie01.sbrh.example:8443/api',
    EnableRealTimeAdt: 'true',
    ...SECRETS,
    ...overrides,
  };
}

let zip: Promise<string> | undefined;
/** The signed sample drop zip, built once per test file into its own scratch folder. */
export function sampleDropZip(): Promise<string> {
  zip ??= buildSampleDrop({ outDir: scratch('dr-sample-zip') });
  return zip;
}

export interface DeployWorld {
  dataDir: string;
  dropZip: string;
  drop: Drop;
  drops: DropLibrary;
  tenants: TenantStore;
  manager: DeploymentManager;
}

/** A data folder, the sample drop opened in it, a tenant store and a manager. */
export async function deployWorld(values: Record<string, string>, root = scratch('dr-deploy')): Promise<DeployWorld> {
  const dataDir = path.join(root, 'data');
  const dropZip = await sampleDropZip();
  const settings = createConfSettingsStore(dataDir, 'settings');
  const drops = new DropLibrary(dataDir, settings, () => ({}), openDropIsolated);
  const drop = await drops.open(dropZip);
  const tenants = openTenantStore(dataDir, { secrets: createKeychainSecretStore() });
  tenants.ensure(TENANT, "St. Brigid's Regional Hospital");
  // Entered for this process only: nothing reaches the keychain or the settings file.
  await tenants.saveValues(TENANT, Object.entries(values).map(([name, value]) => ({ name, value })), { remember: false, templates: drop.variables });
  const manager = createDeploymentManager({ dataDir, drops, tenants, settings });
  return { dataDir, dropZip, drop, drops, tenants, manager };
}

/** Reads a deployment's journal from disk. */
export function journalOf(dataDir: string, deploymentId: string): JournalEvent[] {
  const text = readFileSync(path.join(dataDir, 'deployments', deploymentId, 'journal.jsonl'), 'utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEvent);
}

/** The journal as compact strings: "step-finished staging-db#1 succeeded", "decision staging-db retry" … */
export function story(events: JournalEvent[]): string[] {
  return events.flatMap((e) => {
    switch (e.type) {
      case 'step-started':
        return [`start ${e.stepId}#${e.attempt}`];
      case 'step-finished':
        return [`finish ${e.stepId}#${e.attempt} ${e.outcome}${e.error ? ` ${e.error.code}` : ''}`];
      case 'decision':
        return [`decision ${e.stepId} ${e.decision}${e.reason ? ` (${e.reason})` : ''}`];
      case 'deployment-finished':
        return [`finished ${e.outcome}`];
      case 'cancel-requested':
        return [`cancel ${e.mode}`];
      case 'run-stopped':
        return [`stopped ${e.outcome}`];
      case 'interrupted':
        return [`interrupted ${e.stepId ?? ''}`.trim()];
      case 'deployment-started':
        return [e.resumedFrom ? 'resumed' : 'started'];
      default:
        return [];
    }
  });
}

/** What one test opened; `releaseOpened` (from afterEach) closes and removes whatever is set. */
export interface OpenedForTest {
  double?: DeployDouble;
  world?: DeployWorld;
  root?: string;
}

/** Closes the world's manager and the double, removes the scratch folder, and forgets all three. */
export async function releaseOpened(opened: OpenedForTest): Promise<void> {
  await opened.world?.manager.close();
  await opened.double?.server.close();
  if (opened.root) cleanup(opened.root);
  delete opened.world;
  delete opened.double;
  delete opened.root;
}

/** The double and the sample drop's world for St. Brigid's, recorded in `opened` for releaseOpened. */
export async function openSampleWorld(opened: OpenedForTest, prefix: string): Promise<{ double: DeployDouble; world: DeployWorld }> {
  const double = (opened.double = await startDeployDouble());
  const root = (opened.root = scratch(prefix));
  const world = (opened.world = await deployWorld(tenantValues(double.server.port), root));
  return { double, world };
}

/** Removes a scratch folder. */
export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** What a built-CLI test gets per test: a TDS double, a scratch folder, its data folder and a values file for --var-file. */
export interface CliWorld {
  double: DeployDouble;
  root: string;
  dataDir: string;
  varFile: string;
}

/** Starts the double and writes the sample tenant's values for it (the set-up the CLI deploy tests share). */
export async function openCliWorld(prefix: string): Promise<CliWorld> {
  const double = await startDeployDouble();
  const root = scratch(prefix);
  const varFile = path.join(root, 'values.json');
  writeFileSync(varFile, JSON.stringify(tenantValues(double.server.port)));
  return { double, root, dataDir: path.join(root, 'data'), varFile };
}

/** Stops the double and removes the scratch folder. */
export async function closeCliWorld(world: CliWorld): Promise<void> {
  await world.double.server.close();
  cleanup(world.root);
}
