import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExportedFile } from '../../common/contract';
import { toErrorShape } from '../../common/errors';
import { dispatch } from '../hosting/dispatch';
import type { Service } from '../service';
import { ReportDownloads } from './report-downloads';
import { refuseReason } from './request-guard';
import { locateRendererDir, serveStatic } from './static-files';
import { receiveUpload, removeOldUploads } from './upload';

export interface WebHostOptions {
  /** May still be loading: the page is served at once, API requests wait for the engine (`drop-runner serve` starts that way). */
  service: Service | Promise<Service>;
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  rendererDir?: string | null;
  /** Fixed token for tests; normally a fresh random one per launch. */
  token?: string;
}

export interface WebHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** How long requests already being answered may take to finish once the host is stopping. */
const CLOSE_GRACE_MS = 3_000;

/** Largest JSON request body; variables.save with thousands of values stays far below it. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'self' about:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BYTES) throw Object.assign(new Error('body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error('body is not JSON'), { status: 400 });
  }
}

/**
 * The browser host: the built UI and the contract on 127.0.0.1. It exists because the Electron binary
 * cannot be installed on the build machines, and it is the fallback `npm start` offers on such machines.
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  removeOldUploads(options.dataDir);
  const rendererDir = options.rendererDir === undefined ? locateRendererDir() : options.rendererDir;
  let expectedHost = '';
  const sseClients = new Set<ServerResponse>();
  /** Replies still being worked on; told to close their socket when the host stops. */
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  const downloads = new ReportDownloads();

  const engine = Promise.resolve(options.service);
  let unsubscribe = (): void => undefined;
  void engine.then((service) => {
    if (closing) return;
    unsubscribe = service.events.subscribe((name, payload) => {
      const frame = `data: ${JSON.stringify({ name, payload })}\n\n`;
      for (const client of sseClients) client.write(frame);
    });
  });

  const server = createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    if (closing) res.setHeader('Connection', 'close');
    void handle(req, res).catch((error) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: toErrorShape(error) });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (closing) {
      // A browser may still send on a kept-alive socket after close(): answer, and end the socket.
      req.resume();
      sendJson(res, 503, { ok: false, error: { code: 'HOST_STOPPING', message: 'Drop Runner is stopping and no longer answers requests.', hint: 'Start Drop Runner again (npm start) and open the URL it prints.' } });
      return;
    }
    const url = new URL(req.url ?? '/', `http://${expectedHost}`);
    const isApi = url.pathname.startsWith('/api/');
    const refused = refuseReason(req, { host: expectedHost, token }, isApi);
    if (refused) {
      // Drain any body so the refusal reaches the client instead of a stalled socket.
      req.resume();
      sendJson(res, 403, { ok: false, error: { code: 'HOST_FORBIDDEN', message: `Request refused (${refused}).`, hint: 'Open the exact URL that Drop Runner printed, including ?token=…' } });
      return;
    }
    if (!isApi) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { ok: false });
      if (!rendererDir) {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('The UI has not been built. Run `npm run build` first.');
        return;
      }
      serveStatic(rendererDir, url.pathname, res, SECURITY_HEADERS);
      return;
    }
    const name = url.pathname.slice('/api/'.length);
    if (name === 'events' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', ...SECURITY_HEADERS });
      res.write(': connected\n\n');
      sseClients.add(res);
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(keepAlive);
        sseClients.delete(res);
      });
      return;
    }
    if (name.startsWith('download/') && (req.method === 'GET' || req.method === 'HEAD')) {
      return downloads.serve(name.slice('download/'.length), res, SECURITY_HEADERS);
    }
    if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'METHOD_NOT_ALLOWED', message: 'Use POST for API requests.', hint: '' } });
    if (name === 'upload') {
      try {
        const path = await receiveUpload(req, options.dataDir, url.searchParams.get('name'));
        return sendJson(res, 200, { ok: true, path });
      } catch (error) {
        // The rest of a refused upload's body may still be on its way: close rather than reuse this socket.
        res.setHeader('Connection', 'close');
        return sendJson(res, 400, { ok: false, error: toErrorShape(error) });
      }
    }
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      const status = (error as { status?: number }).status ?? 400;
      return sendJson(res, status, { ok: false, error: { code: 'INVALID_REQUEST', message: `The request body could not be read: ${(error as Error).message}.`, hint: 'Send a JSON object of at most 8 MiB.' } });
    }
    const service = await engine;
    const reply = await dispatch(service.handlers, name, body, service.redact);
    // The page cannot open server paths: each exported report file is also offered as a download.
    if (name === 'report.export' && reply.ok) {
      const exported = reply as { ok: true; result: { files: ExportedFile[] } };
      exported.result.files = downloads.offer(exported.result.files);
    }
    sendJson(res, reply.ok || reply.error.code !== 'UNKNOWN_REQUEST' ? 200 : 404, reply);
  }

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  expectedHost = `127.0.0.1:${port}`;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      // server.close() alone waits for every open socket, and a browser keeps sockets alive and
      // reconnects its event stream on them, so a stop could hang for minutes. Instead: refuse new
      // work, end the event streams with their sockets, let running replies finish briefly, then cut.
      closing = true;
      unsubscribe();
      const stopped = new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
      for (const client of sseClients) {
        client.end();
        client.socket?.destroy();
      }
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      await stopped;
      clearTimeout(cut);
    },
  };
}
