import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConnectionString } from '../../../common/connection-string';
import { deployWorld, filesContaining, releaseOpened, scratch, SQL_LOGIN, startDeployDouble, tenantValues, TENANT, type OpenedForTest } from './deploy-fixture';

// A SQL password as hospitals set them: ';', '"', '=' and a quote, each of which ends or opens a
// connection-string value when substituted as plain text.
const AWKWARD_PASSWORD = 'Sql;Login"=7731\'x';

const opened: OpenedForTest = {};
afterEach(() => releaseOpened(opened));

describe('a connection-string variable built from other variables', () => {
  it('logs in with a referenced password holding ; " = and \', and no output holds that password', async () => {
    const double = (opened.double = await startDeployDouble({}, undefined, [{ user: SQL_LOGIN.user, password: AWKWARD_PASSWORD }]));
    const root = (opened.root = scratch('dr-conn-ref'));
    const values = tenantValues(double.server.port, {
      SqlPassword: AWKWARD_PASSWORD,
      // The sample drop's own default (Encrypt=True), trusting the double's self-signed certificate.
      StagingConnection: 'Server=#{SqlServer};Database=#{StagingDatabase};User Id=#{SqlUser};Password=#{SqlPassword};Encrypt=True;TrustServerCertificate=True',
    });
    const world = (opened.world = await deployWorld(values, root));

    const plan = await world.manager.plan(world.drop.id, TENANT);
    expect(plan.problems).toEqual([]);
    const { deploymentId } = await world.manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana', confirmManualChecks: true, onFailure: { kind: 'fail' } });
    expect((await world.manager.wait(deploymentId)).state).toBe('succeeded');

    const sqlLogins = double.server.recordsOf('login').filter((r) => r.user === SQL_LOGIN.user);
    expect(sqlLogins.length).toBeGreaterThan(0);
    // Every login went through the double's TLS, the way the drop's Encrypt=True default asks.
    expect(sqlLogins.every((r) => r.kind === 'login' && r.encryption === 'tls')).toBe(true);
    expect(sqlLogins.every((r) => r.success)).toBe(true);
    // The SSIS environment variable built from the same password reaches the catalog whole, quoted.
    const ssisValue = double.ssisdb.catalog.variables.find((v) => v.name === 'StagingConnectionString')?.value.value;
    expect(typeof ssisValue).toBe('string');
    expect(parseConnectionString(ssisValue as string)).toMatchObject({ user: SQL_LOGIN.user, password: AWKWARD_PASSWORD });
    expect(filesContaining(path.join(world.dataDir), [AWKWARD_PASSWORD])).toEqual([]);
  });
});
