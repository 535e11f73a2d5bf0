import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Drop } from '../../../common/drop-model';
import { createDeploymentManager } from '../../../main/deploy/deployment-manager';
import { acquireDeploymentLock, lockPath } from '../../../main/deploy/deployment-lock';
import { JournalWriter, readJournal } from '../../../main/journal/journal-file';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { Redactor } from '../../../main/variables/redactor';
import { cleanup, deployWorld, journalOf, scratch, startDeployDouble, story, tenantValues, TENANT, type DeployDouble } from './deploy-fixture';

const roots: string[] = [];
const doubles: DeployDouble[] = [];
afterEach(async () => {
  for (const d of doubles.splice(0)) await d.server.close();
  for (const r of roots.splice(0)) cleanup(r);
});
const root = () => {
  const r = scratch('dr-pre');
  roots.push(r);
  return r;
};
const double = async (opts: Parameters<typeof startDeployDouble>[0] = {}) => {
  const d = await startDeployDouble(opts);
  doubles.push(d);
  return d;
};

describe('preflight', () => {
  it('SSISDB absent: the SSIS check fails with the create-catalog hint and start refuses (PREFLIGHT_BLOCKED, environment)', async () => {
    const d = await double({ present: false });
    const world = await deployWorld(tenantValues(d.server.port), root());
    const result = await world.manager.preflight(world.drop.id, TENANT);
    expect(result.blocked).toBe(true);
    expect(result.failureKind).toBe('environment');
    const ssisdb = result.checks.find((c) => c.id === 'ssis-feeds:ssisdb')!;
    expect(ssisdb).toMatchObject({ status: 'fail', stepId: 'ssis-feeds' });
    expect(ssisdb.hint).toContain('Create Catalog');
    await expect(world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', confirmManualChecks: true })).rejects.toMatchObject({ code: 'PREFLIGHT_BLOCKED' });
    expect(world.manager.history()).toEqual([]);
  });

  it('a missing required variable fails one variables check (input) naming the steps that use it, with a hint; nothing is sent', async () => {
    const d = await double();
    const { InterfaceEngineHost: _gone, ...values } = tenantValues(d.server.port);
    const world = await deployWorld(values, root());
    const result = await world.manager.preflight(world.drop.id, TENANT);
    expect(result.blocked).toBe(true);
    expect(result.failureKind).toBe('input');
    expect(result.checks.find((c) => c.id === 'variables:InterfaceEngineHost')).toMatchObject({ status: 'fail', hint: 'Enter a value for "Interface engine host".' });
    // One check per root cause: the steps that use the value are named in it, not failed again one by one.
    expect(result.checks.find((c) => c.id === 'variables:InterfaceEngineHost')!.detail).toMatch(/needed by steps pause-interface-engine, .*resume-interface-engine/);
    expect(result.checks.find((c) => c.id === 'pause-interface-engine:settings')).toBeUndefined();
    expect(result.checks.filter((c) => c.status === 'fail' && /InterfaceEngineHost|Interface engine host/.test(`${c.id} ${c.detail}`))).toHaveLength(1);
    const plan = await world.manager.plan(world.drop.id, TENANT);
    expect(plan.problems.map((p) => p.code)).toContain('VARIABLE_REQUIRED');
    expect(d.server.recordsOf('batch').filter((b) => /CREATE|INSERT/i.test(b.text))).toEqual([]);
  });

  it('signature: an untrusted publisher is a warning by default and a failure when unsigned drops are not allowed', async () => {
    const d = await double();
    const world = await deployWorld(tenantValues(d.server.port), root());
    expect((await world.manager.preflight(world.drop.id, TENANT)).checks.find((c) => c.id === 'signature')).toMatchObject({ status: 'warn' });
    const settings = createConfSettingsStore(world.dataDir, 'settings');
    settings.set('deploy.allowUnsigned', false);
    const strict = createDeploymentManager({ dataDir: world.dataDir, drops: world.drops, tenants: world.tenants, settings });
    const result = await strict.preflight(world.drop.id, TENANT);
    expect(result.checks.find((c) => c.id === 'signature')).toMatchObject({ status: 'fail' });
    expect(result.failureKind).toBe('input');
  });

  it('an unsupported step blocks until it is explicitly skipped; the skip is journaled with its reason', async () => {
    const d = await double();
    const world = await deployWorld(tenantValues(d.server.port), root());
    const unsupported: Drop = {
      ...world.drop,
      steps: [{ id: 'iis', name: 'Deploy the web site', type: 'unsupported', settings: {}, unsupportedReason: 'It deploys an IIS web site.' }, world.drop.steps[1]!],
    };
    const manager = createDeploymentManager({ dataDir: world.dataDir, drops: { get: () => unsupported }, tenants: world.tenants });
    const blocked = await manager.preflight(unsupported.id, TENANT);
    expect(blocked.checks.find((c) => c.id === 'iis:unsupported')).toMatchObject({ status: 'fail', detail: 'It deploys an IIS web site.' });
    const plan = await manager.plan(unsupported.id, TENANT);
    expect(plan.steps[0]).toMatchObject({ type: 'unsupported', unsupportedReason: 'It deploys an IIS web site.' });
    const allowed = await manager.preflight(unsupported.id, TENANT, { skipUnsupported: ['iis'] });
    expect(allowed.checks.find((c) => c.id === 'iis:unsupported')).toMatchObject({ status: 'warn' });
    const { deploymentId } = await manager.start({ dropId: unsupported.id, tenantId: TENANT, operator: 'Jana', skipUnsupported: ['iis'] });
    expect((await manager.wait(deploymentId)).state).toBe('succeeded');
    expect(story(journalOf(world.dataDir, deploymentId)).slice(1, 3)).toEqual(['decision iis skip (Unsupported step, skipped as chosen before the run: It deploys an IIS web site.)', 'finish iis#1 skipped']);
  });
});

describe('journal file', () => {
  it('numbers and redacts every event, reads past a torn last line, and cuts it off before appending', () => {
    const dir = root();
    const file = path.join(dir, 'j', 'journal.jsonl');
    const w = JournalWriter.open(file, new Redactor(['hunter2-secret']));
    w.append({ type: 'log', level: 'info', message: 'password is hunter2-secret' });
    w.append({ type: 'warning', message: 'second' });
    w.close();
    appendFileSync(file, '{"seq":3,"at":"2026-01-0');
    const read = readJournal(file);
    expect(read.tornTail).toBe(true);
    expect(read.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(read.events[0]).toMatchObject({ message: 'password is ********' });
    const again = JournalWriter.open(file, new Redactor());
    expect(again.append({ type: 'warning', message: 'after the crash' }).seq).toBe(3);
    again.close();
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3]);
    writeFileSync(file, 'not json\n{"seq":1}\n');
    expect(() => readJournal(file)).toThrow(expect.objectContaining({ code: 'DEPLOY_JOURNAL_INVALID' }));
  });

  it('fsyncs every state event at once, and log/progress lines as a group: within the window, with the next state event, or on close', async () => {
    const file = path.join(root(), 'journal.jsonl');
    const syncs: number[] = [];
    let w = JournalWriter.open(file, new Redactor(), undefined, { fsync: () => syncs.push(w.lastSeq), logFlushMs: 20 });
    for (let i = 0; i < 100; i++) w.append({ type: 'log', stepId: 's', level: 'info', message: `line ${i}` });
    w.append({ type: 'progress', stepId: 's', percent: 50 });
    // Written already (a killed process loses nothing), fsync'ed as one group later.
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(101);
    expect(syncs).toEqual([]);
    expect(w.pendingFlush).toBe(true);
    w.append({ type: 'step-finished', stepId: 's', attempt: 1, outcome: 'succeeded', durationMs: 5 });
    expect(syncs).toEqual([102]);
    expect(w.pendingFlush).toBe(false);

    w.append({ type: 'log', stepId: 's', level: 'info', message: 'after' });
    await new Promise((r) => setTimeout(r, 60));
    expect(syncs).toEqual([102, 103]);

    w.append({ type: 'log', stepId: 's', level: 'info', message: 'last words' });
    w.close();
    expect(syncs).toEqual([102, 103, 104]);
    // Closed: the pending timer (if any) does nothing more.
    await new Promise((r) => setTimeout(r, 40));
    expect(syncs).toEqual([102, 103, 104]);
    w = JournalWriter.open(file, new Redactor(), undefined, { fsync: () => syncs.push(-1) });
    expect(w.lastSeq).toBe(104);
    w.close();
  });
});

