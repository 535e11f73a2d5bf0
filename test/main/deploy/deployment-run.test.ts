import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, deployWorld, filesContaining, journalOf, scratch, startDeployDouble, story, tenantValues, ALL_SECRETS, TENANT, type DeployDouble, type DeployWorld } from './deploy-fixture';

let double: DeployDouble;
let root: string;
let world: DeployWorld;

beforeEach(async () => {
  double = await startDeployDouble();
  root = scratch('dr-run');
  world = await deployWorld(tenantValues(double.server.port), root);
});
afterEach(async () => {
  await world.manager.close();
  await double.server.close();
  cleanup(root);
});

const scriptBatches = () => double.server.recordsOf('rpc').filter((r) => /INSERT INTO \[cdh\]\.\[SchemaVersions\]/i.test(r.sql ?? '')).map((r) => r.params.find((p) => p.name === '@ScriptName')?.value);

describe('a deployment of the sample drop on the TDS double', () => {
  it('succeeds: every step in order, the journal complete and redacted, the tenant history updated', async () => {
    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', confirmManualChecks: true, onFailure: { kind: 'fail' } });
    const summary = await world.manager.wait(deploymentId);
    const events = journalOf(world.dataDir, deploymentId);
    expect(story(events)).toEqual([
      'started',
      'start pause-interface-engine#1',
      'finish pause-interface-engine#1 succeeded',
      'start staging-db#1',
      'finish staging-db#1 succeeded',
      'start transforms#1',
      'finish transforms#1 succeeded',
      'start ssis-feeds#1',
      'finish ssis-feeds#1 succeeded',
      'start resume-interface-engine#1',
      'finish resume-interface-engine#1 succeeded',
      'finished succeeded',
    ]);
    expect(summary.state).toBe('succeeded');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // The machine's clock is recorded so the report can say what local time its UTC times were.
    const started = events[0]!;
    expect(started.type === 'deployment-started' && started.clock).toEqual({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, utcOffsetMinutes: -new Date().getTimezoneOffset() || 0 });
    expect(scriptBatches()).toEqual(['001_create_schema.sql', '002_tables.sql', '003_seed_reference.sql']);
    expect(double.ssisdb.catalog.folders.map((f) => f.name)).toContain('ClinicalDataHub');
    expect(world.tenants.history(TENANT).at(-1)).toMatchObject({ deploymentId, outcome: 'succeeded', release: { version: '2.4.0' } });
    expect(world.manager.history(TENANT)[0]).toMatchObject({ deploymentId, state: 'succeeded', release: '2.4.0' });
    expect(filesContaining(path.join(world.dataDir), ALL_SECRETS)).toEqual([]);
  });
});
