import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeploymentSummary } from '../../../common/contract';
import { dropsInUse } from '../../../main/deploy/drops-in-use';
import type { PendingDecisionView } from '../../../main/deploy/deployment-manager';
import { dropsDir } from '../../../main/drop/drop-store';
import { folderBytes } from '../../../main/drop/drop-storage';
import { codeOf } from '../../support/app-error-code';
import { openSampleWorld, releaseOpened, scratch, TENANT, type OpenedForTest } from '../deploy/deploy-fixture';

const opened: OpenedForTest = {};
afterEach(() => releaseOpened(opened));

const summary = (deploymentId: string, dropId: string, state: DeploymentSummary['state']): DeploymentSummary => ({ deploymentId, dropId, tenantId: 't', project: 'p', release: '1', startedAt: '2026-11-26T09:00:00Z', state });

describe('dropsInUse', () => {
  it('keeps drops of running, waiting and interrupted deployments, and names the deployment', () => {
    const inUse = dropsInUse([
      summary('d1', 'a', 'running'),
      summary('d2', 'b', 'awaiting-decision'),
      summary('d3', 'c', 'interrupted'),
      summary('d4', 'd', 'succeeded'),
      summary('d5', 'e', 'failed'),
      summary('d6', 'f', 'cancelled'),
      summary('d7', 'g', 'aborted'),
    ]);
    expect([...inUse.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(inUse.get('a')).toContain('d1');
    expect(inUse.get('c')).toMatch(/d3 .*interrupted.*resumed/);
  });
});

describe('folderBytes', () => {
  it('adds up the files of a tree', () => {
    const root = (opened.root = scratch('dr-bytes'));
    mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
    writeFileSync(path.join(root, 'a', 'one'), Buffer.alloc(1000));
    writeFileSync(path.join(root, 'a', 'b', 'two'), Buffer.alloc(234));
    expect(folderBytes(root)).toBe(1234);
    expect(folderBytes(path.join(root, 'missing'))).toBe(0);
  });
});

describe('stored drops of the sample drop on the TDS double', () => {
  it('lists the drop with its size; refuses to remove it while a deployment waits; removes it once that deployment ended', async () => {
    const { double, world: w } = await openSampleWorld(opened, 'dr-storage');
    const folder = path.join(dropsDir(w.dataDir), w.drop.id);

    const listed = w.drops.stored(() => undefined);
    expect(listed.map((d) => [d.dropId, d.project, d.release])).toEqual([[w.drop.id, w.drop.project.name, w.drop.release.version]]);
    expect(listed[0]!.bytes).toBe(folderBytes(folder));
    expect(listed[0]!.bytes).toBeGreaterThan(statSync(w.dropZip).size / 2);
    expect(listed[0]!.openedAt).toBeDefined();

    // A failing batch holds the deployment at the operator's decision: the drop must stay.
    double.server.addResponder({ name: 'deadlock', batch: /CREATE TABLE cdh\.LabResult/i, respond: { error: { number: 1205, message: 'deadlock victim', class: 13 } } });
    const pending = new Promise<{ deploymentId: string; pending: PendingDecisionView }>((resolve) => {
      const off = w.manager.onEvent((name, payload) => {
        if (name === 'deployment-state' && 'state' in payload && payload.state === 'awaiting-decision' && payload.pendingDecision) {
          off();
          resolve({ deploymentId: payload.deploymentId, pending: payload.pendingDecision });
        }
      });
    });
    const { deploymentId } = await w.manager.start({ dropId: w.drop.id, tenantId: TENANT, operator: 'Jana', confirmManualChecks: true });
    await pending;
    const kept = dropsInUse(w.manager.history());
    expect(w.drops.stored((id) => kept.get(id))[0]!.keptBecause).toContain(deploymentId);
    expect(codeOf(() => w.drops.remove(w.drop.id, kept.get(w.drop.id)))).toBe('DROP_IN_USE');
    expect(existsSync(folder)).toBe(true);

    w.manager.decide(deploymentId, 'staging-db', 'abort', undefined, 'Jana');
    expect((await w.manager.wait(deploymentId)).state).toBe('aborted');
    const after = dropsInUse(w.manager.history());
    expect(after.has(w.drop.id)).toBe(false);
    const freed = w.drops.remove(w.drop.id, after.get(w.drop.id));
    expect(freed).toBe(listed[0]!.bytes);

    // Gone from the folder, the list, the recent drops and the library; the zip and the journal stay.
    expect(existsSync(folder)).toBe(false);
    expect(readdirSync(dropsDir(w.dataDir)).filter((n) => !n.startsWith('.'))).toEqual([]);
    expect(w.drops.stored(() => undefined)).toEqual([]);
    expect(w.drops.recent().map((r) => r.dropId)).not.toContain(w.drop.id);
    expect(codeOf(() => w.drops.get(w.drop.id))).toBe('DROP_NOT_FOUND');
    expect(existsSync(w.dropZip)).toBe(true);
    expect(w.manager.history().map((d) => d.deploymentId)).toContain(deploymentId);
    expect(codeOf(() => w.drops.remove(w.drop.id, undefined))).toBe('DROP_NOT_FOUND');
  });

  it('refuses ids that are not a drop folder name (no path tricks)', async () => {
    const { world } = await openSampleWorld(opened, 'dr-storage-ids');
    for (const id of ['..', '../data', '.tmp-x', 'a/b']) expect(codeOf(() => world.drops.remove(id, undefined))).toBe('DROP_NOT_FOUND');
    expect(existsSync(path.join(dropsDir(world.dataDir), world.drop.id))).toBe(true);
  });
});
