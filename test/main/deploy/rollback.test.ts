import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../common/journal-events';
import { loadRollback, rollbackDeployment } from '../../../main/deploy/rollback';
import { runCliInProcess } from '../../support/cli-in-process';
import { ALL_SECRETS, filesContaining, journalOf, openSampleWorld, releaseOpened, TENANT, type OpenedForTest } from './deploy-fixture';

/**
 * Rollback on the TDS double: the sample drop is deployed (backup of CDH_Staging, SSIS version
 * recorded), the SSIS project is redeployed so there is a version to go back to, then rolled back.
 */

const opened: OpenedForTest = {};
afterEach(() => releaseOpened(opened));

async function deployTwice() {
  const { double, world } = await openSampleWorld(opened, 'dr-rollback');
  const first = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', confirmManualChecks: true });
  expect((await world.manager.wait(first.deploymentId)).state).toBe('succeeded');
  const v1 = double.ssisdb.catalog.projects[0]!.object_version_lsn;
  // A second deployment of changed bytes: the catalog now has a newer version, and the journal records v1 as the one to return to.
  double.ssisdb.catalog.projects[0]!.stream = Buffer.from('older bytes');
  const second = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', confirmManualChecks: true });
  expect((await world.manager.wait(second.deploymentId)).state).toBe('succeeded');
  return { double, world, v1, deploymentId: second.deploymentId };
}

const artifacts = (events: JournalEvent[], kind: string) => events.flatMap((e) => (e.type === 'artifact' && e.artifact.kind === kind ? [e.artifact] : []));

