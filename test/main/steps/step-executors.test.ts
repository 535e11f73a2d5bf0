import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../common/journal-events';
import { parseSetVariable } from '../../../main/steps/script/service-messages';
import { parseDeployReport } from '../../../main/steps/dacpac/dacpac-step';
import { cleanup, filesContaining, journalOf, scratch, story } from '../deploy/deploy-fixture';
import { dacpacBytes, installSqlPackageStandIn, stepWorld, TENANT } from './step-fixture';

const SECRET = 'Tr0ub4dor-&-3-horse';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
let root: string;
beforeEach(() => {
  root = scratch('dr-steps');
});
afterEach(() => cleanup(root));

const logs = (events: JournalEvent[], stepId: string) => events.flatMap((e) => (e.type === 'log' && e.stepId === stepId ? [e.message] : []));
const hasBash = existsSync('/bin/bash') || existsSync('/usr/bin/bash');

describe('service messages', () => {
  it('parses ##octopus[setVariable] with base64 name, value and sensitive flag; rejects malformed ones', () => {
    expect(parseSetVariable(`##octopus[setVariable name='${b64('Token')}' value='${b64('abc def')}' sensitive='${b64('True')}']`)).toEqual({ name: 'Token', value: 'abc def', sensitive: true });
    expect(parseSetVariable(`##octopus[setVariable name='${b64('N')}' value='${b64('')}']`)).toEqual({ name: 'N', value: '', sensitive: false });
    expect(parseSetVariable(`##octopus[setVariable name='not base64!' value='${b64('x')}']`)).toBeUndefined();
    expect(parseSetVariable('echo ##octopus[setVariable]')).toBeUndefined();
  });
});

describe.skipIf(!hasBash)('script step (bash)', () => {
  const files = {
    'scripts/report.sh': 'echo "next step sees token=$NEXT_TOKEN and colour=$NEXT_COLOUR"\necho "variable as env: $Colour"\n',
  };
  const overrides = (body: string) => ({
    variables: [
      { name: 'Colour', label: 'Colour', type: 'text', required: true },
      { name: 'Password', label: 'Password', type: 'sensitive', required: true },
    ],
    steps: [
      { id: 'emit', name: 'Emit', type: 'script', settings: { syntax: 'Bash', scriptBody: body } },
      {
        id: 'report',
        name: 'Report',
        type: 'script',
        package: 'scripts',
        settings: { syntax: 'Bash', scriptFile: 'report.sh', environment: { NEXT_TOKEN: '#{Octopus.Action[Emit].Output.Token}', NEXT_COLOUR: '#{Octopus.Action[emit].Output.Colour}' } },
      },
    ],
  });

  it('passes variables as environment variables, redacts output, hands output variables to later steps', async () => {
    const body = [
      'echo "colour is $Colour"',
      'echo "password is $Password"',
      'echo "inline #{Password} too" >&2',
      `echo "##octopus[setVariable name='${b64('Token')}' value='${b64('tok-SECRET-991')}' sensitive='${b64('True')}']"`,
      `echo "##octopus[setVariable name='${b64('Colour')}' value='${b64('teal')}']"`,
    ].join('\n');
    const world = await stepWorld(root, files, overrides(body), { Colour: 'green', Password: SECRET });
    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', onFailure: { kind: 'fail' } });
    expect((await world.manager.wait(deploymentId)).state).toBe('succeeded');
    const events = journalOf(world.dataDir, deploymentId);
    expect(logs(events, 'emit')).toEqual(expect.arrayContaining(['colour is green', 'password is ********', 'inline ******** too', 'Output variable Token set (sensitive).', 'Output variable Colour set.']));
    expect(logs(events, 'report')).toEqual(expect.arrayContaining(['next step sees token=******** and colour=teal', 'variable as env: green']));
    expect(events.some((e) => e.type === 'artifact' && e.artifact.kind === 'output-variable' && e.artifact.name === 'Token')).toBe(true);
    expect(filesContaining(world.dataDir, [SECRET, 'tok-SECRET-991'])).toEqual([]);
  });

  it('a non-zero exit is SCRIPT_FAILED with the last output lines', async () => {
    const world = await stepWorld(root, files, overrides('echo "about to fail"\nexit 7'), { Colour: 'green', Password: SECRET });
    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', onFailure: { kind: 'fail' } });
    expect((await world.manager.wait(deploymentId)).state).toBe('failed');
    const finished = journalOf(world.dataDir, deploymentId).find((e) => e.type === 'step-finished');
    expect(finished).toMatchObject({ stepId: 'emit', outcome: 'failed', error: { code: 'SCRIPT_FAILED' } });
    expect(finished?.type === 'step-finished' && finished.error?.message).toContain('exited with 7: about to fail');
  });
});

