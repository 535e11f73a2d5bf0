/**
 * Evidence the end-to-end flows collect and check: screenshots of every screen, secret-leak scans over
 * exported files, a data folder and process output, the text of a PDF, and the UI performance figures.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { PerfSummary } from '../../renderer/perf/perf-summary';

export const SCREENS_DIR = 'test-results/screens';

/** Saves a viewport screenshot of the current screen as test-results/screens/<name>.png; returns the path. */
export async function screenshotScreen(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  const path = join(SCREENS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Every spelling a secret can take in a text file: as typed, JSON-escaped, HTML-escaped, and URL-encoded.
 * A scan for the raw value alone would miss `W1ndows\u0021…` or `&amp;` forms.
 */
export function secretSpellings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const html = secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  const htmlNumeric = secret.replace(/[&<>"'!]/g, (c) => `&#${c.charCodeAt(0)};`);
  return [...new Set([secret, json, html, htmlNumeric, encodeURIComponent(secret)])];
}

/** The secrets (shortened to 4 characters, so the report of a leak does not leak) found in a text. */
export function secretsIn(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => secretSpellings(s).some((form) => text.includes(form))).map((s) => `${s.slice(0, 4)}…`);
}

/**
 * Walks a folder and reads EVERY file as latin1 (binary ones too: a secret in a keychain-less fallback
 * file or a SQLite page would show as plain bytes); returns "path: secret…" for each hit.
 */
export function filesLeaking(dir: string, secrets: readonly string[]): { hits: string[]; filesScanned: number } {
  const hits: string[] = [];
  let filesScanned = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        filesScanned++;
        const text = readFileSync(p).toString('latin1');
        // UTF-16LE (as Windows tools write) would hide an ASCII secret from a byte search.
        const utf16 = readFileSync(p).toString('utf16le');
        for (const hit of new Set([...secretsIn(text, secrets), ...secretsIn(utf16, secrets)])) hits.push(`${p}: ${hit}`);
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return { hits, filesScanned };
}

/** The text of a PDF as pdftotext extracts it (layout kept, so table rows stay on one line). */
export function pdfText(pdfPath: string): string {
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdfPath, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** A figure as the UI publishes it on window.__dropRunnerPerf (the renderer's own summary type). */
export type PerfFigure = PerfSummary;

/** Issue 8's targets: a first render under 200 ms, input latency under 50 ms. */
const TARGETS: Array<{ match: RegExp; kind: string; ms: number }> = [
  { match: /first-render$/, kind: 'first render', ms: 200 },
  { match: /input-latency$/, kind: 'input latency', ms: 50 },
  { match: /scroll-latency$/, kind: 'scroll latency', ms: 50 },
];

/** One line per figure: name, samples, p50/p95/max, detail, and the target it is compared with. */
export function figureLines(figures: Record<string, PerfFigure | undefined>): string[] {
  return Object.entries(figures)
    .filter((entry): entry is [string, PerfFigure] => entry[1] !== undefined)
    .map(([name, f]) => {
      const target = TARGETS.find((t) => t.match.test(name));
      // The worst sample of a single render, the p95 of many inputs: what a user would notice.
      const judged = f.count === 1 ? f.max : f.p95;
      const verdict = target ? ` — target ${target.kind} < ${target.ms} ms: ${judged < target.ms ? 'met' : 'MISSED'} (${f.count === 1 ? 'value' : 'p95'} ${judged} ms)` : '';
      const detail = f.detail ? ` [${Object.entries(f.detail).map(([k, v]) => `${k}=${v}`).join(', ')}]` : '';
      return `figure ${name}: n=${f.count} p50=${f.p50} ms p95=${f.p95} ms max=${f.max} ms${detail}${verdict}`;
    });
}

/** Prints the figures one line each and merges them into a JSON file under a section name. */
export function publishFigures(file: string, section: string, figures: Record<string, PerfFigure | undefined>): string[] {
  const lines = figureLines(figures);
  for (const line of lines) console.log(`[${section}] ${line}`);
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // First writer of this run, or an old flat file: start over.
  }
  if (typeof all !== 'object' || all === null || Array.isArray(all) || !('sections' in all)) all = { sections: {} };
  (all.sections as Record<string, unknown>)[section] = { measuredAt: new Date().toISOString(), figures, summary: lines };
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  return lines;
}
