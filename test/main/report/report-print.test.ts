/**
 * The PDF of the sample deployment, printed by the real headless Chromium and read back with pdftotext:
 * how many pages it takes, that no heading is left at the foot of a page without its content, that
 * table headers repeat on the pages a table runs onto, and that a deployment to the simulated server
 * says so in the report's header. Skips visibly without Chromium or pdftotext.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeploymentManager } from '../../../main/deploy/deployment-manager';
import { findChromium } from '../../../main/report/render-pdf';
import { exportReport } from '../../../main/report/export-report';
import { buildReportModel } from '../../../main/report/report-model';
import { cleanup, deployWorld, scratch, startDeployDouble, TENANT, tenantValues, type DeployDouble } from '../deploy/deploy-fixture';

const hasPdftotext = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const ready = Boolean(findChromium()) && hasPdftotext;
if (!ready) console.warn('report-print SKIPPED: needs Chromium and pdftotext (poppler-utils)');

const SIMULATED = 'Simulated SQL Server (the Drop Runner TDS test double) on 127.0.0.1:1: nothing is deployed to a real server.';

/** The pages of a PDF as pdftotext lays them out: non-empty lines, the running header and footer removed. */
function pagesOf(pdf: string): string[][] {
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  return text
    .split('\f')
    .map((page) => page.split('\n').filter((l) => l.trim() !== '' && !/^Deployment report · /.test(l) && !/Page \d+ of \d+\s*$/.test(l)))
    .filter((lines) => lines.length > 0);
}

let double: DeployDouble;
let root: string;
let pdf: string;
let headings: string[];

beforeAll(async () => {
  if (!ready) return;
  double = await startDeployDouble();
  root = scratch('dr-report-print');
  const world = await deployWorld(tenantValues(double.server.port), root);
  // The demo's manager: its journals say the target was the simulated server.
  const manager = createDeploymentManager({ dataDir: world.dataDir, drops: world.drops, tenants: world.tenants, simulatedServer: SIMULATED });
  const { deploymentId } = await manager.start({ dropId: world.drop.id, tenantId: TENANT, operator: 'Jana de Vries', confirmManualChecks: true, onFailure: { kind: 'fail' } });
  expect((await manager.wait(deploymentId)).state).toBe('succeeded');
  const events = manager.journal(deploymentId).events;
  const out = path.join(root, 'report');
  const result = await exportReport(events, out, { formats: ['html', 'pdf'], appVersion: '0.0.0-test' });
  pdf = result.files.find((f) => f.format === 'pdf')!.path;
  const model = buildReportModel(events);
  // Section headings ("3. Preflight checks") and step headings ("2. Update the staging database").
  headings = [...model.steps.map((s) => `${s.index}. ${s.name}`), 'Appendix A — Deployment log'];
}, 240_000);
afterAll(async () => {
  if (!ready) return;
  await double.server.close();
  cleanup(root);
});

describe.skipIf(!ready)('the printed report of the sample deployment', () => {
  it('takes at most 7 A4 pages for 5 steps (was 9), and its header says the server was simulated', () => {
    const pages = pagesOf(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.length).toBeLessThanOrEqual(7);
    const firstPage = pages[0]!.join('\n');
    expect(firstPage).toContain('SIMULATED SERVER — not a real deployment.');
    expect(firstPage.indexOf('SIMULATED SERVER')).toBeLessThan(firstPage.indexOf('1. What was deployed'));
  });

  it('leaves no heading in the last lines of a page unless its section ends there', () => {
    const pages = pagesOf(pdf);
    const isHeading = (line: string) => /^\d+\. [A-Z]/.test(line.trim()) && (/^\S/.test(line) || headings.some((h) => line.trim().startsWith(h.slice(0, 30)))) || line.trim().startsWith('Appendix A');
    const orphans: string[] = [];
    pages.forEach((lines, i) => {
      if (i === pages.length - 1) return;
      const tail = lines.slice(-3);
      tail.forEach((line, k) => {
        if (!isHeading(line)) return;
        // A heading near the foot is fine only when its whole section is above it: the next page starts a new heading.
        const sectionEnds = k < tail.length - 1 && isHeading(pages[i + 1]![0]!);
        if (!sectionEnds) orphans.push(`page ${i + 1}: "${line.trim()}"`);
      });
    });
    expect(orphans).toEqual([]);
  });

  it('repeats the header row of a table that runs onto the next page', () => {
    const pages = pagesOf(pdf);
    // Every page that continues the log appendix starts with the log table's header row.
    const logPages = pages.map((lines, i) => ({ lines, i })).filter(({ lines }) => lines.some((l) => /^\+\d\d:\d\d:\d\d/.test(l)));
    expect(logPages.length).toBeGreaterThanOrEqual(1);
    for (const { lines } of logPages.slice(1)) expect(lines[0]).toMatch(/TIME\s+LEVEL\s+STEP\s+MESSAGE/);
  });
});
