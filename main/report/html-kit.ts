/**
 * Small building blocks shared by the deployment report and the change request: escaping, formatting
 * and the document shell. Every piece of data goes through `esc` (or `attr`) — drop, step and log text
 * is untrusted and may contain markup.
 */
import { OUTCOME_WORDS } from '../../common/journal-fold';
import { REPORT_STYLES } from './report-styles';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** A CSS string literal safe inside a <style> element: everything but plain characters becomes a hex escape. */
export function cssString(value: string): string {
  return `"${value.replace(/[^A-Za-z0-9 .,:_()-]/g, (c) => `\\${c.codePointAt(0)!.toString(16)} `)}"`;
}

/** "2025-03-14 09:05:12 UTC": reports are read in other time zones than they were made in. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Human duration: "350 ms", "4.2 s", "2 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(s).padStart(2, '0')} s`;
}

/** "+01:02:03" offset from the start, for log lines and decisions. */
export function formatOffset(ms: number): string {
  const totalS = Math.floor(ms / 1000);
  const hh = String(Math.floor(totalS / 3600)).padStart(2, '0');
  const mm = String(Math.floor((totalS % 3600) / 60)).padStart(2, '0');
  const ss = String(totalS % 60).padStart(2, '0');
  return `+${hh}:${mm}:${ss}`;
}

export type Tone = 'ok' | 'bad' | 'warn' | 'neutral' | 'open';

const STATUS: Record<string, { label: string; tone: Tone; mark: string }> = {
  succeeded: { label: 'Succeeded', tone: 'ok', mark: '✓' },
  'completed-with-skips': { label: OUTCOME_WORDS['completed-with-skips'], tone: 'warn', mark: '!' },
  pass: { label: 'Pass', tone: 'ok', mark: '✓' },
  failed: { label: 'Failed', tone: 'bad', mark: '✗' },
  fail: { label: 'Fail', tone: 'bad', mark: '✗' },
  aborted: { label: 'Aborted', tone: 'bad', mark: '✗' },
  cancelled: { label: 'Cancelled', tone: 'warn', mark: '■' },
  skipped: { label: 'Skipped', tone: 'warn', mark: '»' },
  warn: { label: 'Warning', tone: 'warn', mark: '!' },
  incomplete: { label: 'Incomplete', tone: 'open', mark: '…' },
  'not-run': { label: 'Not run', tone: 'neutral', mark: '–' },
};

/** The label, tone and glyph of an outcome or check status; the label carries the meaning without colour. */
export function statusOf(status: string): { label: string; tone: Tone; mark: string } {
  return STATUS[status] ?? { label: status, tone: 'neutral', mark: '•' };
}

/** A status badge: glyph + word + border style, so it reads the same in greyscale print. */
export function badge(status: string): string {
  const s = statusOf(status);
  return `<span class="badge tone-${s.tone}"><span aria-hidden="true">${s.mark}</span> ${esc(s.label)}</span>`;
}

/** A two-column table of facts with row headers. */
export function factTable(caption: string, rows: Array<[string, string]>, className = 'facts'): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${v}</td></tr>`).join('');
  return `<table class="${className}"><caption class="visually-hidden">${esc(caption)}</caption><tbody>${body}</tbody></table>`;
}

/** A monospace value that may wrap anywhere (hashes, paths). */
export function mono(value: string | null | undefined): string {
  return value ? `<span class="mono">${esc(value)}</span>` : '<span class="muted">—</span>';
}

export interface ShellOptions {
  title: string;
  /** Short text in the running page header of the printed document. */
  runningHeader: string;
  /** Short text in the running page footer, before the page number. */
  runningFooter: string;
  body: string;
}

/** The complete self-contained document: inline styles, a CSP that forbids loading anything, no script. */
export function documentShell(opts: ShellOptions): string {
  const pageBoxes = `@page { @top-left { content: ${cssString(opts.runningHeader)}; } @bottom-left { content: ${cssString(opts.runningFooter)}; } @bottom-right { content: "Page " counter(page) " of " counter(pages); } }`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Belt and braces: even if a future change slipped in a reference, the browser will not fetch it.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="Drop Runner">',
    `<title>${esc(opts.title)}</title>`,
    `<style>${REPORT_STYLES}\n${pageBoxes}</style>`,
    '</head>',
    '<body>',
    opts.body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
