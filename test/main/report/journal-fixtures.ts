/**
 * Realistic deployment journals for the report tests, written event by event the way the runner
 * appends them (seq numbering and timestamps advance like a real run).
 */
import type { JournalEvent, JournalEventInput } from '../../../common/journal-events';

/** The secret the tests hunt for in every output. */
export const PLANTED_SECRET = 'Pl4nted-S3cret!Value#42';

export class JournalBuilder {
  readonly events: JournalEvent[] = [];
  private seq = 0;
  private clock: number;

  constructor(start = '2025-03-14T21:00:00.000Z') {
    this.clock = Date.parse(start);
  }

  /** Moves the clock forward by ms. */
  wait(ms: number): this {
    this.clock += ms;
    return this;
  }

  add(event: JournalEventInput): this {
    this.seq++;
    this.events.push({ ...event, seq: this.seq, at: new Date(this.clock).toISOString() } as JournalEvent);
    return this;
  }

  log(message: string, stepId?: string, level: 'debug' | 'info' | 'warn' | 'error' = 'info', source?: string): this {
    return this.add({ type: 'log', level, message, ...(stepId ? { stepId } : {}), ...(source ? { source } : {}) });
  }

  get now(): string {
    return new Date(this.clock).toISOString();
  }
}

export const STEPS = [
  { id: 'db-schema', name: 'Apply database schema changes', type: 'sql-scripts', transactional: 'each script in its own transaction' },
  { id: 'ssis-etl', name: 'Deploy SSIS project PatientFlowETL', type: 'ssis-project', transactional: 'none (SSISDB keeps previous project versions)' },
  { id: 'ssis-env', name: 'Configure SSIS environment Production', type: 'ssis-project' },
  { id: 'verify', name: 'Manual check: admissions dashboard loads', type: 'manual-check' },
];

function started(b: JournalBuilder, opts: { leakSecret?: boolean } = {}): JournalBuilder {
  return b.add({
    type: 'deployment-started',
    deploymentId: 'dep-20250314-2100-stmarys',
    drop: {
      id: 'drop-7f3a',
      format: 'native',
      project: { id: 'patient-flow', name: 'Patient Flow' },
      release: { version: '2.4.0', channel: 'Stable', notes: 'Adds bed-management tables and the nightly ETL.' },
      sha256: '9f2c1a7be5d04c8e3b6a1f0e2d4c6b8a0e1f2d3c4b5a69788796a5b4c3d2e1f0',
      signature: { state: 'verified', publisher: 'Contoso Health Software B.V.' },
      sourcePath: 'C:\\Users\\deploy\\Downloads\\patient-flow-2.4.0-stmarys.zip',
    },
    tenant: { id: 'st-marys', name: "St Mary's Hospital", environment: 'Production' },
    machine: 'SMH-SQL-APP01',
    osUser: 'SMH\\svc-deploy',
    clock: { timeZone: 'Europe/Amsterdam', utcOffsetMinutes: 60 },
    operator: 'Jana de Vries',
    steps: STEPS,
    variables: [
      { name: 'SqlServer', source: 'tenant (remembered)', sensitive: false, value: 'smh-sql01.stmarys.local' },
      { name: 'DatabaseName', source: 'drop default', sensitive: false, value: 'PatientFlow' },
      { name: 'EtlPassword', source: 'keychain', sensitive: true, value: opts.leakSecret ? PLANTED_SECRET : '********' },
      { name: 'SsisFolder', source: 'tenant (entered now)', sensitive: false, value: 'PatientFlow' },
    ],
  });
}

function preflight(b: JournalBuilder): JournalBuilder {
  return b.add({
    type: 'preflight',
    checks: [
      { id: 'conn', title: 'SQL Server connection', status: 'pass', detail: 'Connected to smh-sql01.stmarys.local (SQL Server 2019 CU22) as SMH\\svc-deploy.' },
      { id: 'perm', title: 'Permissions', status: 'pass', detail: 'db_owner on PatientFlow; ssis_admin in SSISDB.' },
      { id: 'ssisdb', title: 'SSISDB catalog', status: 'pass', detail: 'SSISDB present, CLR enabled.' },
      { id: 'disk', title: 'Free disk space', status: 'warn', detail: '6.1 GB free on D:, below the recommended 10 GB.', hint: 'Free disk space before large data migrations.' },
      { id: 'vars', title: 'Variables complete', status: 'pass', detail: '4 of 4 variables have values.' },
    ],
  });
}

