import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../common/journal-events';
import type { PendingDecisionView } from '../../../main/deploy/deployment-manager';
import type { DeploymentManager } from '../../../main/deploy/deployment-manager';
import { ALL_SECRETS, filesContaining, journalOf, openSampleWorld, releaseOpened, SQL_LOGIN, story, TENANT, WIN, type OpenedForTest } from '../deploy/deploy-fixture';
import { cleanup, scratch } from '../deploy/deploy-fixture';
import { startTdsServer, type TdsServer } from '../../support/tds-server/index';
import { stepWorld, TENANT as STEP_TENANT } from './step-fixture';

/**
 * Backups before change on the TDS double: the sample drop's staging-db step backs CDH_Staging up
 * (COPY_ONLY, CHECKSUM, verified) before its first script; a failing backup stops the step before
 * any script and asks the operator; two steps on one database share one backup.
 */

const opened: OpenedForTest = {};
afterEach(() => releaseOpened(opened));

const artifacts = (events: JournalEvent[], kind: string) => events.flatMap((e) => (e.type === 'artifact' && e.artifact.kind === kind ? [e.artifact] : []));
const logs = (events: JournalEvent[], stepId: string) => events.flatMap((e) => (e.type === 'log' && e.stepId === stepId ? [e.message] : []));

function nextPending(manager: DeploymentManager): Promise<{ deploymentId: string; pending: PendingDecisionView }> {
  return new Promise((resolve) => {
    const off = manager.onEvent((name, payload) => {
      if (name === 'deployment-state' && 'state' in payload && payload.state === 'awaiting-decision' && payload.pendingDecision) {
        off();
        resolve({ deploymentId: payload.deploymentId, pending: payload.pendingDecision });
      }
    });
  });
}

/** Starts the sample drop, confirms its manual check (the first step), and returns the next pending decision. */
async function startPastManualCheck(manager: DeploymentManager): Promise<{ deploymentId: string; pending: PendingDecisionView }> {
  const first = nextPending(manager);
  const { deploymentId } = await manager.start({ dropId: opened.world!.drop.id, tenantId: TENANT, operator: 'Jana' });
  const check = await first;
  expect(check.pending.kind).toBe('confirm');
  const second = nextPending(manager);
  manager.decide(deploymentId, check.pending.stepId, 'confirm', undefined, 'Jana');
  return { deploymentId, pending: (await second).pending };
}

