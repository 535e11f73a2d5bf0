import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JournalEventInput } from '../../../common/journal-events';
import type { SsisStepOptions } from '../../../main/ssis/index';
import { resolveConnectionSettings, type SqlConnectionSettings } from '../../../main/sql/connection-settings';
import { evaluate } from '../../../main/variables/evaluator';
import { Redactor } from '../../../main/variables/redactor';
import { writeSampleDropFolder } from '../../support/fixtures/sample-drop';
import { createSsisdbEmulation, type SsisdbEmulation, type SsisdbOptions } from '../../support/ssisdb/index';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';

/** Shared set-up of the SSIS step tests: the sample drop on disk, a tenant, the double with SSISDB. */

export const WIN = { domain: 'SBRH', user: 'svc_deploy', password: 'W1ndows!Deploy' };
export const SQL_LOGIN = { user: 'cdh_deploy', password: 'Sql!Login-7731' };
export const SECRETS = { SqlPassword: 'Pa$$-staging-4471', SftpPassword: 'sftp-Secret-9931', ApiKey: 'api-KEY-5c8e21d0' };

/** The St. Brigid's tenant values the sample drop asks for. */
export function tenantValues(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    SqlServer: 'SBRH-SQL01\\CDH',
    StagingDatabase: 'CDH_Staging',
    SqlAuthMode: 'SQL',
    SqlUser: 'cdh_deploy',
    SsisServer: 'SBRH-SQL01\\CDH',
    SsisConnection: 'Server=SBRH-SQL01\\CDH;Database=SSISDB;Integrated Security=SSPI',
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

function evaluateDeep(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') {
    const r = evaluate(value, vars);
    if (r.missing.length || r.errors.length) throw new Error(`fixture: cannot evaluate ${value}: ${[...r.missing, ...r.errors.map((e) => e.message)].join(', ')}`);
    return r.text;
  }
  if (Array.isArray(value)) return value.map((v) => evaluateDeep(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateDeep(v, vars)]));
  return value;
}

export interface SampleDrop {
  root: string;
  packagePath: string;
  ispacSha256: string;
  /** The ssis-feeds step's settings as written in drop.json. */
  rawSettings: Record<string, unknown>;
}

/** Writes the sample drop folder (with its generated .ispac) to a temp dir. */
export async function sampleDrop(release: '2.4.0' | '2.5.0' = '2.4.0'): Promise<SampleDrop> {
  const root = await writeSampleDropFolder(path.join(mkdtempSync(path.join(tmpdir(), 'dr-ssis-')), 'drop'), release);
  const manifest = JSON.parse(readFileSync(path.join(root, 'drop.json'), 'utf8')) as { steps: Array<{ id: string; package: string; settings: Record<string, unknown> }> };
  const step = manifest.steps.find((s) => s.id === 'ssis-feeds')!;
  const ispac = readFileSync(path.join(root, step.package, String(step.settings.ispac)));
  return { root, packagePath: step.package, ispacSha256: createHash('sha256').update(ispac).digest('hex'), rawSettings: step.settings };
}

/** The step settings after #{…} evaluation with the tenant's values (plus overrides of settings keys). */
export function resolvedSettings(drop: SampleDrop, vars: Record<string, string> = tenantValues(), patch: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(evaluateDeep(drop.rawSettings, vars) as Record<string, unknown>), ...patch };
}

export interface Double {
  server: TdsServer;
  ssisdb: SsisdbEmulation;
  windows: SqlConnectionSettings;
  sqlLogin: SqlConnectionSettings;
}

/** Starts the TDS double with SSISDB; it knows one Windows account and one SQL login. */
export async function startDouble(options: SsisdbOptions = {}): Promise<Double> {
  const server = await startTdsServer({ windowsUsers: [WIN], logins: [SQL_LOGIN], ntlmDomain: WIN.domain });
  const ssisdb = createSsisdbEmulation(options);
  server.use(ssisdb);
  const base = { server: `127.0.0.1,${server.port}`, encrypt: 'optional' as const };
  return {
    server,
    ssisdb,
    windows: resolveConnectionSettings({ ...base, authentication: 'windows', user: `${WIN.domain}\\${WIN.user}`, password: WIN.password }),
    sqlLogin: resolveConnectionSettings({ ...base, authentication: 'sql', user: SQL_LOGIN.user, password: SQL_LOGIN.password }),
  };
}

/** What each SSIS step test starts from: the sample drop on disk and a fresh double with SSISDB. */
export async function openSsisWorld(options: SsisdbOptions = {}): Promise<{ drop: SampleDrop; double: Double }> {
  return { drop: await sampleDrop(), double: await startDouble(options) };
}

/** The step options every SSIS test passes: the sample drop, the tenant's settings, a redactor, fast polling. */
export function ssisStepOptions(drop: SampleDrop, connection: SqlConnectionSettings, extra: Partial<SsisStepOptions> = {}): SsisStepOptions {
  const r = redactor();
  return { stepId: 'ssis-feeds', dropRoot: drop.root, packagePath: drop.packagePath, settings: resolvedSettings(drop), connection, redact: (t) => r.redact(t), pollIntervalMs: 5, ...extra };
}

/** A redactor that knows the tenant's secrets (and the connection passwords). */
export function redactor(): Redactor {
  return new Redactor([...Object.values(SECRETS), WIN.password, SQL_LOGIN.password]);
}

/** Collects events; `text()` is everything a user could read from them. */
export function eventLog(): { events: JournalEventInput[]; onEvent: (e: JournalEventInput) => void; text: () => string; logs: () => string[] } {
  const events: JournalEventInput[] = [];
  return {
    events,
    onEvent: (e) => events.push(e),
    text: () => JSON.stringify(events),
    logs: () => events.flatMap((e) => (e.type === 'log' ? [`${e.level}: ${e.message}`] : [])),
  };
}