function sqlStep(b: JournalBuilder, secretInLog = false): JournalBuilder {
  b.wait(1500).add({ type: 'step-started', stepId: 'db-schema', attempt: 1 }).log('Connecting to smh-sql01.stmarys.local', 'db-schema');
  const scripts = [
    ['0001-create-bed-tables.sql', 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'],
    ['0002-add-ward-index.sql', 'b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1'],
    ['0003-seed-ward-codes.sql', 'c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2'],
  ];
  for (const [name, sha] of scripts) {
    b.wait(4200).log(`Running ${name} (2 batches)`, 'db-schema', 'info', 'sql');
    b.add({ type: 'artifact', stepId: 'db-schema', artifact: { kind: 'script', name: name!, action: 'applied', sha256: sha! } });
  }
  b.add({
    type: 'artifact',
    stepId: 'db-schema',
    artifact: { kind: 'script', name: '0000-baseline.sql', action: 'skipped (already applied)', sha256: 'd4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3' },
  });
  if (secretInLog) b.log(`Login with password ${PLANTED_SECRET} succeeded`, 'db-schema', 'debug', 'sql');
  return b.wait(300).add({ type: 'step-finished', stepId: 'db-schema', attempt: 1, outcome: 'succeeded', durationMs: 14_100 });
}

function ssisStep(b: JournalBuilder): JournalBuilder {
  b.wait(800).add({ type: 'step-started', stepId: 'ssis-etl', attempt: 1 }).log('Reading PatientFlowETL.ispac (1.8 MB)', 'ssis-etl');
  b.wait(2000).add({ type: 'artifact', stepId: 'ssis-etl', artifact: { kind: 'ssis-folder', name: 'PatientFlow', action: 'unchanged' } });
  b.wait(26_000).add({
    type: 'artifact',
    stepId: 'ssis-etl',
    artifact: { kind: 'ssis-project', name: 'PatientFlowETL', action: 'updated', sha256: 'e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4', operationId: '48213' },
  });
  b.log('catalog.deploy_project finished, operation 48213', 'ssis-etl', 'info', 'ssis');
  return b.wait(400).add({ type: 'step-finished', stepId: 'ssis-etl', attempt: 1, outcome: 'succeeded', durationMs: 29_200 });
}

function envStep(b: JournalBuilder): JournalBuilder {
  b.wait(500).add({ type: 'step-started', stepId: 'ssis-env', attempt: 1 });
  b.wait(1200).add({ type: 'artifact', stepId: 'ssis-env', artifact: { kind: 'ssis-environment', name: 'Production', action: 'unchanged' } });
  b.add({ type: 'artifact', stepId: 'ssis-env', artifact: { kind: 'ssis-variable', name: 'SourceConnection', action: 'updated' } });
  b.add({ type: 'artifact', stepId: 'ssis-env', artifact: { kind: 'ssis-variable', name: 'EtlPassword', action: 'created', detail: 'sensitive' } });
  b.add({ type: 'artifact', stepId: 'ssis-env', artifact: { kind: 'ssis-reference', name: 'PatientFlowETL → Production', action: 'unchanged' } });
  b.add({ type: 'warning', stepId: 'ssis-env', message: 'Environment variable LegacyExportPath is no longer used by the project; it was left in place.' });
  return b.wait(300).add({ type: 'step-finished', stepId: 'ssis-env', attempt: 1, outcome: 'succeeded', durationMs: 1_500 });
}

function manualStep(b: JournalBuilder): JournalBuilder {
  b.wait(300).add({ type: 'step-started', stepId: 'verify', attempt: 1 });
  b.wait(95_000).log('Operator confirmed: dashboard loads, 412 beds listed', 'verify', 'info', 'manual');
  b.add({ type: 'artifact', stepId: 'verify', artifact: { kind: 'other', name: 'Manual confirmation', action: 'confirmed', detail: 'Dashboard loads, 412 beds listed' } });
  return b.add({ type: 'step-finished', stepId: 'verify', attempt: 1, outcome: 'succeeded', durationMs: 95_000 });
}

/** A complete, successful run: SQL scripts, an SSIS project, an SSIS environment and a manual check. */
export function successfulJournal(opts: { leakSecret?: boolean; secretInLog?: boolean } = {}): JournalEvent[] {
  const b = new JournalBuilder();
  started(b, opts);
  b.wait(2000);
  preflight(b);
  sqlStep(b, opts.secretInLog);
  ssisStep(b);
  envStep(b);
  manualStep(b);
  b.wait(200).add({ type: 'deployment-finished', outcome: 'succeeded', durationMs: 152_000 });
  return b.events;
}

/** SQL fails on the first attempt, the operator retries (success); the SSIS step fails and is skipped with a reason. */
export function failedRetrySkipJournal(): JournalEvent[] {
  const b = new JournalBuilder();
  started(b);
  b.wait(2000);
  preflight(b);
  b.wait(1000).add({ type: 'step-started', stepId: 'db-schema', attempt: 1 });
  b.wait(3000).log('Running 0001-create-bed-tables.sql', 'db-schema', 'info', 'sql');
  b.wait(30_000).log('Lock request time out period exceeded on dbo.Ward', 'db-schema', 'error', 'sql');
  b.add({
    type: 'step-finished',
    stepId: 'db-schema',
    attempt: 1,
    outcome: 'failed',
    durationMs: 33_000,
    error: { code: 'SQL_BATCH_FAILED', message: '0001-create-bed-tables.sql batch 2 (line 14): Lock request time out period exceeded.', hint: 'Another session holds a lock on dbo.Ward; wait for it to finish, then retry.' },
  });
  b.wait(45_000).add({ type: 'decision', stepId: 'db-schema', decision: 'retry', by: 'Jana de Vries', reason: 'Nightly index job finished' });
  b.add({ type: 'step-started', stepId: 'db-schema', attempt: 2 });
  b.wait(4000).add({ type: 'artifact', stepId: 'db-schema', artifact: { kind: 'script', name: '0001-create-bed-tables.sql', action: 'applied', sha256: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90' } });
  b.add({ type: 'step-finished', stepId: 'db-schema', attempt: 2, outcome: 'succeeded', durationMs: 4_000 });
  b.wait(500).add({ type: 'step-started', stepId: 'ssis-etl', attempt: 1 });
  b.wait(6000).log('catalog.deploy_project failed: The SSIS folder does not exist.', 'ssis-etl', 'error', 'ssis');
  b.add({
    type: 'step-finished',
    stepId: 'ssis-etl',
    attempt: 1,
    outcome: 'failed',
    durationMs: 6_000,
    error: { code: 'SSIS_FOLDER_MISSING', message: 'SSISDB folder "PatientFlow" does not exist on smh-sql01.', hint: 'Create the folder or let the step create it (createFolder: true).' },
  });
  b.wait(20_000).add({ type: 'decision', stepId: 'ssis-etl', decision: 'skip', by: 'Jana de Vries', reason: 'ETL is deployed by the BI team separately (change CHG-1182)' });
  b.wait(300).add({ type: 'step-started', stepId: 'ssis-env', attempt: 1 });
  b.wait(1000).add({ type: 'step-finished', stepId: 'ssis-env', attempt: 1, outcome: 'skipped', durationMs: 0 });
  b.add({ type: 'warning', message: 'Step 3 depends on step 2, which was skipped; it was skipped too.' });
  b.wait(300).add({ type: 'step-started', stepId: 'verify', attempt: 1 });
  b.wait(30_000).add({ type: 'step-finished', stepId: 'verify', attempt: 1, outcome: 'succeeded', durationMs: 30_000 });
  b.add({ type: 'deployment-finished', outcome: 'succeeded', durationMs: 143_000 });
  return b.events;
}

/** The machine went away in the middle of the SSIS step: no step-finished, no deployment-finished. */
export function interruptedJournal(): JournalEvent[] {
  const b = new JournalBuilder();
  started(b);
  b.wait(2000);
  preflight(b);
  sqlStep(b);
  b.wait(800).add({ type: 'step-started', stepId: 'ssis-etl', attempt: 1 });
  b.wait(2000).log('Reading PatientFlowETL.ispac (1.8 MB)', 'ssis-etl');
  b.wait(500).add({ type: 'cancel-requested', mode: 'graceful', by: 'Jana de Vries' });
  b.wait(3000).log('Waiting for catalog.deploy_project to return…', 'ssis-etl');
  return b.events;
}