describe('backups before change (sample drop on the double)', () => {
  it('backs up, verifies, then runs the first script; the journal names the file, its size and the verification', async () => {
    const { double, world } = await openSampleWorld(opened, 'dr-backup');
    const plan = await world.manager.plan(world.drop.id, TENANT);
    const staging = plan.steps.find((s) => s.id === 'staging-db')!;
    expect(staging.dryRun.items[0]).toMatchObject({ label: 'Backup of CDH_Staging', action: 'will back up first (COPY_ONLY, verified)' });
    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', confirmManualChecks: true });
    expect((await world.manager.wait(deploymentId)).state).toBe('succeeded');

    const batches = double.server.recordsOf('batch').map((b) => b.text);
    const backupAt = batches.findIndex((t) => /^BACKUP DATABASE \[CDH_Staging\] TO DISK = N'.*\\CDH_Staging_DropRunner_\d{8}-\d{6}_\w+\.bak' WITH COPY_ONLY, CHECKSUM, INIT, COMPRESSION, STATS = 10$/.test(t));
    const verifyAt = batches.findIndex((t) => t.startsWith('RESTORE VERIFYONLY FROM DISK') && t.endsWith('WITH CHECKSUM'));
    // The first change a script makes (DDL, or the journal-table row of an applied script); plan reads before are not changes.
    const firstScriptAt = double.server.records.findIndex((r) => (r.kind === 'batch' && /\b(CREATE|ALTER)\s+(TABLE|SCHEMA|VIEW|PROCEDURE)\b/i.test(r.text)) || (r.kind === 'rpc' && /INSERT INTO \[cdh\]\.\[SchemaVersions\]/i.test(r.sql ?? '')));
    const seqOf = (text: string) => double.server.recordsOf('batch').find((b) => b.text === text)!.seq;
    expect(backupAt).toBeGreaterThanOrEqual(0);
    expect(verifyAt).toBeGreaterThan(backupAt);
    expect(seqOf(batches[verifyAt]!)).toBeLessThan(double.server.records[firstScriptAt]!.seq);
    expect(double.server.backups.operations.map((o) => [o.kind, o.database, o.ok])).toEqual([
      ['backup', 'CDH_Staging', true],
      ['verify', 'CDH_Staging', true],
    ]);

    const events = journalOf(world.dataDir, deploymentId);
    const [backup] = artifacts(events, 'backup');
    expect(backup).toMatchObject({ action: 'written and verified', restore: { database: 'CDH_Staging', verified: true } });
    expect(backup!.name).toMatch(/CDH_Staging_DropRunner_.*\.bak$/);
    expect(backup!.detail).toContain('The backup set on file 1 is valid.');
    expect(logs(events, 'staging-db')).toEqual(expect.arrayContaining(['10 percent processed.', '100 percent processed.', expect.stringMatching(/^BACKUP DATABASE successfully processed/)]));
    expect(filesContaining(world.dataDir, ALL_SECRETS)).toEqual([]);
  });

  it('a failing backup (3201) stops the step before any script; skip with a reason runs it and journals the reason', async () => {
    const { double, world } = await openSampleWorld(opened, 'dr-backup-fail');
    double.server.backups.scenario.failBackup = { error: 3201 };
    const { deploymentId, pending: p } = await startPastManualCheck(world.manager);
    // Asked as a failed backup, not as a manual check: the UI and the terminal word it so (skip = run WITHOUT a backup).
    expect(p).toMatchObject({ stepId: 'staging-db', kind: 'confirm', about: 'backup-failed', error: { code: 'BACKUP_FAILED', hint: expect.stringContaining('WITHOUT') } });
    expect(p.error.message).toContain("Cannot open backup device");
    expect(p.error.message).toContain('3013');
    // Nothing of the step's own work reached the server: no journal table, no script.
    expect(double.server.records.some((r) => (r.kind === 'batch' ? r.text : r.kind === 'rpc' ? (r.sql ?? '') : '').match(/SchemaVersions|CREATE SCHEMA/i))).toBe(false);
    const last = nextPending(world.manager);
    world.manager.decide(deploymentId, 'staging-db', 'skip', 'Hospital DBA took a full backup at 07:50 (ticket 4411)', 'Jana');
    // transforms changes the same database: the skip holds for it too (no backup half-way through). Then the closing manual check.
    const { pending: closing } = await last;
    expect(closing.stepId).toBe('resume-interface-engine');
    world.manager.decide(deploymentId, closing.stepId, 'confirm', undefined, 'Jana');
    const summary = await world.manager.wait(deploymentId);
    expect(summary.state).toBe('succeeded');
    const events = journalOf(world.dataDir, deploymentId);
    // The skipped backup names its database, so a resume in a new process does not take one half-way either.
    expect(artifacts(events, 'backup')).toEqual([expect.objectContaining({ action: 'skipped', detail: expect.stringContaining('ticket 4411'), restore: expect.objectContaining({ database: 'CDH_Staging' }) })]);
    expect(double.server.backups.operations.filter((o) => o.kind === 'backup')).toHaveLength(1);
    expect(logs(events, 'transforms').some((l) => l.includes('backup was skipped earlier in this deployment'))).toBe(true);
    expect(events.some((e) => e.type === 'warning' && e.message.includes('ticket 4411'))).toBe(true);
  });

  it('retry (the same as confirm here) retries the backup: the second attempt writes and verifies, then the scripts run', async () => {
    const { double, world } = await openSampleWorld(opened, 'dr-backup-retry');
    double.server.backups.scenario.failBackup = { error: 3013, osError: 112 };
    const { deploymentId, pending: p } = await startPastManualCheck(world.manager);
    expect(p.error.message).toContain('There is not enough space on the disk');
    const last = nextPending(world.manager);
    world.manager.decide(deploymentId, 'staging-db', 'retry', undefined, 'Jana');
    const closing = (await last).pending;
    // A manual check has nothing to retry: still refused there.
    expect(() => world.manager.decide(deploymentId, closing.stepId, 'retry', undefined, 'Jana')).toThrow(/manual check/);
    world.manager.decide(deploymentId, closing.stepId, 'confirm', undefined, 'Jana');
    expect((await world.manager.wait(deploymentId)).state).toBe('succeeded');
    expect(double.server.backups.operations.map((o) => [o.kind, o.ok])).toEqual([['backup', false], ['backup', true], ['verify', true]]);
    const events = journalOf(world.dataDir, deploymentId);
    expect(artifacts(events, 'backup')).toEqual([expect.objectContaining({ action: 'written and verified' })]);
    expect(logs(events, 'staging-db')).toEqual(expect.arrayContaining(['10 percent processed.', '30 percent processed.', expect.stringMatching(/^The backup before change failed: BACKUP_FAILED: 3203/)]));
  });

  it('abort after a failed verification: the deployment is aborted and no script ran', async () => {
    const { double, world } = await openSampleWorld(opened, 'dr-backup-abort');
    double.server.backups.scenario.failVerify = true;
    const { deploymentId, pending: p } = await startPastManualCheck(world.manager);
    expect(p.error.message).toContain('3189');
    // After the abort, the sample drop's always-run clean-up check (resume the interface engine) still asks.
    const cleanup = nextPending(world.manager);
    world.manager.decide(deploymentId, 'staging-db', 'abort', undefined, 'Jana');
    expect((await cleanup).pending).toMatchObject({ stepId: 'resume-interface-engine', kind: 'confirm' });
    world.manager.decide(deploymentId, 'resume-interface-engine', 'confirm', undefined, 'Jana');
    expect((await world.manager.wait(deploymentId)).state).toBe('aborted');
    expect(story(journalOf(world.dataDir, deploymentId)).at(-1)).toBe('finished aborted');
    expect(double.server.records.some((r) => r.kind === 'rpc' && /SchemaVersions/i.test(r.sql ?? ''))).toBe(false);
  });
});

