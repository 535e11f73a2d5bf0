import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PendingDecisionView } from '../../../main/deploy/deployment-manager';
import { cleanup, deployWorld, journalOf, scratch, startDeployDouble, story, tenantValues, TENANT, type DeployDouble, type DeployWorld } from './deploy-fixture';

let double: DeployDouble;
let root: string;
let world: DeployWorld;

beforeEach(async () => {
  double = await startDeployDouble();
  root = scratch('dr-guided');
  world = await deployWorld(tenantValues(double.server.port), root);
});
afterEach(async () => {
  await world.manager.close();
  await double.server.close();
  cleanup(root);
});

/** Makes the LabResult batch of 002_tables.sql fail (a deadlock) the given number of times. */
function failLabResultTable(times?: number) {
  double.server.addResponder({ name: 'deadlock', batch: /CREATE TABLE cdh\.LabResult/i, ...(times ? { times } : {}), respond: { error: { number: 1205, message: 'Transaction (Process ID 61) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.', class: 13 } } });
}

/** Resolves with the first pending decision the manager announces. */
function nextPending(): Promise<{ deploymentId: string; pending: PendingDecisionView }> {
  return new Promise((resolve) => {
    const off = world.manager.onEvent((name, payload) => {
      if (name === 'deployment-state' && 'state' in payload && payload.state === 'awaiting-decision' && payload.pendingDecision) {
        off();
        resolve({ deploymentId: payload.deploymentId, pending: payload.pendingDecision });
      }
    });
  });
}

const applied = () => double.server.recordsOf('rpc').filter((r) => /INSERT INTO \[cdh\]\.\[SchemaVersions\]/i.test(r.sql ?? '')).map((r) => r.params.find((p) => p.name === '@ScriptName')?.value);

async function start(extra: Partial<Parameters<DeployWorld['manager']['start']>[0]> = {}) {
  return world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', confirmManualChecks: true, ...extra });
}

describe('guided failure', () => {
  it('a failing batch, then retry from the UI: the step succeeds on attempt 2, no script applied twice', async () => {
    failLabResultTable(1);
    const pending = nextPending();
    const { deploymentId } = await start();
    const { pending: p } = await pending;
    expect(p).toMatchObject({ stepId: 'staging-db', kind: 'failure', error: { code: 'SQL_BATCH_FAILED' } });
    expect(p.error.message).toContain('002_tables.sql');
    expect(world.manager.journal(deploymentId).state).toBe('awaiting-decision');
    expect(world.manager.journal(deploymentId).pendingDecision?.stepId).toBe('staging-db');
    world.manager.decide(deploymentId, 'staging-db', 'retry', undefined, 'Jana');
    const summary = await world.manager.wait(deploymentId);
    expect(summary.state).toBe('succeeded');
    expect(story(journalOf(world.dataDir, deploymentId)).slice(3, 8)).toEqual([
      'start staging-db#1',
      'finish staging-db#1 failed SQL_BATCH_FAILED',
      'decision staging-db retry',
      'start staging-db#2',
      'finish staging-db#2 succeeded',
    ]);
    expect(applied()).toEqual(['001_create_schema.sql', '002_tables.sql', '003_seed_reference.sql']);
  });

  it('--on-failure retry:N retries without asking and fails once the retries are used up', async () => {
    failLabResultTable();
    const { deploymentId } = await start({ onFailure: { kind: 'retry', times: 2 } });
    expect((await world.manager.wait(deploymentId)).state).toBe('failed');
    const s = story(journalOf(world.dataDir, deploymentId));
    expect(s.filter((x) => x.startsWith('decision'))).toEqual(['decision staging-db retry', 'decision staging-db retry']);
    // The run stops at the failure; the sample drop's last check (runCondition always) still runs as clean-up.
    expect(s.slice(-5)).toEqual(['finish staging-db#3 failed SQL_BATCH_FAILED', 'stopped failed', 'start resume-interface-engine#1', 'finish resume-interface-engine#1 succeeded', 'finished failed']);
  });

  it('skip with a reason: the reason is journaled and the next steps run', async () => {
    failLabResultTable();
    const pending = nextPending();
    const { deploymentId } = await start();
    await pending;
    expect(() => world.manager.decide(deploymentId, 'staging-db', 'skip', '  ')).toThrow(expect.objectContaining({ code: 'DEPLOY_SKIP_REASON_REQUIRED' }));
    expect(() => world.manager.decide(deploymentId, 'transforms', 'retry')).toThrow(expect.objectContaining({ code: 'DEPLOY_NO_DECISION_PENDING' }));
    world.manager.decide(deploymentId, 'staging-db', 'skip', 'LabResult created by the DBA by hand (CHG-2231)', 'Jana');
    expect((await world.manager.wait(deploymentId)).state).toBe('completed-with-skips'); // a skip after a failure leaves the release not fully applied
    const s = story(journalOf(world.dataDir, deploymentId));
    expect(s).toContain('decision staging-db skip (LabResult created by the DBA by hand (CHG-2231))');
    expect(s).toContain('finish transforms#1 succeeded');
    expect(s.at(-1)).toBe('finished completed-with-skips');
  });

  it('abort: the deployment ends as aborted and no later step starts', async () => {
    failLabResultTable();
    const pending = nextPending();
    const { deploymentId } = await start();
    await pending;
    world.manager.decide(deploymentId, 'staging-db', 'abort', undefined, 'Jana');
    expect((await world.manager.wait(deploymentId)).state).toBe('aborted');
    const s = story(journalOf(world.dataDir, deploymentId));
    expect(s.slice(-5)).toEqual(['decision staging-db abort', 'stopped aborted', 'start resume-interface-engine#1', 'finish resume-interface-engine#1 succeeded', 'finished aborted']);
    // Only the clean-up step started after the abort: the ordinary steps are not run.
    expect(s.filter((x) => x.startsWith('start transforms') || x.startsWith('start ssis-feeds'))).toEqual([]);
    expect(s.some((x) => x.startsWith('start transforms'))).toBe(false);
    expect(world.tenants.history(TENANT).at(-1)?.outcome).toBe('aborted');
  });

  it('without a decision policy (the CLI default) a failure ends the deployment as failed, with no decision recorded', async () => {
    failLabResultTable();
    const { deploymentId } = await start({ onFailure: { kind: 'fail' } });
    expect((await world.manager.wait(deploymentId)).state).toBe('failed');
    const s = story(journalOf(world.dataDir, deploymentId));
    expect(s.some((x) => x.startsWith('decision'))).toBe(false);
    expect(s.at(-1)).toBe('finished failed');
  });
});

