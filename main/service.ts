import type { AppInfo, ContractHandlers } from '../common/contract';
import { AppError } from '../common/errors';
import { collectDiagnostics } from './diagnostics/diagnostics';
import { EventHub } from './hosting/event-hub';
import { appPackage } from './platform/app-version';
import { createConfSettingsStore, type SettingsStore } from './platform/settings-store';
import { findSqlPackage } from './steps/dacpac/find-sqlpackage';

/** What a host hands the engine: where data lives, which stores to use, and host-only abilities. */
export interface ServiceOptions {
  dataDir: string;
  host: 'electron' | 'web';
  /** Defaults to a conf store in the data folder; Electron passes its electron-store. */
  settings?: SettingsStore;
  probeKeychain: () => Promise<void>;
  findChromium: () => string | null;
  /** Electron's file dialog; absent in the browser host. */
  pickDropFile?: () => Promise<string | null>;
  simulatedServer?: AppInfo['simulatedServer'];
}

export interface Service {
  handlers: ContractHandlers;
  events: EventHub;
  /** Masks every known secret value; hosts run error text through it before it leaves the engine. */
  redact: (text: string) => string;
  close(): Promise<void>;
}

const notYet = (what: string) => async (): Promise<never> => {
  throw new AppError('NOT_AVAILABLE', `${what} is not available in this build.`, 'Update Drop Runner to a build that includes it.');
};

/** Builds the engine behind the contract; every host (Electron, browser, tests) uses this one function. */
export function createService(options: ServiceOptions): Service {
  const events = new EventHub();
  const settings = options.settings ?? createConfSettingsStore(options.dataDir, 'settings');
  const handlers: ContractHandlers = {
    'app.info': async () => ({ ...appPackage(), host: options.host, ...(options.simulatedServer ? { simulatedServer: options.simulatedServer } : {}) }),
    'diagnostics.get': () =>
      collectDiagnostics({ dataDir: options.dataDir, host: options.host, probeKeychain: options.probeKeychain, findChromium: options.findChromium, findSqlPackage: () => findSqlPackage() }),
    'dialog.openDrop': async () => (options.pickDropFile ? { path: await options.pickDropFile() } : { path: null, unsupported: true }),
    'operator.get': async () => ({ name: settings.get<string>('operator.name') ?? null }),
    'operator.set': async ({ name }) => {
      settings.set('operator.name', name);
      return { name };
    },
    'drop.open': notYet('Opening drops'),
    'drop.get': notYet('Opening drops'),
    'drop.recent': notYet('Recent drops'),
    'tenant.list': notYet('Tenant profiles'),
    'tenant.export': notYet('Tenant export'),
    'tenant.importPreview': notYet('Tenant import'),
    'tenant.importApply': notYet('Tenant import'),
    'variables.forDrop': notYet('Variables'),
    'variables.save': notYet('Variables'),
    'variables.reveal': notYet('Variables'),
    'variables.forget': notYet('Variables'),
    'plan.get': notYet('Planning'),
    'plan.changeRequest': notYet('Change requests'),
    'preflight.run': notYet('Preflight'),
    'deploy.start': notYet('Deployments'),
    'deploy.decide': notYet('Deployments'),
    'deploy.cancel': notYet('Deployments'),
    'deploy.resume': notYet('Deployments'),
    'deploy.journal': notYet('Deployments'),
    'deploy.history': notYet('Deployment history'),
    'deploy.interrupted': async () => [],
    'report.preview': notYet('Reports'),
    'report.export': notYet('Reports'),
  };
  return { handlers, events, redact: (text) => text, close: async () => {} };
}