describe('dacpac step', () => {
  const files = { 'db/Staging.dacpac': dacpacBytes() };
  const overrides = {
    variables: [{ name: 'Conn', label: 'Connection', type: 'connection-string', required: true, sensitive: false }],
    // The target port is closed (SqlPackage is a stand-in), so no backup before change: test/main/steps/backup-before-change.test.ts covers it.
    steps: [{ id: 'schema', name: 'Publish the schema', type: 'dacpac', package: 'db', settings: { connection: '#{Conn}', dacpac: 'Staging.dacpac', variables: { Env: 'Prod' }, backup: 'none' } }],
  };
  const conn = `Server=127.0.0.1,1;Database=Staging;User Id=deploy;Password=${SECRET};Encrypt=False`;

  it('plans with DeployReport and publishes with /v: variables; output streamed, the password masked', async () => {
    const standIn = installSqlPackageStandIn(root);
    const world = await stepWorld(root, files, overrides, { Conn: conn }, { tools: { env: standIn.env } });
    const plan = await world.manager.plan(world.drop.id, TENANT);
    expect(plan.steps[0]!.dryRun).toMatchObject({ summary: '2 schema changes from db/Staging.dacpac.', items: [{ label: '[dbo].[Ward]', action: 'create', detail: 'SqlTable' }, { label: '[dbo].[Admission]', action: 'alter', detail: 'SqlTable' }] });
    expect(plan.steps[0]!.settings.connection).toBe(conn.replace(SECRET, '********'));

    // Preflight also connects; the port is closed, so run without it (start is given a preflight that passed).
    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', onFailure: { kind: 'fail' }, preflight: { checks: [], blocked: false, failureKind: null } });
    expect((await world.manager.wait(deploymentId)).state).toBe('succeeded');
    const events = journalOf(world.dataDir, deploymentId);
    const lines = logs(events, 'schema');
    expect(lines).toContain('Successfully published database.');
    expect(lines).toContain('arg: /v:Env=Prod');
    expect(lines).toContain(`arg: /TargetConnectionString:${conn.replace(SECRET, '********')}`);
    expect(events.find((e) => e.type === 'artifact')).toMatchObject({ artifact: { kind: 'dacpac', name: 'db/Staging.dacpac', action: 'published' } });
    expect(readFileSync(standIn.log, 'utf8')).toContain('/Action:Publish');
    expect(filesContaining(world.dataDir, [SECRET])).toEqual([]);
  });

  it('a failing publish is DACPAC_PUBLISH_FAILED; a missing SqlPackage is DACPAC_SQLPACKAGE_MISSING in plan, preflight and run', async () => {
    const standIn = installSqlPackageStandIn(root);
    const failing = await stepWorld(root, files, overrides, { Conn: conn }, { tools: { env: { ...standIn.env, STANDIN_EXIT: '2' } } });
    const { deploymentId } = await failing.manager.start({ dropId: failing.drop.id, tenantId: TENANT, operator: 'Jana', onFailure: { kind: 'fail' }, preflight: { checks: [], blocked: false, failureKind: null } });
    await failing.manager.wait(deploymentId);
    expect(journalOf(failing.dataDir, deploymentId).find((e) => e.type === 'step-finished')).toMatchObject({ outcome: 'failed', error: { code: 'DACPAC_PUBLISH_FAILED' } });

    const noTool = await stepWorld(scratch('dr-steps-none'), files, overrides, { Conn: conn }, { tools: { env: { PATH: path.join(root, 'empty'), HOME: path.join(root, 'nohome') } } });
    const plan = await noTool.manager.plan(noTool.drop.id, TENANT);
    expect(plan.steps[0]!.dryRun.error).toMatchObject({ code: 'DACPAC_SQLPACKAGE_MISSING' });
    expect(plan.steps[0]!.dryRun.error!.hint).toContain('dotnet tool install -g microsoft.sqlpackage');
    const preflight = await noTool.manager.preflight(noTool.drop.id, TENANT);
    expect(preflight.blocked).toBe(true);
    expect(preflight.failureKind).toBe('environment');
    expect(preflight.checks.find((c) => c.id === 'schema:sqlpackage')).toMatchObject({ status: 'fail' });
    const run = await noTool.manager.start({ dropId: noTool.drop.id, tenantId: TENANT, operator: 'Jana', onFailure: { kind: 'fail' }, preflight: { checks: [], blocked: false, failureKind: null } });
    await noTool.manager.wait(run.deploymentId);
    expect(journalOf(noTool.dataDir, run.deploymentId).find((e) => e.type === 'step-finished')).toMatchObject({ error: { code: 'DACPAC_SQLPACKAGE_MISSING' } });
    cleanup(noTool.root);
  });

  it('reads DeployReport XML operations and alerts', () => {
    expect(parseDeployReport('<DeploymentReport><Alerts><Alert Name="DataIssue"><Issue Value="x"/></Alert></Alerts><Operations><Operation Name="Drop"><Item Value="[dbo].[Old&amp;Table]" Type="SqlTable"/></Operation></Operations></DeploymentReport>')).toEqual({
      operations: [{ label: '[dbo].[Old&Table]', action: 'drop', detail: 'SqlTable' }],
      alerts: ['DataIssue'],
    });
  });
});

