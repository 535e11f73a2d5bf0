/**
 * Issue 20 item 6 end to end: a tenant value built from a secret through filters (ToUpper, a prefix
 * then ToBase64) is shown in the plan and journaled; neither the plan nor any file of the deployment
 * holds the derived forms, because the Redactor learned what the evaluator produced.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployWorld, filesContaining, releaseOpened, scratch, SECRETS, startDeployDouble, tenantValues, TENANT, type OpenedForTest } from './deploy-fixture';

const opened: OpenedForTest = {};
afterEach(() => releaseOpened(opened));

describe('a secret transformed by a filter', () => {
  it('is masked in the plan, the journal and the report in the form the filter produced', async () => {
    const double = (opened.double = await startDeployDouble());
    const root = (opened.root = scratch('dr-derived-secret'));
    const upper = SECRETS.ApiKey.toUpperCase();
    const header = Buffer.from(`svc:${SECRETS.ApiKey}`).toString('base64');
    const values = tenantValues(double.server.port, {
      // Non-sensitive values that carry the API key in another form.
      InterfaceEngineHost: 'ie01-#{ApiKey | ToUpper}.sbrh.example',
      SftpHost: 'sftp.sbrh.example/#{ApiKey | Prepend "svc:" | ToBase64}',
    });
    const world = (opened.world = await deployWorld(values, root));

    const plan = await world.manager.plan(world.drop.id, TENANT);
    const planText = JSON.stringify(plan);
    expect(planText).toContain('ie01-********.sbrh.example');
    for (const form of [upper, header]) expect(planText).not.toContain(form);

    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', confirmManualChecks: true, onFailure: { kind: 'fail' } });
    await world.manager.wait(deploymentId);
    expect(filesContaining(path.join(world.dataDir), [SECRETS.ApiKey, upper, header])).toEqual([]);
  });
});
