/** The app's screens as data, and their hash URLs (#/…); pure so parse/format round trips are tested. */

export type Route =
  | { name: 'home' }
  | { name: 'open'; path?: string }
  | { name: 'overview'; dropId: string }
  | { name: 'variables'; dropId: string; tenantId: string }
  | { name: 'preflight'; dropId: string; tenantId: string }
  | { name: 'run'; deploymentId: string }
  | { name: 'report'; deploymentId: string }
  | { name: 'settings' }
  | { name: 'perf'; view: 'variables' | 'run-log'; count: number }
  | { name: 'not-found'; hash: string };

const enc = encodeURIComponent;

/** The hash (including the leading '#') that shows a route. */
export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'open':
      return route.path ? `#/open?path=${enc(route.path)}` : '#/open';
    case 'overview':
      return `#/drop/${enc(route.dropId)}`;
    case 'variables':
      return `#/drop/${enc(route.dropId)}/tenant/${enc(route.tenantId)}/variables`;
    case 'preflight':
      return `#/drop/${enc(route.dropId)}/tenant/${enc(route.tenantId)}/preflight`;
    case 'run':
      return `#/run/${enc(route.deploymentId)}`;
    case 'report':
      return `#/report/${enc(route.deploymentId)}`;
    case 'settings':
      return '#/settings';
    case 'perf':
      return `#/perf/${route.view}?count=${route.count}`;
    case 'not-found':
      return route.hash;
  }
}

function decode(segment: string): string | null {
  try {
    const value = decodeURIComponent(segment);
    return value.length > 0 ? value : null;
  } catch {
    return null;
  }
}

/** Reads a location hash back into a route; anything unrecognised is 'not-found' (never a throw). */
export function parseRoute(hash: string): Route {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const query = new URLSearchParams(queryPart);
  const segments = pathPart.split('/').filter((s) => s.length > 0);
  const decoded = segments.map(decode);
  if (decoded.some((s) => s === null)) return { name: 'not-found', hash };
  const s = decoded as string[];
  const [a, b, c, d, e] = s;

  if (s.length === 0) return { name: 'home' };
  if (a === 'open' && s.length === 1) {
    const path = query.get('path');
    return path ? { name: 'open', path } : { name: 'open' };
  }
  if (a === 'settings' && s.length === 1) return { name: 'settings' };
  if (a === 'drop' && b && s.length === 2) return { name: 'overview', dropId: b };
  if (a === 'drop' && b && c === 'tenant' && d && s.length === 5) {
    if (e === 'variables') return { name: 'variables', dropId: b, tenantId: d };
    if (e === 'preflight') return { name: 'preflight', dropId: b, tenantId: d };
  }
  if (a === 'run' && b && s.length === 2) return { name: 'run', deploymentId: b };
  if (a === 'report' && b && s.length === 2) return { name: 'report', deploymentId: b };
  if (a === 'perf' && (b === 'variables' || b === 'run-log') && s.length === 2) {
    const count = Number(query.get('count') ?? (b === 'variables' ? 500 : 100000));
    return { name: 'perf', view: b, count: Number.isInteger(count) && count >= 0 && count <= 1_000_000 ? count : 0 };
  }
  return { name: 'not-found', hash };
}

/** Which step of the guided flow a route belongs to, for the header's flow indicator. */
export const FLOW_STEPS = ['Open', 'Overview', 'Variables', 'Preflight', 'Run', 'Report'] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];

/** The flow step a route shows, or null outside the flow (Home, Settings). */
export function flowStepOf(route: Route): FlowStep | null {
  switch (route.name) {
    case 'open':
      return 'Open';
    case 'overview':
      return 'Overview';
    case 'variables':
      return 'Variables';
    case 'preflight':
      return 'Preflight';
    case 'run':
      return 'Run';
    case 'report':
      return 'Report';
    default:
      return null;
  }
}
