import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header that carries the per-launch token (the `token` query parameter is the alternative, for EventSource). */
export const TOKEN_HEADER = 'x-drop-runner-token';

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Decides whether a request may reach the API. The browser host listens on loopback only, but any web
 * page the operator visits can still send requests to 127.0.0.1, and DNS rebinding can make a foreign
 * name resolve there: so the Host must be exactly the loopback address we serve, any Origin must be ours,
 * and every API call must carry the secret token printed at launch.
 */
export function refuseReason(req: IncomingMessage, expected: { host: string; token: string }, needsToken: boolean): string | null {
  if (req.headers.host !== expected.host) return 'host';
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${expected.host}`) return 'origin';
  if (!needsToken) return null;
  const url = new URL(req.url ?? '/', `http://${expected.host}`);
  const header = req.headers[TOKEN_HEADER];
  const presented = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('token') ?? '';
  return sameSecret(presented, expected.token) ? null : 'token';
}
