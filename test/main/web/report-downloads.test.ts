/**
 * Report export in the browser host (issue 14 item 5): the page cannot open server paths, so every
 * exported file comes back with a download URL that serves exactly that file, only with the token;
 * the engine announces each format as it writes it (the PDF takes seconds) over the event stream.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload, ExportedFile } from '../../../common/contract';
import { createKeychainSecretStore } from '../../../main/platform/secret-store';
import { createService, type Service } from '../../../main/service';
import { startWebHost, type WebHost } from '../../../main/web/web-host';
import { rawRequest } from '../../support/http-request';
import { PLANTED_SECRET, successfulJournal } from '../report/journal-fixtures';

describe('browser host: report files as downloads', () => {
  let dataDir: string;
  let service: Service;
  let host: WebHost;
  let goodHost: string;
  const deploymentId = 'dep-20250314-2100-stmarys';

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dr-web-dl-'));
    const journalDir = join(dataDir, 'deployments', deploymentId);
    mkdirSync(journalDir, { recursive: true });
    writeFileSync(join(journalDir, 'journal.jsonl'), successfulJournal().map((e) => JSON.stringify(e)).join('\n') + '\n');
    service = createService({ dataDir, host: 'web', secrets: createKeychainSecretStore({ moduleId: 'no-keychain-needed-here' }), findChromium: () => null });
    host = await startWebHost({ service, dataDir, port: 0, rendererDir: null });
    goodHost = `127.0.0.1:${host.port}`;
  });
  afterAll(async () => {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const exportViaHost = async () => {
    const res = await rawRequest({
      port: host.port,
      path: '/api/report.export',
      method: 'POST',
      headers: { Host: goodHost, 'Content-Type': 'application/json', 'X-Drop-Runner-Token': host.token },
      body: JSON.stringify({ deploymentId, formats: ['html', 'json'] }),
    });
    expect(res.status).toBe(200);
    return (JSON.parse(res.body) as { ok: true; result: { files: ExportedFile[] } }).result.files;
  };
  const get = (path: string, headers: Record<string, string> = {}) => rawRequest({ port: host.port, path, method: 'GET', headers: { Host: goodHost, ...headers } });

  it('offers each exported file at a download URL that serves exactly its bytes, as an attachment', async () => {
    const progress: Array<EventPayload<'report-progress'>> = [];
    const stop = service.events.subscribe((name, payload) => {
      if (name === 'report-progress') progress.push(payload as EventPayload<'report-progress'>);
    });
    const files = await exportViaHost();
    stop();
    expect(files.map((f) => f.format)).toEqual(['html', 'json']);
    for (const f of files) {
      expect(f.download).toMatch(/^\/api\/download\/[A-Za-z0-9_-]{24}$/);
      const res = await get(f.download!, { 'X-Drop-Runner-Token': host.token });
      expect(res.status).toBe(200);
      expect(res.body).toBe(readFileSync(f.path, 'utf8'));
      expect(res.headers['content-disposition']).toBe(`attachment; filename="deployment-report-${deploymentId}.${f.format}"`);
      expect(res.headers['content-type']).toMatch(f.format === 'html' ? /^text\/html/ : /^application\/json/);
      expect(res.body).not.toContain(PLANTED_SECRET);
    }
    expect(progress).toEqual([
      { deploymentId, format: 'html', state: 'writing' },
      { deploymentId, format: 'html', state: 'written' },
      { deploymentId, format: 'json', state: 'writing' },
      { deploymentId, format: 'json', state: 'written' },
    ]);
  });

  it('refuses a download without the token (403) and answers 404 for a key it never offered', async () => {
    const [html] = await exportViaHost();
    expect((await get(html!.download!)).status).toBe(403);
    expect((await get('/api/download/not-a-key-we-offered', { 'X-Drop-Runner-Token': host.token })).status).toBe(404);
    // A path in place of a key names no file: keys are looked up, never joined to a folder.
    const traversal = await get(`/api/download/${encodeURIComponent('../../deployments/' + deploymentId + '/journal.jsonl')}`, { 'X-Drop-Runner-Token': host.token });
    expect(traversal.status).toBe(404);
    expect(traversal.body).not.toContain('deployment-started');
  });

  it('answers 404 once the exported file is gone', async () => {
    const [html] = await exportViaHost();
    rmSync(html!.path);
    const res = await get(html!.download!, { 'X-Drop-Runner-Token': host.token });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.code).toBe('DOWNLOAD_NOT_FOUND');
  });
});
