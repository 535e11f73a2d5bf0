import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { createService, type Service } from '../../../main/service';
import { MAX_UPLOAD_BYTES, removeOldUploads, UPLOAD_RETENTION_MS } from '../../../main/web/upload';
import { startWebHost, type WebHost } from '../../../main/web/web-host';
import { slowDrop } from '../limits/hostile-drops';
import { rawRequest } from '../../support/http-request';

describe('browser host request guard', () => {
  let dataDir: string;
  let service: Service;
  let host: WebHost;
  let goodHost: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dr-web-'));
    service = createService({ dataDir, host: 'web', secrets: createKeychainSecretStore(), findChromium: () => null });
    host = await startWebHost({ service, dataDir, port: 0, rendererDir: null });
    goodHost = `127.0.0.1:${host.port}`;
  });
  afterAll(async () => {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (headers: Record<string, string>, path = '/api/app.info', body = '{}') =>
    rawRequest({ port: host.port, path, method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  it('prints a loopback URL with a long random token', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('answers a request with the right token, Host and Origin', async () => {
    const res = await post({ Host: goodHost, Origin: `http://${goodHost}`, 'X-Drop-Runner-Token': host.token });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, result: { host: 'web' } });
  });

  it('accepts the token as a query parameter (EventSource cannot send headers)', async () => {
    const res = await post({ Host: goodHost }, `/api/app.info?token=${host.token}`);
    expect(res.status).toBe(200);
  });

  it('refuses a request without the token with 403', async () => {
    const res = await post({ Host: goodHost });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('HOST_FORBIDDEN');
  });

  it('refuses a wrong token of the same length with 403', async () => {
    const wrong = host.token.slice(0, -1) + (host.token.endsWith('A') ? 'B' : 'A');
    expect((await post({ Host: goodHost, 'X-Drop-Runner-Token': wrong })).status).toBe(403);
  });

  it('refuses a foreign Origin with 403 even with the token', async () => {
    const res = await post({ Host: goodHost, Origin: 'http://evil.example', 'X-Drop-Runner-Token': host.token });
    expect(res.status).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding) with 403 even with the token', async () => {
    const res = await post({ Host: 'evil.example', 'X-Drop-Runner-Token': host.token });
    expect(res.status).toBe(403);
    const asLocalhost = await post({ Host: `localhost:${host.port}`, 'X-Drop-Runner-Token': host.token });
    expect(asLocalhost.status).toBe(403);
  });

  it('refuses static pages for a foreign Host too', async () => {
    const res = await rawRequest({ port: host.port, path: '/', headers: { Host: 'evil.example' } });
    expect(res.status).toBe(403);
  });

  it('answers an unknown request name with UNKNOWN_REQUEST and a bad payload with INVALID_REQUEST', async () => {
    const unknown = await post({ Host: goodHost, 'X-Drop-Runner-Token': host.token }, '/api/nope.nothing');
    expect(JSON.parse(unknown.body).error.code).toBe('UNKNOWN_REQUEST');
    const invalid = await post({ Host: goodHost, 'X-Drop-Runner-Token': host.token }, '/api/drop.open', JSON.stringify({ path: 42 }));
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const notJson = await post({ Host: goodHost, 'X-Drop-Runner-Token': host.token }, '/api/app.info', '{not json');
    expect(notJson.status).toBe(400);
  });

  it('sends security headers on API replies', async () => {
    const res = await post({ Host: goodHost, 'X-Drop-Runner-Token': host.token });
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('streams contract events over SSE to a client with the token', async () => {
    const received = new Promise<string>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port: host.port, path: `/api/events?token=${host.token}`, headers: { Host: goodHost } }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes('menu-command')) {
              resolve(text);
              req.destroy();
            }
          });
          setTimeout(() => service.events.emit('menu-command', { command: 'go-home' }), 50);
        });
        req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
        req.end();
      });
    });
    expect(await received).toContain('"command":"go-home"');
  });
});