describe('manual-check step through the pending-decision mechanism (the UI path)', () => {
  const overrides = {
    variables: [{ name: 'Host', label: 'Host', type: 'text', required: true }],
    steps: [
      { id: 'pause', name: 'Pause the feed', type: 'manual-check', settings: { instructions: 'Pause the feed on #{Host}.' } },
      { id: 'resume', name: 'Resume the feed', type: 'manual-check', settings: { instructions: 'Resume the feed on #{Host}.' } },
    ],
  };

  it('waits for confirm, records who confirmed; a skip needs a reason; retry is refused for a check', async () => {
    const world = await stepWorld(root, {}, overrides, { Host: 'ie01' });
    const seen: string[] = [];
    const waiting = new Promise<void>((resolve) => {
      world.manager.onEvent((name, payload) => {
        if (name !== 'deployment-state' || !('state' in payload) || payload.state !== 'awaiting-decision' || !payload.pendingDecision) return;
        const p = payload.pendingDecision;
        seen.push(`${p.stepId}:${p.kind}:${p.error.message}`);
        if (p.stepId === 'pause') {
          expect(() => world.manager.decide(payload.deploymentId, 'pause', 'retry')).toThrow(expect.objectContaining({ code: 'DEPLOY_DECISION_INVALID' }));
          world.manager.decide(payload.deploymentId, 'pause', 'confirm', undefined, 'Jana');
        } else {
          world.manager.decide(payload.deploymentId, 'resume', 'skip', 'feed owner resumes it tomorrow', 'Jana');
          resolve();
        }
      });
    });
    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana' });
    await waiting;
    expect((await world.manager.wait(deploymentId)).state).toBe('completed-with-skips');
    expect(seen).toEqual(['pause:confirm:Pause the feed on ie01.', 'resume:confirm:Resume the feed on ie01.']);
    const events = journalOf(world.dataDir, deploymentId);
    expect(story(events)).toEqual(['started', 'start pause#1', 'finish pause#1 succeeded', 'start resume#1', 'decision resume skip (feed owner resumes it tomorrow)', 'finish resume#1 skipped', 'finished completed-with-skips']);
    expect(events.find((e) => e.type === 'artifact')).toMatchObject({ stepId: 'pause', artifact: { action: 'confirmed', detail: 'by Jana' } });
  });
});
