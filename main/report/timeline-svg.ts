/**
 * The step timeline as inline SVG: one row per step, one bar per attempt, positioned by the journal's
 * start/finish times. Bars carry a fill pattern per outcome and a text label, so the chart still reads
 * on a greyscale printout and in a screen reader (each bar has a <title>).
 */
import { esc, formatDuration, statusOf } from './html-kit';
import type { DeploymentReport, ReportStepOutcome } from './report-model';

const WIDTH = 720;
const LABEL_W = 215;
const RIGHT_PAD = 96;
const ROW_H = 24;
const TOP = 8;
const AXIS_H = 26;

const FILL: Record<ReportStepOutcome, string> = {
  succeeded: '#2f8a50',
  failed: 'url(#tl-hatch-bad)',
  skipped: 'url(#tl-hatch-warn)',
  cancelled: 'url(#tl-hatch-warn)',
  incomplete: 'url(#tl-dots-open)',
  'not-run': '#ffffff',
};

function niceStep(totalMs: number): number {
  const target = totalMs / 6;
  const candidates = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400].map((s) => s * 1000);
  return candidates.find((c) => c >= target) ?? Math.ceil(target / 3_600_000) * 3_600_000;
}

function tickLabel(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${s % 60}s` : ''}`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)}m` : ''}`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Renders the report's timeline as an accessible inline SVG element (no external references). */
export function renderTimelineSvg(model: DeploymentReport): string {
  const steps = model.steps;
  const total = Math.max(model.timeline.totalMs, 1000);
  const plotW = WIDTH - LABEL_W - RIGHT_PAD;
  const x = (ms: number): number => LABEL_W + (Math.min(ms, total) / total) * plotW;
  const height = TOP + steps.length * ROW_H + AXIS_H;
  const parts: string[] = [];

  parts.push(
    `<svg viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="tl-title tl-desc" font-family="Segoe UI, Arial, DejaVu Sans, sans-serif" font-size="10.5">`,
    '<title id="tl-title">Timeline of the deployment steps</title>',
    `<desc id="tl-desc">${esc(`${steps.length} steps over ${formatDuration(total)}; one bar per attempt.`)}</desc>`,
    '<defs>',
    '<pattern id="tl-hatch-bad" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#a4161a"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>',
    '<pattern id="tl-hatch-warn" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" fill="#fdf1dc"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8a5300" stroke-width="1.5"/></pattern>',
    '<pattern id="tl-dots-open" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#eeebf8"/><circle cx="2.5" cy="2.5" r="1.1" fill="#4b3a8c"/></pattern>',
    '</defs>',
  );

  // Grid and axis.
  const stepMs = niceStep(total);
  const axisY = TOP + steps.length * ROW_H;
  for (let t = 0; t <= total + 1; t += stepMs) {
    const gx = x(t).toFixed(1);
    parts.push(`<line x1="${gx}" y1="${TOP - 2}" x2="${gx}" y2="${axisY}" stroke="#dde2e8" stroke-width="1"/>`);
    parts.push(`<text x="${gx}" y="${axisY + 14}" text-anchor="middle" fill="#5a6472">${esc(tickLabel(t))}</text>`);
  }
  parts.push(`<line x1="${LABEL_W}" y1="${axisY}" x2="${LABEL_W + plotW}" y2="${axisY}" stroke="#5a6472" stroke-width="1"/>`);

  steps.forEach((step, i) => {
    const y = TOP + i * ROW_H;
    if (i % 2 === 1) parts.push(`<rect x="0" y="${y}" width="${WIDTH}" height="${ROW_H}" fill="#f6f8fa"/>`);
    parts.push(
      `<text x="4" y="${y + ROW_H / 2 + 3.5}" fill="#1a2230"><title>${esc(step.name)}</title>${esc(truncate(`${step.index}. ${step.name}`, 37))}</text>`,
    );
    const bars = model.timeline.bars.filter((b) => b.stepId === step.id);
    if (bars.length === 0) {
      parts.push(`<text x="${LABEL_W + 4}" y="${y + ROW_H / 2 + 3.5}" fill="#5a6472" font-style="italic">${esc(statusOf(step.outcome).label.toLowerCase())}</text>`);
      return;
    }
    for (const bar of bars) {
      const bx = x(bar.startMs);
      const bw = Math.max(2.5, x(bar.endMs) - bx);
      const s = statusOf(bar.outcome);
      const dashed = bar.finished ? '' : ' stroke-dasharray="3 2"';
      parts.push(
        `<rect x="${bx.toFixed(1)}" y="${y + 5}" width="${bw.toFixed(1)}" height="${ROW_H - 10}" rx="1.5" fill="${FILL[bar.outcome]}" stroke="#1a2230" stroke-width="0.6"${dashed}><title>${esc(
          `${step.name} — attempt ${bar.attempt}: ${s.label}, ${formatDuration(bar.endMs - bar.startMs)}`,
        )}</title></rect>`,
      );
    }
    const lastBar = bars[bars.length - 1]!;
    const label = `${statusOf(step.outcome).mark} ${statusOf(step.outcome).label}${bars.length > 1 ? ` (${bars.length} tries)` : ''}`;
    parts.push(
      `<text x="${(Math.max(x(lastBar.endMs), x(lastBar.startMs) + 2.5) + 4).toFixed(1)}" y="${y + ROW_H / 2 + 3.5}" fill="#1a2230" font-size="9">${esc(label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