describe('the machine lock and interrupted deployments', () => {
  it('a lock left by a dead process is stale and taken over; a live one is DEPLOY_LOCKED naming the deployment', () => {
    const dataDir = path.join(root(), 'data');
    mkdirSync(path.join(dataDir, 'deployments'), { recursive: true });
    writeFileSync(lockPath(dataDir), JSON.stringify({ pid: 2 ** 22 + 12345, deploymentId: 'old-one', startedAt: '2026-01-01T00:00:00Z', host: 'x' }));
    const lock = acquireDeploymentLock(dataDir, 'new-one');
    expect(() => acquireDeploymentLock(dataDir, 'third')).toThrow(expect.objectContaining({ code: 'DEPLOY_LOCKED', message: expect.stringContaining('new-one') }));
    lock.release();
    acquireDeploymentLock(dataDir, 'third').release();
  });

  it('a journal without deployment-finished and no live lock holder is interrupted; resume in-process finishes it', async () => {
    const d = await double();
    const world = await deployWorld(tenantValues(d.server.port), root());
    d.server.addResponder({ batch: /CREATE TABLE cdh\.LabResult/i, times: 1, respond: { delayMs: 60_000 } });
    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', confirmManualChecks: true, onFailure: { kind: 'fail' } });
    await d.server.waitForRecord((r) => r.kind === 'batch' && /CREATE TABLE cdh\.LabResult/i.test(r.text), 20_000);
    expect(world.manager.history()[0]).toMatchObject({ deploymentId, state: 'running' });
    await expect(world.manager.resume(deploymentId)).rejects.toMatchObject({ code: 'DEPLOY_STILL_RUNNING' });
    // Another manager over the same folder (the app opened next to a CLI run) sees it running through the lock.
    const other = createDeploymentManager({ dataDir: world.dataDir, drops: world.drops, tenants: world.tenants });
    expect(other.interrupted()).toEqual([]);
    world.manager.cancel(deploymentId, 'immediate');
    await world.manager.wait(deploymentId);
    // Simulate the power cut: drop the journal's end and leave a dead process's lock.
    const file = path.join(world.dataDir, 'deployments', deploymentId, 'journal.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    const cut = lines.findIndex((l) => l.includes('"cancel-requested"'));
    writeFileSync(file, `${lines.slice(0, cut).join('\n')}\n${lines[cut]!.slice(0, 20)}`);
    writeFileSync(lockPath(world.dataDir), JSON.stringify({ pid: 2 ** 22 + 54321, deploymentId, startedAt: '2026-01-01T00:00:00Z', host: 'x' }));
    expect(other.interrupted().map((x) => x.deploymentId)).toEqual([deploymentId]);
    await other.resume(deploymentId, { confirmManualChecks: true, onFailure: { kind: 'fail' } });
    expect((await other.wait(deploymentId)).state).toBe('succeeded');
    const s = story(journalOf(world.dataDir, deploymentId));
    expect(s.slice(s.indexOf('interrupted staging-db'), s.indexOf('interrupted staging-db') + 4)).toEqual(['interrupted staging-db', 'resumed', 'start staging-db#2', 'finish staging-db#2 succeeded']);
  });
});

describe('change request', () => {
  it('is made from the plan: steps, pending scripts, SSIS changes, instructions; secrets masked', async () => {
    const d = await double();
    const world = await deployWorld(tenantValues(d.server.port), root());
    const { html } = await world.manager.changeRequestHtml(world.drop.id, TENANT, { preparedBy: 'Jana' });
    expect(html).toContain('Change request — Clinical Data Hub 2.4.0');
    expect(html).toContain('001_create_schema.sql');
    expect(html).toContain('ClinicalFeeds');
    expect(html).toContain('Ask the St. Brigid');
    for (const secret of ['Sql!Login-7731-x', 'W1ndows!Deploy-5521', 'api-KEY-5c8e21d0']) expect(html).not.toContain(secret);
    expect(html).toContain('<strong>Preflight:</strong> not run yet');
  });

  it('made after a preflight, shows that preflight\'s result (not "not run yet")', async () => {
    const d = await double();
    const world = await deployWorld(tenantValues(d.server.port), root());
    const preflight = await world.manager.preflight(world.drop.id, TENANT);
    const pass = preflight.checks.filter((c) => c.status === 'pass').length;
    expect(pass).toBeGreaterThan(0);
    const { html } = await world.manager.changeRequestHtml(world.drop.id, TENANT);
    expect(html).not.toContain('not run yet');
    expect(html).toContain(`<strong>Preflight:</strong> ${pass} pass · ${preflight.checks.filter((c) => c.status === 'warn').length} warn · 0 fail`);
    expect(html).toContain(preflight.checks[0]!.title);
  });
});
