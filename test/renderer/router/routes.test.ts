import { describe, expect, it } from 'vitest';
import { flowStepOf, formatRoute, parseRoute, type Route } from '../../../renderer/router/routes';

describe('routes', () => {
  const routes: Route[] = [
    { name: 'home' },
    { name: 'open' },
    { name: 'open', path: 'C:\\Drops\\release 1.2.zip' },
    { name: 'overview', dropId: 'd-1' },
    { name: 'variables', dropId: 'd/with slash', tenantId: 'st-mary' },
    { name: 'preflight', dropId: 'd-1', tenantId: 'st-mary' },
    { name: 'run', deploymentId: 'dep 1' },
    { name: 'report', deploymentId: 'dep-1' },
    { name: 'settings' },
    { name: 'perf', view: 'run-log', count: 100000 },
  ];
  for (const route of routes) {
    it(`round-trips ${JSON.stringify(route)}`, () => {
      expect(parseRoute(formatRoute(route))).toEqual(route);
    });
  }

  it('treats an empty hash as home', () => {
    expect(parseRoute('')).toEqual({ name: 'home' });
    expect(parseRoute('#')).toEqual({ name: 'home' });
  });

  it('returns not-found for unknown paths and malformed escapes instead of throwing', () => {
    expect(parseRoute('#/nowhere')).toEqual({ name: 'not-found', hash: '#/nowhere' });
    expect(parseRoute('#/drop/%E0%A4%A')).toEqual({ name: 'not-found', hash: '#/drop/%E0%A4%A' });
    expect(parseRoute('#/drop/a/tenant/b/elsewhere').name).toBe('not-found');
  });

  it('rejects absurd perf counts', () => {
    expect(parseRoute('#/perf/variables?count=-5')).toEqual({ name: 'perf', view: 'variables', count: 0 });
    expect(parseRoute('#/perf/variables')).toEqual({ name: 'perf', view: 'variables', count: 500 });
  });

  it('maps routes to flow steps', () => {
    expect(flowStepOf({ name: 'variables', dropId: 'a', tenantId: 'b' })).toBe('Variables');
    expect(flowStepOf({ name: 'home' })).toBeNull();
  });
});