describe('rollback', () => {
  it('records the SSIS version before deploy_project; rollback --step ssis-feeds --yes calls catalog.restore_project with it and is its own deployment record', async () => {
    const { double, world, v1, deploymentId } = await deployTwice();
    const [point] = artifacts(journalOf(world.dataDir, deploymentId), 'ssis-rollback-point');
    expect(point!.restore).toMatchObject({ folder: 'ClinicalDataHub', objectVersionLsn: String(v1), deployedBy: 'SBRH\\svc_deploy' });
    expect(double.ssisdb.catalog.projects[0]!.object_version_lsn).not.toBe(v1);

    const result = await rollbackDeployment({ dataDir: world.dataDir, drops: world.drops, tenants: world.tenants, deploymentId, stepId: 'ssis-feeds', yes: true, operator: 'Jana' });
    expect(result.outcome).toBe('succeeded');
    const call = double.server.recordsOf('rpc').filter((r) => /restore_project/i.test(r.procedure)).at(-1)!;
    expect(call.params.map((p) => [p.name, p.value])).toEqual([['@folder_name', 'ClinicalDataHub'], ['@project_name', point!.restore!.project], ['@object_version_lsn', v1]]);
    expect(double.ssisdb.catalog.projects[0]!.object_version_lsn).toBe(v1);

    const record = journalOf(world.dataDir, result.rollbackId);
    expect(record[0]).toMatchObject({ type: 'deployment-started', rollbackOf: deploymentId, steps: [{ id: 'ssis-feeds', type: 'rollback-ssis' }] });
    expect(record.at(-1)).toMatchObject({ type: 'deployment-finished', outcome: 'succeeded' });
    expect(artifacts(record, 'rollback')).toEqual([expect.objectContaining({ action: 'restored', detail: expect.stringContaining(`version ${v1}`) })]);
    expect(world.manager.history().some((d) => d.deploymentId === result.rollbackId)).toBe(true);
    expect(filesContaining(world.dataDir, ALL_SECRETS)).toEqual([]);
  });

  it('a database restore needs the typed name (or --yes): not typed → aborted, nothing restored; typed → SINGLE_USER, RESTORE WITH REPLACE, MULTI_USER, journaled', async () => {
    const { double, world, deploymentId } = await deployTwice();
    const [backup] = artifacts(journalOf(world.dataDir, deploymentId), 'backup');
    expect(backup!.restore).toMatchObject({ database: 'CDH_Staging', verified: true });

    const refused = await rollbackDeployment({ dataDir: world.dataDir, drops: world.drops, tenants: world.tenants, deploymentId, stepId: 'staging-db', confirmDatabase: async () => false, operator: 'Jana' });
    expect(refused.outcome).toBe('aborted');
    expect(double.server.backups.operations.some((o) => o.kind === 'restore' || o.kind === 'single-user')).toBe(false);
    expect(journalOf(world.dataDir, refused.rollbackId).some((e) => e.type === 'decision' && e.decision === 'abort')).toBe(true);

    const asked: string[] = [];
    const done = await rollbackDeployment({ dataDir: world.dataDir, drops: world.drops, tenants: world.tenants, deploymentId, stepId: 'staging-db', confirmDatabase: async (db) => (asked.push(db), true), operator: 'Jana' });
    expect(asked).toEqual(['CDH_Staging']);
    expect(done.outcome).toBe('succeeded');
    expect(double.server.backups.operations.filter((o) => o.kind !== 'backup' && o.kind !== 'verify').map((o) => [o.kind, o.database, o.ok, o.disk ?? ''])).toEqual([
      ['single-user', 'CDH_Staging', true, ''],
      ['restore', 'CDH_Staging', true, backup!.restore!.disk],
      ['multi-user', 'CDH_Staging', true, ''],
    ]);
    expect(artifacts(journalOf(world.dataDir, done.rollbackId), 'rollback')).toHaveLength(1);
  });

  it('--script-only writes the exact T-SQL and changes nothing; an unknown step is exit 2', async () => {
    const { double, world, deploymentId } = await deployTwice();
    const before = double.server.records.length;
    const run = await runCliInProcess(['rollback', deploymentId, '--script-only'], { dataDir: world.dataDir });
    expect(run.code).toBe(0);
    const { targets } = await loadRollback({ dataDir: world.dataDir, drops: world.drops, tenants: world.tenants, deploymentId });
    const disk = targets.find((t) => t.kind === 'database')!.point.disk!;
    expect(run.stdout).toContain(`ALTER DATABASE [CDH_Staging] SET SINGLE_USER WITH ROLLBACK IMMEDIATE\nGO\nRESTORE DATABASE [CDH_Staging] FROM DISK = N'${disk}' WITH REPLACE, STATS = 10\nGO\nALTER DATABASE [CDH_Staging] SET MULTI_USER`);
    expect(run.stdout).toMatch(/EXEC \[SSISDB\]\.\[catalog\]\.\[restore_project\] @folder_name = N'ClinicalDataHub', @project_name = N'[^']+', @object_version_lsn = \d+;/);
    expect(double.server.records.length).toBe(before);
    const bad = await runCliInProcess(['rollback', deploymentId, '--step', 'nope', '--script-only'], { dataDir: world.dataDir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error INVALID_ARGUMENTS');
  });
});

describe('back-out plan', () => {
  it('the change request says what will be backed up where, its size, the SSIS version to return to and the commands; the report names the file, size and verification', async () => {
    const { double, world, deploymentId } = await deployTwice();
    // Changed bytes in the catalog again, so the plan redeploys and names the version to return to.
    const current = double.ssisdb.catalog.projects[0]!.object_version_lsn;
    double.ssisdb.catalog.projects[0]!.stream = Buffer.from('older bytes');
    const { html: before } = await world.manager.changeRequestHtml(world.drop.id, TENANT, { preparedBy: 'Jana' });
    const text = before.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Back-out plan');
    expect(text).toMatch(/Database CDH_Staging Backup COPY_ONLY, CHECKSUM, compressed, verified with RESTORE VERIFYONLY … WITH CHECKSUM/);
    expect(text).toContain('Folder (on the SQL Server machine) C:\\Program Files\\Microsoft SQL Server\\MSSQL16.MSSQLSERVER\\MSSQL\\Backup\\');
    expect(text).toMatch(/Expected size 2\.5 MB at most/);
    expect(text).toContain('RESTORE DATABASE [CDH_Staging] FROM DISK');
    expect(text).toContain(`object_version_lsn ${current}`);
    expect(text).toMatch(/CDH_Staging is covered by the backup taken before step staging-db ?; no second backup\./);
    expect(text).toContain('CDH_Staging_DropRunner_&lt;UTC time&gt;_&lt;deployment&gt;.bak');

    const { buildReportModel } = await import('../../../main/report/report-model');
    const { renderReportHtml } = await import('../../../main/report/render-html');
    const model = buildReportModel(journalOf(world.dataDir, deploymentId));
    const [backup] = model.backOut.backups;
    expect(backup).toMatchObject({ stepId: 'staging-db', database: 'CDH_Staging', verified: true, bytes: 322 * 8192 });
    expect(model.backOut.ssisVersions[0]).toMatchObject({ stepId: 'ssis-feeds', versionLsn: expect.stringMatching(/^\d+$/) });
    const after = renderReportHtml(model).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(after).toContain('Back-out plan — what was kept');
    expect(after).toContain(`File written ${backup!.file}`);
    expect(after).toContain('Checksum verification RESTORE VERIFYONLY … WITH CHECKSUM: valid');
    expect(after).toContain(`drop-runner rollback ${deploymentId} --step staging-db`);
  });
});

describe('rollback requests (the Report screen)', () => {
  it('rollback.targets lists what was recorded; rollback.run restores a database only when its exact name is typed', async () => {
    const { Redactor } = await import('../../../main/variables/redactor');
    const { rollbackHandlers } = await import('../../../main/handlers/rollback-handlers');
    const { double, world, deploymentId } = await deployTwice();
    const settings = { get: () => 'Jana' };
    const ctx = { dataDir: world.dataDir, drops: world.drops, tenants: world.tenants, settings, redactor: new Redactor() } as unknown as Parameters<typeof rollbackHandlers>[0];
    const h = rollbackHandlers(ctx);
    const { targets } = await h['rollback.targets']({ deploymentId });
    expect(targets.map((t) => [t.kind, t.stepId, t.label])).toEqual([
      ['ssis', 'ssis-feeds', expect.stringMatching(/^ClinicalDataHub\//)],
      ['database', 'staging-db', 'CDH_Staging'],
    ]);
    const nearMiss = await h['rollback.run']({ deploymentId, stepId: 'staging-db', confirmDatabase: 'cdh_staging' });
    expect(nearMiss.outcome).toBe('aborted');
    expect(double.server.backups.operations.some((o) => o.kind === 'restore')).toBe(false);
    const typed = await h['rollback.run']({ deploymentId, stepId: 'staging-db', confirmDatabase: 'CDH_Staging' });
    expect(typed).toMatchObject({ outcome: 'succeeded', detail: expect.stringContaining('CDH_Staging: restored') });
    expect(journalOf(world.dataDir, typed.rollbackId)[0]).toMatchObject({ type: 'deployment-started', rollbackOf: deploymentId, operator: 'Jana' });
  });
});