describe('one backup per database per deployment', () => {
  let server: TdsServer | undefined;
  let root: string | undefined;
  afterEach(async () => {
    await server?.close();
    if (root) cleanup(root);
  });

  it('preflight: BACKUP DATABASE denied fails, too little free space on the backup volume warns', async () => {
    server = await startTdsServer({ logins: [SQL_LOGIN], backup: { deniedBackup: [SQL_LOGIN.user], pages: { Wards: 1_000_000 }, volume: { mountPoint: 'D:\\', totalBytes: 10 * 2 ** 30, availableBytes: 2 * 2 ** 30 } } });
    root = scratch('dr-backup-preflight');
    const conn = `Server=127.0.0.1,${server.port};Database=Wards;User Id=${SQL_LOGIN.user};Password=${SQL_LOGIN.password};Encrypt=False`;
    const world = await stepWorld(root, { 'one/001.sql': 'SELECT 1;\n' }, {
      variables: [{ name: 'Conn', label: 'Connection', type: 'connection-string', required: true, sensitive: true }],
      steps: [{ id: 'first', name: 'First', type: 'sql-scripts', package: 'one', settings: { connection: '#{Conn}', backupFolder: 'D:\\Backups' } }],
    }, { Conn: conn });
    try {
      const preflight = await world.manager.preflight(world.drop.id, STEP_TENANT);
      expect(preflight.checks.find((c) => c.id === 'first:backup-permission')).toMatchObject({ status: 'fail', hint: expect.stringContaining('db_backupoperator') });
      expect(preflight.checks.find((c) => c.id === 'first:backup-space')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/holds at most 7812\.5 MB; D:\\ has 2048\.0 MB free/) });
      expect(preflight.blocked).toBe(true);
    } finally {
      await world.manager.close();
    }
  });

  it('two sql-scripts steps on the same database: one BACKUP, the second step logs that it was already backed up', async () => {
    server = await startTdsServer({ logins: [SQL_LOGIN], windowsUsers: [WIN] });
    root = scratch('dr-backup-two');
    const conn = `Server=127.0.0.1,${server.port};Database=Wards;User Id=${SQL_LOGIN.user};Password=${SQL_LOGIN.password};Encrypt=False`;
    const files = { 'one/001.sql': 'CREATE TABLE dbo.A (Id int);\n', 'two/001.sql': 'CREATE TABLE dbo.B (Id int);\n' };
    const world = await stepWorld(root, files, {
      variables: [{ name: 'Conn', label: 'Connection', type: 'connection-string', required: true, sensitive: true }],
      steps: [
        { id: 'first', name: 'First', type: 'sql-scripts', package: 'one', settings: { connection: '#{Conn}', backupFolder: 'D:\\Backups\\DropRunner' } },
        { id: 'second', name: 'Second', type: 'sql-scripts', package: 'two', settings: { connection: '#{Conn}', backupFolder: 'D:\\Backups\\DropRunner' } },
      ],
    }, { Conn: conn });
    try {
      const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: STEP_TENANT, operator: 'Jana', confirmManualChecks: true });
      expect((await world.manager.wait(deploymentId)).state).toBe('succeeded');
      expect(server.backups.operations.filter((o) => o.kind === 'backup').map((o) => o.disk)).toEqual([expect.stringMatching(/^D:\\Backups\\DropRunner\\Wards_DropRunner_.*\.bak$/)]);
      const events = journalOf(world.dataDir, deploymentId);
      expect(logs(events, 'second').some((l) => l.startsWith('Wards was already backed up in this deployment'))).toBe(true);
      expect(artifacts(events, 'backup')).toHaveLength(1);
    } finally {
      await world.manager.close();
    }
  });
});