describe('browser host uploads', () => {
  let dataDir: string;
  let host: WebHost;
  let goodHost: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dr-upload-'));
    const service = createService({ dataDir, host: 'web', secrets: createKeychainSecretStore(), findChromium: () => null });
    host = await startWebHost({ service, dataDir, port: 0, rendererDir: null });
    goodHost = `127.0.0.1:${host.port}`;
  });
  afterAll(async () => {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores a dropped file under uploads/ with only its base name, and returns its path', async () => {
    const res = await rawRequest({ port: host.port, path: `/api/upload?name=${encodeURIComponent('..\\..\\evil/release 2.4.zip')}`, method: 'POST', headers: { Host: goodHost, 'X-Drop-Runner-Token': host.token }, body: 'PK-bytes' });
    const reply = JSON.parse(res.body);
    expect(reply.ok).toBe(true);
    // Directly inside uploads/<random>/: separators in the name were neutralised, not followed.
    expect(dirname(dirname(reply.path))).toBe(join(dataDir, 'uploads'));
    expect(basename(reply.path)).toMatch(/release 2\.4\.zip$/);
    expect(readFileSync(reply.path, 'utf8')).toBe('PK-bytes');
  });

  it('refuses a file without a usable name with UPLOAD_INVALID and writes nothing', async () => {
    const before = existsSync(join(dataDir, 'uploads')) ? readdirSync(join(dataDir, 'uploads')).length : 0;
    const res = await rawRequest({ port: host.port, path: '/api/upload?name=..', method: 'POST', headers: { Host: goodHost, 'X-Drop-Runner-Token': host.token }, body: 'x' });
    expect(JSON.parse(res.body).error.code).toBe('UPLOAD_INVALID');
    const after = existsSync(join(dataDir, 'uploads')) ? readdirSync(join(dataDir, 'uploads')).length : 0;
    expect(after).toBe(before);
  });

  it('refuses an upload declared larger than the limit with UPLOAD_TOO_LARGE', async () => {
    const res = await rawRequest({ port: host.port, path: '/api/upload?name=big.zip', method: 'POST', headers: { Host: goodHost, 'X-Drop-Runner-Token': host.token, 'Content-Length': String(MAX_UPLOAD_BYTES + 1) }, body: '' }).catch((e: Error) => ({ status: 0, body: JSON.stringify({ error: { code: e.message } }) }));
    expect(res.body).toContain('UPLOAD_TOO_LARGE');
  });

  it('refuses an upload without the token', async () => {
    const res = await rawRequest({ port: host.port, path: '/api/upload?name=a.zip', method: 'POST', headers: { Host: goodHost }, body: 'x' });
    expect(res.status).toBe(403);
  });

  it('removes uploads older than a day, keeps recent ones', () => {
    const old = join(dataDir, 'uploads', 'old-one');
    mkdirSync(old, { recursive: true });
    const dayAndABit = Date.now() + UPLOAD_RETENTION_MS + 60_000;
    const fresh = readdirSync(join(dataDir, 'uploads')).length;
    expect(removeOldUploads(dataDir, dayAndABit)).toBe(fresh);
    expect(existsSync(old)).toBe(false);
  });
});

describe('browser host stop with a pre-connected socket', () => {
  it('answers an event-stream request sent after stop began with 503 HOST_STOPPING, and stops', async () => {
    const { connect } = await import('node:net');
    const dataDir = mkdtempSync(join(tmpdir(), 'dr-web-stop-'));
    const service = createService({ dataDir, host: 'web', secrets: createKeychainSecretStore(), findChromium: () => null });
    const host = await startWebHost({ service, dataDir, port: 0, rendererDir: null });
    // Chromium opens spare sockets before it needs them; the reconnecting EventSource then uses one.
    const socket = connect(host.port, '127.0.0.1');
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (reply += chunk));
    const socketClosed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      await new Promise((r) => setTimeout(r, 50));
      const stopped = host.close();
      socket.write(`GET /api/events?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: keep-alive\r\nAccept: text/event-stream\r\n\r\n`);
      await stopped;
      await socketClosed;
      // Either the socket was cut before the request was read, or the request got a clear refusal.
      if (reply !== '') {
        expect(reply).toMatch(/^HTTP\/1\.1 503 /);
        expect(reply).toContain('HOST_STOPPING');
        expect(reply.toLowerCase()).toContain('connection: close');
      }
    } finally {
      socket.destroy();
      await service.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 20_000);
});

describe('browser host edges', () => {
  let dataDir: string;
  let service: Service;
  let host: WebHost;
  let goodHost: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dr-web-edges-'));
    const rendererDir = join(dataDir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Drop Runner</title>');
    service = createService({ dataDir: join(dataDir, 'data'), host: 'web', secrets: createKeychainSecretStore(), findChromium: () => null });
    host = await startWebHost({ service, dataDir: join(dataDir, 'data'), port: 0, rendererDir });
    goodHost = `127.0.0.1:${host.port}`;
  });
  afterAll(async () => {
    await host.close();
    await service.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a malformed percent-encoded path (/%zz) with 400, not 500', async () => {
    const res = await rawRequest({ port: host.port, path: `/%zz?token=${host.token}`, headers: { Host: goodHost } });
    expect(res.status).toBe(400);
    expect(res.body).toContain('not valid percent-encoding');
    const ok = await rawRequest({ port: host.port, path: `/index.html?token=${host.token}`, headers: { Host: goodHost } });
    expect(ok.status).toBe(200);
  });

  it('keeps answering other requests while a large drop is being opened (the open runs in a worker thread)', async () => {
    const zip = await slowDrop(dataDir, 128);
    const order: string[] = [];
    const headers = { Host: goodHost, 'Content-Type': 'application/json', 'X-Drop-Runner-Token': host.token };
    const opening = rawRequest({ port: host.port, path: '/api/drop.open', method: 'POST', headers, body: JSON.stringify({ path: zip }) }).then((res) => {
      order.push('drop.open');
      return res;
    });
    // Ask for app.info a few times while the open is under way; every answer must arrive before the open's.
    for (let i = 0; i < 3; i++) {
      const info = await rawRequest({ port: host.port, path: '/api/app.info', method: 'POST', headers, body: '{}' });
      expect(info.status).toBe(200);
      order.push('app.info');
    }
    const opened = await opening;
    expect(JSON.parse(opened.body)).toMatchObject({ ok: true, result: { project: { id: 'test-project' } } });
    expect(order).toEqual(['app.info', 'app.info', 'app.info', 'drop.open']);
  });
});
