import { describe, expect, it } from 'vitest';
import type { PlanView, PreflightResult } from '../../../../common/contract';
import { countChecks, deployBlockers, sortChecks, unsupportedSteps } from '../../../../renderer/screens/preflight/preflight-model';

const plan: PlanView = {
  dropId: 'd',
  tenantId: 't',
  steps: [
    { id: 's1', name: 'SQL', type: 'sql-scripts', transactional: 'per script', settings: {}, dryRun: { summary: '', items: [] } },
    { id: 's2', name: 'IIS site', type: 'unsupported', transactional: 'no', settings: {}, dryRun: { summary: '', items: [] }, unsupportedReason: 'IIS is not supported' },
  ],
  variables: [],
  problems: [],
};
const preflight: PreflightResult = {
  blocked: true,
  checks: [
    { id: 'c1', title: 'SQL connection', status: 'pass', detail: 'ok' },
    { id: 'c2', title: 'Step support', status: 'fail', detail: 'IIS step unsupported', stepId: 's2' },
    { id: 'c3', title: 'Disk', status: 'warn', detail: 'low' },
  ],
};

describe('preflight model', () => {
  it('counts and orders checks failures first', () => {
    expect(countChecks(preflight.checks)).toEqual({ pass: 1, warn: 1, fail: 1 });
    expect(sortChecks(preflight.checks).map((c) => c.id)).toEqual(['c2', 'c3', 'c1']);
  });
  it('blocks until every unsupported step is acknowledged', () => {
    expect(unsupportedSteps(plan).map((s) => s.id)).toEqual(['s2']);
    const blockers = deployBlockers(preflight, plan, new Set());
    expect(blockers).toHaveLength(2);
    expect(blockers[0]).toMatch(/Skip this step/);
    expect(deployBlockers(preflight, plan, new Set(['s2']))).toEqual([]);
  });
  it('keeps blocking on failures that skipping does not cover', () => {
    const other: PreflightResult = { blocked: true, checks: [...preflight.checks, { id: 'c4', title: 'SSISDB', status: 'fail', detail: 'missing' }] };
    expect(deployBlockers(other, plan, new Set(['s2']))).toEqual(['SSISDB: missing']);
    expect(deployBlockers({ blocked: true, checks: [] }, null, new Set())).toEqual(['Preflight reported the deployment as blocked.']);
    expect(deployBlockers(null, plan, new Set())).toEqual(['Preflight has not run yet.']);
    expect(deployBlockers({ blocked: false, checks: [] }, { ...plan, steps: [], problems: [{ code: 'VARIABLES_INCOMPLETE', message: 'Api.Key has no value', hint: '' }] }, new Set())).toEqual(['VARIABLES_INCOMPLETE: Api.Key has no value']);
  });
});
