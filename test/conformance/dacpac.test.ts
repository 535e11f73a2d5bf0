/**
 * Conformance kit: the dacpac step with Microsoft's own SqlPackage against a real SQL Server. The kit
 * extracts a .dacpac from a database it creates, then plans (DeployReport) and publishes it into a
 * second, empty database through the deployment manager, and reads the result back with queries.
 * It needs both a real server (the TDS double has no schema engine for SqlPackage to read) and
 * SqlPackage; without either it is skipped with the reason in its title. The step's command-line
 * contract is also covered on every machine with a stand-in (test/main/steps/step-executors.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlSession } from '../../main/sql/connect';
import type { SqlConnectionSettings } from '../../main/sql/connection-settings';
import { findSqlPackage } from '../../main/steps/dacpac/find-sqlpackage';
import { journalOf } from '../main/deploy/deploy-fixture';
import { stepWorld, TENANT } from '../main/steps/step-fixture';
import { chooseSqlTarget, openSqlTarget, type SqlTarget } from '../support/real-target/sql-target';

const choice = chooseSqlTarget();
const sqlPackage = findSqlPackage();
const skip = choice.skip ?? (choice.kind === 'double' ? 'SqlPackage needs a real SQL Server (set DROP_RUNNER_TEST_SQL)' : !sqlPackage ? 'SqlPackage was not found (dotnet tool install -g microsoft.sqlpackage)' : undefined);

/** The kit's connection string pointed at another database (SqlPackage reads the same string). */
function connectionStringFor(database: string): string {
  const without = (choice.connectionString ?? '')
    .split(';')
    .filter((part) => part.trim() && !/^\s*(database|initial catalog)\s*=/i.test(part))
    .join(';');
  return `${without};Initial Catalog=${database}`;
}

describe.skipIf(Boolean(skip))(`dacpac [real target]${skip ? ` — skipped: ${skip}` : ''}`, () => {
  let target: SqlTarget;
  let source: SqlConnectionSettings;
  let work: string;
  let dacpac: Buffer;

  beforeAll(async () => {
    target = await openSqlTarget(choice);
    work = mkdtempSync(path.join(tmpdir(), 'dr-kit-dacpac-'));
    source = await target.newDatabase();
    await target.query(source, 'SELECT 1 AS ok');
    const session = await openSqlSession(source);
    try {
      await session.batch('CREATE TABLE dbo.Ward (id int NOT NULL CONSTRAINT PK_Ward PRIMARY KEY, name nvarchar(50) NULL)');
      await session.batch('CREATE TABLE dbo.Admission (id int NOT NULL CONSTRAINT PK_Admission PRIMARY KEY, ward int NOT NULL)');
    } finally {
      await session.close();
    }
    const file = path.join(work, 'Staging.dacpac');
    const extract = spawnSync(sqlPackage!, ['/Action:Extract', `/SourceConnectionString:${connectionStringFor(source.database!)}`, `/TargetFile:${file}`, '/p:ExtractAllTableData=false'], { encoding: 'utf8', timeout: 300_000 });
    if (extract.status !== 0) throw new Error(`SqlPackage /Action:Extract failed (${extract.status}): ${extract.stdout}\n${extract.stderr}`);
    dacpac = readFileSync(file);
  }, 600_000);
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await target?.close();
  });

  const overrides = {
    variables: [{ name: 'Conn', label: 'Connection', type: 'connection-string', required: true, sensitive: true }],
    steps: [{ id: 'schema', name: 'Publish the schema', type: 'dacpac', package: 'db', settings: { connection: '#{Conn}', dacpac: 'Staging.dacpac' } }],
  };

  it('plans an empty database with DeployReport: both tables are created', async () => {
    const empty = await target.newDatabase();
    const world = await stepWorld(mkdtempSync(path.join(work, 'plan-')), { 'db/Staging.dacpac': dacpac }, overrides, { Conn: connectionStringFor(empty.database!) });
    const plan = await world.manager.plan(world.drop.id, TENANT);
    expect(plan.steps[0]!.dryRun.error).toBeUndefined();
    expect(plan.steps[0]!.dryRun.items).toEqual(expect.arrayContaining([expect.objectContaining({ label: '[dbo].[Ward]', action: 'create' }), expect.objectContaining({ label: '[dbo].[Admission]', action: 'create' })]));
  }, 600_000);

  it('publishes into an empty database; the tables exist afterwards and a second plan has nothing to do', async () => {
    const empty = await target.newDatabase();
    const world = await stepWorld(mkdtempSync(path.join(work, 'publish-')), { 'db/Staging.dacpac': dacpac }, overrides, { Conn: connectionStringFor(empty.database!) });
    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Kit', onFailure: { kind: 'fail' } });
    const final = await world.manager.wait(deploymentId);
    const finished = journalOf(world.dataDir, deploymentId).find((e) => e.type === 'step-finished');
    expect(final.state, JSON.stringify(finished)).toBe('succeeded');
    const rows = await target.query(empty, "SELECT OBJECT_ID(N'dbo.Ward') AS ward, OBJECT_ID(N'dbo.Admission') AS admission");
    expect(rows[0]!.ward).not.toBeNull();
    expect(rows[0]!.admission).not.toBeNull();
    const again = await world.manager.plan(world.drop.id, TENANT);
    expect(again.steps[0]!.dryRun.items ?? []).toEqual([]);
  }, 600_000);

  it('a publish that cannot succeed (data loss blocked) fails the step with DACPAC_PUBLISH_FAILED', async () => {
    const busy = await target.newDatabase();
    const session = await openSqlSession(busy);
    try {
      // A table the dacpac does not know, with a row: SqlPackage blocks on possible data loss by default.
      await session.batch('CREATE TABLE dbo.Ward (id int NOT NULL CONSTRAINT PK_Ward PRIMARY KEY, name nvarchar(50) NULL, extra nvarchar(10) NULL)');
      await session.batch("INSERT INTO dbo.Ward (id, name, extra) VALUES (1, N'East', N'x')");
    } finally {
      await session.close();
    }
    const world = await stepWorld(mkdtempSync(path.join(work, 'blocked-')), { 'db/Staging.dacpac': dacpac }, overrides, { Conn: connectionStringFor(busy.database!) });
    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Kit', onFailure: { kind: 'fail' } });
    expect((await world.manager.wait(deploymentId)).state).toBe('failed');
    expect(journalOf(world.dataDir, deploymentId).find((e) => e.type === 'step-finished')).toMatchObject({ outcome: 'failed', error: { code: 'DACPAC_PUBLISH_FAILED' } });
  }, 600_000);
});