describe('cancel', () => {
  it('graceful: the running batch finishes, nothing after it is sent, the deployment is cancelled', async () => {
    double.server.addResponder({ name: 'slow', batch: /CREATE TABLE cdh\.Admission/i, respond: { delayMs: 600 } });
    const { deploymentId } = await start({ onFailure: { kind: 'fail' } });
    await double.server.waitForRecord((r) => r.kind === 'batch' && /CREATE TABLE cdh\.Admission/i.test(r.text), 20_000);
    world.manager.cancel(deploymentId, 'graceful', 'Jana');
    expect((await world.manager.wait(deploymentId)).state).toBe('cancelled');
    const s = story(journalOf(world.dataDir, deploymentId));
    expect(s.slice(-6)).toEqual(['cancel graceful', 'finish staging-db#1 cancelled', 'stopped cancelled', 'start resume-interface-engine#1', 'finish resume-interface-engine#1 succeeded', 'finished cancelled']);
    expect(double.server.recordsOf('batch').some((b) => /CREATE TABLE cdh\.LabResult/i.test(b.text))).toBe(false);
    expect(double.server.recordsOf('attention')).toHaveLength(0);
    expect(applied()).toEqual(['001_create_schema.sql']);
  });

  it('immediate: the running batch is interrupted with ATTENTION and rolled back', async () => {
    double.server.addResponder({ name: 'slow', batch: /CREATE TABLE cdh\.Admission/i, respond: { delayMs: 60_000 } });
    const { deploymentId } = await start({ onFailure: { kind: 'fail' } });
    await double.server.waitForRecord((r) => r.kind === 'batch' && /CREATE TABLE cdh\.Admission/i.test(r.text), 20_000);
    world.manager.cancel(deploymentId, 'immediate', 'Jana');
    expect((await world.manager.wait(deploymentId)).state).toBe('cancelled');
    expect(double.server.recordsOf('attention').length).toBeGreaterThan(0);
    // An immediate cancel stops clean-up too: the always step does not start.
    expect(story(journalOf(world.dataDir, deploymentId)).slice(-3)).toEqual(['finish staging-db#1 cancelled', 'stopped cancelled', 'finished cancelled']);
    expect(double.server.recordsOf('transaction').at(-1)).toMatchObject({ op: 'rollback' });
  });

  it('a cancel while waiting for a decision ends the deployment as cancelled', async () => {
    failLabResultTable();
    const pending = nextPending();
    const { deploymentId } = await start();
    await pending;
    world.manager.cancel(deploymentId, 'graceful');
    expect((await world.manager.wait(deploymentId)).state).toBe('cancelled');
    expect(() => world.manager.cancel(deploymentId, 'graceful')).toThrow(expect.objectContaining({ code: 'DEPLOY_NOT_RUNNING' }));
  });
});
