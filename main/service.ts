import type { AppInfo, ContractHandlers } from '../common/contract';
import { collectDiagnostics } from './diagnostics/diagnostics';
import { DropLibrary } from './drop/drop-library';
import { TrustStore } from './drop/trust-store';
import { createDeploymentManager } from './deploy/deployment-manager';
import { deployHandlers } from './handlers/deploy-handlers';
import { dropHandlers } from './handlers/drop-handlers';
import type { EngineContext } from './handlers/engine-context';
import { storageHandlers } from './handlers/storage-handlers';
import { reportHandlers } from './handlers/report-handlers';
import { rollbackHandlers } from './handlers/rollback-handlers';
import { tenantHandlers } from './handlers/tenant-handlers';
import { connectionHandlers } from './handlers/connection-handlers';
import { trustHandlers } from './handlers/trust-handlers';
import { EventHub } from './hosting/event-hub';
import { appPackage } from './platform/app-version';
import type { SecretStore } from './platform/secret-store';
import { createConfSettingsStore, type SettingsStore } from './platform/settings-store';
import { findSqlPackage } from './steps/dacpac/find-sqlpackage';
import { integratedAuthAvailability } from './sql/sql-driver';
import { createTenantStore } from './tenants/tenant-store';
import { Redactor } from './variables/redactor';
import { openDropIsolated } from './drop/worker/isolated-open';

/** What a host hands the engine: where data lives, which stores to use, and host-only abilities. */
export interface ServiceOptions {
  dataDir: string;
  host: 'electron' | 'web';
  secrets: SecretStore;
  /** Defaults to conf stores in the data folder; Electron passes electron-store ones (same files). */
  settingsFor?: (name: string) => SettingsStore;
  findChromium: () => string | null;
  /** Electron's file dialog; absent in the browser host. */
  pickDropFile?: () => Promise<string | null>;
  /** Electron's webContents.printToPDF; other hosts print through headless Chromium. */
  printPdf?: (html: string, outPath: string) => Promise<void>;
  simulatedServer?: AppInfo['simulatedServer'];
}

export interface Service {
  handlers: ContractHandlers;
  events: EventHub;
  /** Masks every known secret value; hosts run error text through it before it leaves the engine. */
  redact: (text: string) => string;
  close(): Promise<void>;
}

/** Builds the engine behind the contract; every host (Electron, browser, tests) uses this one function. */
export function createService(options: ServiceOptions): Service {
  const settingsFor = options.settingsFor ?? ((name: string) => createConfSettingsStore(options.dataDir, name));
  const settings = settingsFor('settings');
  const trust = new TrustStore(settingsFor('trusted-publishers'));
  const ctx: EngineContext = {
    dataDir: options.dataDir,
    settings,
    secrets: options.secrets,
    tenants: createTenantStore({ settings: settingsFor('tenants'), secrets: options.secrets }),
    trust,
    drops: new DropLibrary(options.dataDir, settings, () => ({ trustedKeys: trust.keys() }), openDropIsolated),
    events: new EventHub(),
    redactor: new Redactor(),
  };
  const deployments = createDeploymentManager({
    dataDir: options.dataDir,
    drops: ctx.drops,
    tenants: ctx.tenants,
    settings,
    appVersion: appPackage().version,
    ...(options.simulatedServer ? { simulatedServer: options.simulatedServer.note } : {}),
  });
  const handlers: ContractHandlers = {
    'app.info': async () => ({
      ...appPackage(),
      host: options.host,
      ...(options.simulatedServer ? { simulatedServer: options.simulatedServer } : {}),
      integratedAuth: (({ available, text, hint }) => ({ available, text, ...(hint ? { hint } : {}) }))(integratedAuthAvailability()),
    }),
    'diagnostics.get': () =>
      collectDiagnostics({ dataDir: options.dataDir, host: options.host, probeKeychain: () => options.secrets.probe(), findChromium: options.findChromium, findSqlPackage: () => findSqlPackage() }),
    'dialog.openDrop': async () => (options.pickDropFile ? { path: await options.pickDropFile() } : { path: null, unsupported: true }),
    'operator.get': async () => ({ name: settings.get<string>('operator.name') ?? null }),
    'operator.set': async ({ name }) => {
      settings.set('operator.name', name);
      return { name };
    },
    ...dropHandlers(ctx),
    ...tenantHandlers(ctx),
    ...reportHandlers(ctx, options.printPdf),
    ...rollbackHandlers(ctx),
    ...deployHandlers(ctx, deployments),
    ...storageHandlers(ctx, deployments),
    ...connectionHandlers(ctx),
    ...trustHandlers(ctx),
  };
  return {
    handlers,
    events: ctx.events,
    redact: (text) => ctx.redactor.redact(text),
    close: () => {
      // An open in progress is stopped rather than waited for: its worker ends and its temp folder goes.
      ctx.drops.abortOpens();
      return deployments.close();
    },
  };
}
