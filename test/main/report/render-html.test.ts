import { describe, expect, it } from 'vitest';
import type { JournalEvent } from '../../../common/journal-events';
import { renderReportHtml } from '../../../main/report/render-html';
import { buildReportModel } from '../../../main/report/report-model';
import { failedRetrySkipJournal, interruptedJournal, JournalBuilder, PLANTED_SECRET, STEPS, successfulJournal } from './journal-fixtures';

const fixed = { generatedAt: '2025-03-14T22:00:00.000Z', appVersion: '0.1.0' };
const html = (events: JournalEvent[]) => renderReportHtml(buildReportModel(events, fixed));

/** Every URL-ish reference a browser would try to load or follow. */
function externalReferences(doc: string): string[] {
  const refs: string[] = [];
  for (const m of doc.matchAll(/\b(?:src|href|xlink:href|srcset|action|poster|data)\s*=\s*["']?([^"'\s>]+)/gi)) refs.push(m[1]!);
  for (const m of doc.matchAll(/url\(\s*["']?([^"')]+)/gi)) refs.push(m[1]!);
  for (const m of doc.matchAll(/@import\s+["']?([^"';]+)/gi)) refs.push(m[1]!);
  return refs.filter((r) => /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(r) && !r.startsWith('#'));
}

describe('renderReportHtml', () => {
  const docs = { ok: html(successfulJournal()), failed: html(failedRetrySkipJournal()), interrupted: html(interruptedJournal()) };

  it('is self-contained: no external URL of any kind, no script, no link element', () => {
    for (const doc of Object.values(docs)) {
      expect(externalReferences(doc)).toEqual([]);
      expect(doc).not.toMatch(/https?:/i);
      expect(doc).not.toMatch(/<script|<link|<iframe|<img|<object|<embed/i);
      expect(doc).toContain("default-src 'none'");
    }
  });

  it('the reference check itself catches external URLs', () => {
    expect(externalReferences('<img src="https://cdn.example/x.png"><a href="//evil/x"></a><div style="background:url(http://x/y)"></div>')).toHaveLength(3);
    expect(externalReferences('<a href="#step-1"></a><svg><rect fill="url(#tl-hatch-bad)"/></svg>')).toEqual([]);
  });

  it('has the change-board title, release, tenant and every step', () => {
    const doc = docs.ok;
    expect(doc).toContain('<title>Deployment report — Patient Flow 2.4.0 — St Mary&#39;s Hospital</title>');
    expect(doc).toContain('<h1>Deployment report — Patient Flow 2.4.0 — St Mary&#39;s Hospital</h1>');
    expect(doc).toContain('2.4.0');
    expect(doc).toContain('St Mary&#39;s Hospital');
    for (const s of STEPS) expect(doc).toContain(s.name);
    expect(doc).toContain('9f2c1a7be5d04c8e3b6a1f0e2d4c6b8a0e1f2d3c4b5a69788796a5b4c3d2e1f0');
    expect(doc).toContain('48213');
    expect(doc).toContain('SourceConnection, EtlPassword');
  });

  it('is accessible markup: lang, headings, table headers with scope, an SVG timeline with a title', () => {
    const doc = docs.ok;
    expect(doc).toMatch(/<html lang="en">/);
    expect(doc.match(/<h1>/g)).toHaveLength(1);
    expect((doc.match(/<h2 /g) ?? []).length).toBeGreaterThanOrEqual(8);
    expect(doc).toContain('<th scope="col"');
    expect(doc).toContain('<th scope="row"');
    expect(doc).toMatch(/<svg [^>]*role="img" aria-labelledby="tl-title tl-desc"/);
    expect(doc).toContain('@media print');
    expect(doc).toContain('break-after: avoid');
    expect(doc).toContain('thead { display: table-header-group; }');
    expect(doc).toContain('<tbody class="lead-rows">');
  });

  it('states status in words, not colour only', () => {
    expect(docs.ok).toContain('Succeeded</span>');
    expect(docs.failed).toContain('Skipped</span>');
    expect(docs.failed).toContain('ETL is deployed by the BI team separately (change CHG-1182)');
    expect(docs.failed).toContain('SQL_BATCH_FAILED');
    expect(docs.failed).toContain('>Retry<');
    // Only a recorded decision is attributed to the operator.
    expect(docs.failed).toContain('<strong>Skipped by Jana de Vries.</strong> Reason: ETL is deployed');
    expect(docs.failed).toContain('<strong>Skipped.</strong> No operator decision is recorded for this step');
  });

  it('reports an interrupted run as incomplete, never as success', () => {
    const doc = docs.interrupted;
    expect(doc).toContain('INCOMPLETE / INTERRUPTED');
    expect(doc).toContain('must not be treated as successful');
    expect(doc).not.toMatch(/badge big tone-ok/);
    expect(doc).toContain('Cancel requested');
  });

  it('escapes markup in log lines, step names, tenant names and reasons', () => {
    const b = new JournalBuilder();
    const [first, ...rest] = failedRetrySkipJournal();
    const start = first as Extract<JournalEvent, { type: 'deployment-started' }>;
    b.add({
      ...start,
      tenant: { ...start.tenant, name: '<b>Evil & Co</b>' },
      steps: start.steps.map((s, i) => (i === 0 ? { ...s, name: '<img src=x onerror=alert(1)>' } : s)),
    } as never);
    for (const e of rest) b.add(e);
    b.log('<script>alert("owned")</script>', 'db-schema', 'error');
    const doc = html(b.events);
    expect(doc).not.toContain('<script>');
    expect(doc).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
    expect(doc).not.toContain('<img');
    expect(doc).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(doc).not.toContain('<b>Evil');
    expect(doc).toContain('&lt;b&gt;Evil &amp; Co&lt;/b&gt;');
    expect(doc).not.toMatch(/<\/style>[\s\S]*<\/style>/);
  });

  it('never shows a secret value, even one the journal should not have held', () => {
    const doc = html(successfulJournal({ leakSecret: true, secretInLog: true }));
    expect(doc).not.toContain(PLANTED_SECRET);
    expect(doc).toContain('********');
    expect(doc).toContain('report the journal to the vendor as a redaction defect');
  });

  it('cuts a long log for print and says so', () => {
    const b = new JournalBuilder();
    for (const e of interruptedJournal()) b.add(e);
    for (let i = 0; i < 50; i++) b.log(`line ${i}`, 'ssis-etl');
    const model = buildReportModel(b.events, fixed);
    const cut = renderReportHtml(model, { maxLogLines: 10 });
    expect(cut).toContain(`The first 10 of ${model.log.length} log lines`);
    expect(cut).not.toContain('line 49');
    expect(renderReportHtml(model)).toContain('line 49');
  });
});

describe('renderReportHtml: the machine clock', () => {
  it('says the times are UTC and what the machine clock was', () => {
    const doc = html(successfulJournal());
    expect(doc).toContain('Europe/Amsterdam, UTC+01:00 when the deployment started');
    expect(doc).toContain('times in this report are UTC');
  });
  it('says in its header that a demo deployment ran against the simulated server, and shows default-change decisions', () => {
    const [first, ...rest] = successfulJournal();
    const start = first as Extract<JournalEvent, { type: 'deployment-started' }>;
    const b = new JournalBuilder();
    b.add({
      ...start,
      simulatedServer: 'Simulated SQL Server (the Drop Runner TDS test double) on 127.0.0.1:14330: nothing is deployed to a real server.',
      variables: [...start.variables, { name: 'BatchTimeout', source: 'remembered', sensitive: false, value: '500', decision: 'keep-previous' }],
    } as never);
    for (const e of rest) b.add(e as never);
    const doc = html(b.events);
    const header = doc.slice(doc.indexOf('<header class="doc-header">'), doc.indexOf('</header>'));
    expect(header).toContain('SIMULATED SERVER — not a real deployment.');
    expect(header).toContain('127.0.0.1:14330');
    expect(doc).toMatch(/BatchTimeout<\/th><td>remembered<br><span class="small">default changed: kept the previous value<\/span>/);
    expect(html(successfulJournal())).not.toContain('SIMULATED SERVER');
    expect(buildReportModel(b.events, fixed).variables.find((v) => v.name === 'BatchTimeout')).toMatchObject({ decision: 'keep-previous' });
  });
});
