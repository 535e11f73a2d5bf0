/**
 * The deployment report as one self-contained HTML document, laid out like the paper a hospital change
 * board files: title, a summary box that answers "did it work, what, where, who, when", then the
 * evidence section by section, the log as an appendix. Electron prints this same HTML with printToPDF;
 * the CLI and browser host print it with headless Chromium.
 */
import {
  badge,
  documentShell,
  esc,
  factTable,
  formatDuration,
  formatOffset,
  formatTime,
  mono,
  statusOf,
} from './html-kit';
import type { DeploymentReport, ReportDecisionEvent, ReportStep } from './report-model';
import { renderTimelineSvg } from './timeline-svg';
import { renderBackOutAfter } from './back-out-plan';

export interface RenderHtmlOptions {
  /**
   * At most this many log lines in the appendix (the first ones are kept and the cut is stated).
   * Used for PDF, where a 100,000-line log would be thousands of pages; the HTML/JSON keep everything.
   */
  maxLogLines?: number;
}

const DECISION_LABEL: Record<ReportDecisionEvent['kind'], string> = {
  retry: 'Retry',
  skip: 'Skip',
  abort: 'Abort',
  'cancel-requested': 'Cancel requested',
  interrupted: 'Interrupted',
  resumed: 'Resumed',
  'interrupted-script': 'Interrupted script',
};

/** Renders the deployment report model as a self-contained HTML document (inline CSS, no script, no URL). */
export function renderReportHtml(model: DeploymentReport, opts: RenderHtmlOptions = {}): string {
  let n = 0;
  const num = (): number => ++n;
  const sections = [
    header(model),
    summaryBox(model),
    model.notApplied.length > 0 || model.cleanup.length > 0 ? notAppliedSection(model, num()) : '',
    identitySection(model, num()),
    preflightSection(model, num()),
    stepsOverview(model, num()),
    timelineSection(model, num()),
    stepDetails(model, num()),
    variablesSection(model, num()),
    decisionsSection(model, num()),
    model.backOut && model.backOut.backups.length + model.backOut.skippedBackups.length + model.backOut.ssisVersions.length > 0 ? renderBackOutAfter(model.backOut, model.deploymentId, num()) : '',
    model.notes.length > 0 ? notesSection(model, num()) : '',
    signOffSection(num()),
    logAppendix(model, opts.maxLogLines),
    footer(model),
  ];
  return documentShell({
    title: model.title,
    runningHeader: `Deployment report · ${model.drop.project.name} ${model.drop.release.version} · ${model.target.tenantName}`,
    runningFooter: `Deployment ${model.deploymentId} · ${statusOf(model.execution.outcome).label}`,
    body: `<main>${keepFirstRows(sections.join('\n'))}</main>`,
  });
}

/** Rows kept with their table's header (and so with the heading above it) when printed. */
const LEAD_ROWS = 3;

/**
 * Splits each table body into its first rows (one unbreakable group, see tbody.lead-rows in the
 * styles) and the rest, so a page never ends with a heading and a header row alone.
 */
function keepFirstRows(html: string): string {
  return html.replace(/<tbody>([\s\S]*?)<\/tbody>/g, (whole, body: string) => {
    const rows = body.match(/<tr[\s>][\s\S]*?<\/tr>/g);
    // Only a body made of rows (and the whitespace between them) is split.
    if (!rows || rows.reduce((rest, row) => rest.replace(row, ''), body).trim() !== '') return whole;
    if (rows.length <= LEAD_ROWS) return `<tbody class="lead-rows">${body}</tbody>`;
    return `<tbody class="lead-rows">${rows.slice(0, LEAD_ROWS).join('\n')}</tbody><tbody>${rows.slice(LEAD_ROWS).join('\n')}</tbody>`;
  });
}

function header(m: DeploymentReport): string {
  return `<header class="doc-header">
<div class="doc-kicker">Drop Runner · Deployment report for IT change records</div>
<h1>${esc(m.title)}</h1>
<div class="doc-sub">Environment <strong>${esc(m.target.environment)}</strong> · Deployment <span class="mono">${esc(m.deploymentId)}</span> · Generated ${esc(formatTime(m.generatedAt))}</div>
${m.simulatedServer ? `<div class="banner warn simulated" role="note"><strong>SIMULATED SERVER — not a real deployment.</strong> ${esc(m.simulatedServer)}</div>` : ''}
</header>`;
}

function verdict(m: DeploymentReport): string {
  const s = m.summary.steps;
  const skippedNames = m.notApplied.filter((n) => n.status === 'skipped').map((n) => `"${n.name}"${n.reason ? ` (${n.reason})` : ''}`);
  switch (m.execution.outcome) {
    case 'succeeded':
      return s.skipped > 0
        ? `Completed: every step was applied as planned (${s.succeeded} of ${s.total} ran; ${s.skipped} left out by its run condition or before the run).`
        : `Completed: all ${s.total} steps succeeded.`;
    case 'completed-with-skips':
      return `Not fully applied: ${s.succeeded} of ${s.total} steps succeeded; skipped: ${skippedNames.join('; ') || `${s.skipped} step(s)`}.`;
    case 'incomplete':
      return 'The journal ends without a "deployment finished" record: this deployment did not complete and must not be treated as successful.';
    case 'failed':
      return `The deployment failed: ${s.failed} step(s) failed, ${s.succeeded} of ${s.total} succeeded.`;
    case 'aborted':
      return `The operator aborted the deployment after a failure: ${s.succeeded} of ${s.total} steps succeeded.`;
    case 'cancelled':
      return 'The deployment was cancelled before it completed.';
  }
}

/** First thing after the summary: what was not applied and why, and the clean-up that ran. */
function notAppliedSection(m: DeploymentReport, no: number): string {
  const rows = m.notApplied
    .map(
      (n) =>
        `<tr><th scope="row">${esc(n.name)} <span class="muted mono">(${esc(n.stepId)})</span></th><td>${badge(n.status === 'running' ? 'incomplete' : n.status)}</td><td>${esc(n.why)}${
          n.reason ? `<div><strong>Reason:</strong> ${esc(n.reason)}${n.by ? ` — ${esc(n.by)}` : ''}</div>` : ''
        }</td></tr>`,
    )
    .join('');
  const table = m.notApplied.length
    ? `<table><caption class="visually-hidden">Steps not applied</caption><thead><tr><th scope="col" style="width:34%">Step</th><th scope="col" style="width:16%">Status</th><th scope="col">Why</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>Every step was applied.</p>';
  const cleanup = m.cleanup.length
    ? `<h3>Clean-up steps that ran after the deployment stopped</h3><ul>${m.cleanup.map((c) => `<li>${esc(c.name)} — ${badge(c.outcome)}</li>`).join('')}</ul>`
    : '';
  return `<section aria-labelledby="notapplied-h"><h2 id="notapplied-h">${no}. Not applied — what is left to do</h2>${table}${cleanup}</section>`;
}

function summaryBox(m: DeploymentReport): string {
  const e = m.execution;
  const cell = (k: string, v: string): string => `<div><span class="k">${esc(k)}</span><span class="v">${v}</span></div>`;
  const s = m.summary;
  const counts = [
    `${s.steps.succeeded} succeeded`,
    `${s.steps.failed} failed`,
    `${s.steps.skipped} skipped`,
    ...(s.steps.cancelled ? [`${s.steps.cancelled} cancelled`] : []),
    ...(s.steps.incomplete ? [`${s.steps.incomplete} incomplete`] : []),
    ...(s.steps.notRun ? [`${s.steps.notRun} not run`] : []),
  ];
  const pf = s.preflight ? `${s.preflight.pass} pass · ${s.preflight.warn} warn · ${s.preflight.fail} fail` : 'not recorded';
  const banner =
    e.outcome === 'incomplete'
      ? `<div class="banner open" role="note">INCOMPLETE / INTERRUPTED — last journal entry ${esc(formatTime(e.lastEventAt))}. The outcome of the step that was running is unknown.</div>`
      : e.outcome === 'completed-with-skips'
        ? `<div class="banner warn" role="note">NOT FULLY APPLIED — ${m.notApplied.length} step(s) were not applied; the list and the reasons follow.</div>`
        : e.outcome !== 'succeeded'
        ? `<div class="banner" role="note">${esc(statusOf(e.outcome).label.toUpperCase())} — ${m.notApplied.length} step(s) not applied; see the list below, the step details and the operator decisions.</div>`
        : '';
  return `<section class="summary" aria-labelledby="summary-h">
<h2 id="summary-h" class="visually-hidden">Summary</h2>
<div class="summary-head"><span class="badge big tone-${statusOf(e.outcome).tone}"><span aria-hidden="true">${statusOf(e.outcome).mark}</span> ${esc(statusOf(e.outcome).label)}</span><span class="verdict">${esc(verdict(m))}</span></div>
<div class="summary-grid">
${cell('Project', esc(m.drop.project.name))}
${cell('Release', esc(m.drop.release.version))}
${cell('Tenant', esc(m.target.tenantName))}
${cell('Environment', esc(m.target.environment))}
${cell('Started', esc(formatTime(e.startedAt)))}
${cell('Finished', e.finishedAt ? esc(formatTime(e.finishedAt)) : '<em>not finished</em>')}
${cell('Duration', e.durationMs !== null ? esc(formatDuration(e.durationMs)) : `<em>unknown</em> (≥ ${esc(formatDuration(m.timeline.totalMs))})`)}
${cell('Operator', esc(e.operator))}
${cell('Machine / OS user', `${esc(e.machine)} / ${esc(e.osUser)}`)}
</div>
<div class="summary-foot"><span class="counts"><strong>Steps:</strong> ${counts.map((c) => `<span>${esc(c)}</span>`).join('')}</span><br>
<strong>Preflight:</strong> ${esc(pf)} · <strong>Warnings:</strong> ${s.warnings} · <strong>Failed attempts:</strong> ${s.errors} · <strong>Retries:</strong> ${s.retries} · <strong>Skips:</strong> ${s.skips} · <strong>Interruptions:</strong> ${s.interruptions}</div>
</section>
${banner}`;
}

function identitySection(m: DeploymentReport, no: number): string {
  const d = m.drop;
  const sig = d.signature.publisher ? `${d.signature.state} — ${d.signature.publisher}` : d.signature.state;
  const drop = factTable('Drop identity', [
    ['Project', `${esc(d.project.name)} <span class="muted mono">(${esc(d.project.id)})</span>`],
    ['Release', esc(d.release.version)],
    ...(d.release.channel ? ([['Channel', esc(d.release.channel)]] as Array<[string, string]>) : []),
    ['Drop format', esc(d.format === 'octopus' ? 'Octopus offline package drop' : 'Native drop')],
    ['Zip SHA-256', d.sha256 ? mono(d.sha256) : '<span class="muted">opened from a folder (no zip hash)</span>'],
    ['Signature', `${d.signature.state === 'verified' ? badge('pass') : badge('warn')} ${esc(sig)}`],
    ['Opened from', mono(d.sourcePath)],
  ]);
  const target = factTable('Target and operator', [
    ['Tenant', `${esc(m.target.tenantName)} <span class="muted mono">(${esc(m.target.tenantId)})</span>`],
    ['Environment', esc(m.target.environment)],
    ['Machine', esc(m.execution.machine)],
    [
      'Machine clock',
      m.execution.machineClock
        ? `${esc(m.execution.machineClock.timeZone)}, UTC${esc(m.execution.machineClock.utcOffset)} when the deployment started <span class="muted">(times in this report are UTC)</span>`
        : '<span class="muted">not recorded (times in this report are UTC)</span>',
    ],
    ['OS user', esc(m.execution.osUser)],
    ['Operator', esc(m.execution.operator)],
    ['Deployment id', mono(m.deploymentId)],
    ...(m.execution.resumedFrom ? ([['Resumed from', mono(m.execution.resumedFrom)]] as Array<[string, string]>) : []),
  ]);
  const notes = d.release.notes ? `<h3>Release notes</h3><p style="white-space:pre-wrap">${esc(d.release.notes)}</p>` : '';
  return `<section aria-labelledby="id-h"><h2 id="id-h">${no}. What was deployed, where and by whom</h2>
<div class="two-col"><div><h3>Drop</h3>${drop}</div><div><h3>Target</h3>${target}</div></div>${notes}</section>`;
}

function preflightSection(m: DeploymentReport, no: number): string {
  if (!m.preflight) {
    return `<section aria-labelledby="pf-h"><h2 id="pf-h">${no}. Preflight checks</h2><p class="muted">The journal holds no preflight results.</p></section>`;
  }
  const rows = m.preflight.checks
    .map(
      (c) =>
        `<tr><td>${badge(c.status)}</td><th scope="row">${esc(c.title)}</th><td>${esc(c.detail)}${c.hint ? `<div class="muted">${esc(c.hint)}</div>` : ''}</td></tr>`,
    )
    .join('');
  const runs = m.preflight.runs > 1 ? ` Preflight ran ${m.preflight.runs} times; the last run is shown.` : '';
  return `<section aria-labelledby="pf-h"><h2 id="pf-h">${no}. Preflight checks</h2>
<p class="lead">Run ${esc(formatTime(m.preflight.at))}.${esc(runs)}</p>
<table><caption class="visually-hidden">Preflight checks</caption><thead><tr><th scope="col" style="width:13%">Result</th><th scope="col" style="width:30%">Check</th><th scope="col">Detail</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function stepsOverview(m: DeploymentReport, no: number): string {
  const rows = m.steps
    .map(
      (s) =>
        `<tr><td class="num">${s.index}</td><th scope="row">${esc(s.name)}</th><td>${esc(s.type)}</td><td>${badge(s.outcome)}</td><td class="num">${s.attempts.length}</td><td class="num">${esc(formatDuration(s.durationMs))}</td></tr>`,
    )
    .join('');
  return `<section aria-labelledby="steps-h"><h2 id="steps-h">${no}. Steps</h2>
<table><caption class="visually-hidden">Steps and their outcomes</caption><thead><tr><th scope="col" class="num">#</th><th scope="col">Step</th><th scope="col">Type</th><th scope="col">Outcome</th><th scope="col" class="num">Attempts</th><th scope="col" class="num">Duration</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function timelineSection(m: DeploymentReport, no: number): string {
  return `<section aria-labelledby="tl-h"><h2 id="tl-h">${no}. Timeline</h2>
<figure class="timeline">${renderTimelineSvg(m)}
<figcaption>Time from the start of the deployment (${esc(formatTime(m.execution.startedAt))}). Solid: succeeded · cross-hatched dark: failed · hatched light: skipped or cancelled · dotted with dashed outline: did not finish. Each attempt is a separate bar.</figcaption></figure></section>`;
}

function stepTone(s: ReportStep): string {
  const tone = statusOf(s.outcome).tone;
  return tone === 'ok' || tone === 'neutral' ? '' : ` tone-${tone}-step`;
}

function stepBlock(s: ReportStep): string {
  const parts: string[] = [];
  parts.push(
    `<div class="step-head"><h3 id="step-${s.index}">${s.index}. ${esc(s.name)}</h3>${badge(s.outcome)}</div>`,
    `<div class="step-meta">Type ${esc(s.type)} · id <span class="mono">${esc(s.id)}</span> · ${s.attempts.length} attempt(s) · ${esc(formatDuration(s.durationMs))}${
      s.startedAt ? ` · ${esc(formatTime(s.startedAt))} → ${esc(s.finishedAt ? formatTime(s.finishedAt) : 'not finished')}` : ''
    }${s.transactional ? ` · Rollback: ${esc(s.transactional)}` : ''}</div>`,
  );
  if (s.outcome === 'skipped' && s.skipCause === 'run-condition') {
    parts.push(`<div class="muted">Not run, as planned: ${s.skipReason ? esc(s.skipReason) : 'its run condition said so'}.</div>`);
  } else if (s.outcome === 'skipped') {
    parts.push(
      s.skippedBy
        ? `<div class="warn-box"><strong>Skipped by ${esc(s.skippedBy)}.</strong> Reason: ${s.skipReason ? esc(s.skipReason) : '<em>none given</em>'}</div>`
        : '<div class="warn-box"><strong>Skipped.</strong> No operator decision is recorded for this step; see the warnings.</div>',
    );
  }
  if (s.outcome === 'incomplete') {
    parts.push('<div class="warn-box"><strong>Did not finish.</strong> The deployment stopped while this step was running; what it changed before stopping is not known from the journal.</div>');
  }
  const a = s.applied;
  const facts: Array<[string, string]> = [];
  if (a.ssisFolders.length) facts.push(['SSIS folder', a.ssisFolders.map(esc).join(', ')]);
  if (a.ssisProjects.length) facts.push(['SSIS project', a.ssisProjects.map(esc).join(', ')]);
  if (a.ssisOperationIds.length) facts.push(['SSISDB operation id', a.ssisOperationIds.map((id) => mono(id)).join(', ')]);
  if (a.environmentVariables.length) facts.push(['Environment variables changed', a.environmentVariables.map(esc).join(', ')]);
  if (facts.length) parts.push(factTable(`What step ${s.index} changed`, facts));
  const quiet = facts.length === 0 && s.errors.length === 0 && s.warnings.length === 0 && s.outcome !== 'skipped' && s.outcome !== 'incomplete';
  // A step with little to show (a manual check, nothing applied) prints as a compact block, not a table:
  // the page count should follow the content, not the number of steps.
  if (quiet && s.artifacts.length <= 3 && s.artifacts.every((x) => !x.sha256)) {
    const lines = s.artifacts.length
      ? `<ul class="applied-inline">${s.artifacts.map((x) => `<li>${esc(x.name)}: ${esc(x.action)}${x.detail ? ` — ${esc(x.detail)}` : ''}</li>`).join('')}</ul>`
      : s.outcome !== 'not-run'
        ? '<ul class="applied-inline"><li class="muted">The journal records nothing applied by this step.</li></ul>'
        : '';
    return `<article class="step compact${stepTone(s)}" aria-labelledby="step-${s.index}">${parts.join('')}${lines}</article>`;
  }
  if (s.artifacts.length) {
    const rows = s.artifacts
      .map(
        (x) =>
          `<tr><td class="nowrap">${esc(x.kind)}</td><th scope="row">${esc(x.name)}</th><td>${esc(x.action)}</td><td>${x.sha256 ? mono(x.sha256) : x.detail ? esc(x.detail) : '<span class="muted">—</span>'}${
            x.sha256 && x.detail ? `<div class="muted">${esc(x.detail)}</div>` : ''
          }</td></tr>`,
      )
      .join('');
    parts.push(
      `<h4>Applied</h4><table><caption class="visually-hidden">Artifacts applied by step ${s.index}</caption><thead><tr><th scope="col" style="width:14%">Kind</th><th scope="col" style="width:30%">Name</th><th scope="col" style="width:16%">Action</th><th scope="col">SHA-256 / detail</th></tr></thead><tbody>${rows}</tbody></table>`,
    );
  } else if (s.outcome !== 'not-run') {
    parts.push('<p class="muted">The journal records nothing applied by this step.</p>');
  }
  for (const err of s.errors) {
    parts.push(
      `<div class="error-box"><strong>Error on attempt ${err.attempt}</strong> (${esc(formatTime(err.at))}) <span class="mono">${esc(err.code)}</span><br>${esc(err.message)}${
        err.hint ? `<div class="muted">Hint: ${esc(err.hint)}</div>` : ''
      }</div>`,
    );
  }
  for (const w of s.warnings) parts.push(`<div class="warn-box"><strong>Warning</strong> (${esc(formatTime(w.at))}): ${esc(w.message)}</div>`);
  return `<article class="step${stepTone(s)}" aria-labelledby="step-${s.index}">${parts.join('')}</article>`;
}

function stepDetails(m: DeploymentReport, no: number): string {
  const general = m.warnings.length
    ? `<h3>Warnings not tied to a step</h3>${m.warnings.map((w) => `<div class="warn-box">${esc(formatTime(w.at))}: ${esc(w.message)}</div>`).join('')}`
    : '';
  return `<section aria-labelledby="details-h"><h2 id="details-h">${no}. Step details — what was applied</h2>${m.steps.map(stepBlock).join('\n')}${general}</section>`;
}

function variablesSection(m: DeploymentReport, no: number): string {
  if (m.variables.length === 0) {
    return `<section aria-labelledby="vars-h"><h2 id="vars-h">${no}. Variables used</h2><p class="muted">No variables were recorded.</p></section>`;
  }
  const rows = m.variables
    .map(
      (v) =>
        `<tr><th scope="row" class="mono">${esc(v.name)}</th><td>${esc(v.source)}${v.decision ? `<br><span class="small">default changed: ${v.decision === 'keep-previous' ? 'kept the previous value' : 'new default used'}</span>` : ''}</td><td>${v.sensitive ? 'Yes' : 'No'}</td><td>${v.sensitive ? '<span class="mono">********</span>' : mono(v.value)}</td></tr>`,
    )
    .join('');
  return `<section aria-labelledby="vars-h"><h2 id="vars-h">${no}. Variables used</h2>
<p>Sensitive values are never shown; they appear as <span class="mono">********</span>.</p>
<table><caption class="visually-hidden">Variables used</caption><thead><tr><th scope="col" style="width:30%">Name</th><th scope="col" style="width:18%">Source</th><th scope="col" style="width:10%">Sensitive</th><th scope="col">Value</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function decisionsSection(m: DeploymentReport, no: number): string {
  const rows = m.decisions
    .map(
      (d) =>
        `<tr><td class="nowrap">${esc(formatTime(d.at))}<div class="muted">${esc(formatOffset(d.offsetMs))}</div></td><th scope="row">${esc(DECISION_LABEL[d.kind])}</th><td>${d.stepName ? esc(d.stepName) : '<span class="muted">—</span>'}</td><td>${d.by ? esc(d.by) : '<span class="muted">—</span>'}</td><td>${[
          d.reason ? `Reason: ${esc(d.reason)}` : '',
          d.detail ? esc(d.detail) : '',
        ]
          .filter(Boolean)
          .join('<br>') || '<span class="muted">—</span>'}</td></tr>`,
    )
    .join('');
  const incomplete = m.execution.complete
    ? ''
    : `<div class="banner open">The journal ends at ${esc(formatTime(m.execution.lastEventAt))} without a "deployment finished" record.</div>`;
  const body = m.decisions.length
    ? `<table><caption class="visually-hidden">Interruptions and operator decisions</caption><thead><tr><th scope="col" style="width:19%">When</th><th scope="col" style="width:13%">Event</th><th scope="col" style="width:22%">Step</th><th scope="col" style="width:12%">By</th><th scope="col">Reason / detail</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No retries, skips, cancellations or interruptions.</p>';
  return `<section aria-labelledby="dec-h"><h2 id="dec-h">${no}. Interruptions and operator decisions</h2>${body}${incomplete}</section>`;
}

function notesSection(m: DeploymentReport, no: number): string {
  return `<section aria-labelledby="notes-h"><h2 id="notes-h">${no}. Notes on the journal</h2>${m.notes.map((n) => `<div class="note-box">${esc(n)}</div>`).join('')}</section>`;
}

function signOffSection(no: number): string {
  return `<section class="keep" aria-labelledby="sign-h"><h2 id="sign-h">${no}. Review and sign-off</h2>
<p>For the change record: the reviewer confirms that this report matches the approved change.</p>
<div class="signoff-block"><div class="signoff">
<div class="field"><span>Reviewed by (name, role)</span></div><div class="field"><span>Change reference</span></div>
<div class="field"><span>Signature</span></div><div class="field"><span>Date</span></div>
</div></div></section>`;
}

function logAppendix(m: DeploymentReport, maxLines: number | undefined): string {
  const limit = maxLines ?? Number.POSITIVE_INFINITY;
  const shown = m.log.length > limit ? m.log.slice(0, limit) : m.log;
  const stepNames = new Map(m.steps.map((s) => [s.id, s.index]));
  const rows = shown
    .map(
      (l) =>
        `<tr class="lvl-${l.level}"><td class="nowrap">${esc(formatOffset(l.offsetMs))}</td><td class="lvl">${esc(l.level.toUpperCase())}</td><td class="nowrap">${
          l.stepId ? esc(stepNames.get(l.stepId) ?? l.stepId) : ''
        }</td><td class="msg">${l.source ? `[${esc(l.source)}] ` : ''}${esc(l.message)}</td></tr>`,
    )
    .join('\n');
  const cut =
    shown.length < m.log.length
      ? `<p class="note-box">The first ${shown.length.toLocaleString('en-US')} of ${m.log.length.toLocaleString('en-US')} log lines are printed here. The HTML and JSON reports hold the complete log.</p>`
      : '';
  const body = m.log.length
    ? `<table class="log"><caption class="visually-hidden">Deployment log</caption><thead><tr><th scope="col" style="width:9%">Time</th><th scope="col" style="width:7%">Level</th><th scope="col" style="width:5%">Step</th><th scope="col">Message</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="muted">The journal holds no log lines.</p>';
  return `<section class="appendix" aria-labelledby="log-h"><h2 id="log-h">Appendix A — Deployment log</h2>
<p>${m.log.length.toLocaleString('en-US')} lines, redacted. Times are offsets from the start (${esc(formatTime(m.execution.startedAt))}); the step column is the step number.</p>${cut}${body}</section>`;
}

function footer(m: DeploymentReport): string {
  return `<footer class="doc-footer">Generated ${esc(formatTime(m.generatedAt))} by ${esc(m.generator.name)}${
    m.generator.version ? ` ${esc(m.generator.version)}` : ''
  } from the deployment journal alone (${m.journal.events} events, seq ${m.journal.firstSeq}–${m.journal.lastSeq}, ${esc(formatTime(m.journal.firstAt))} to ${esc(
    formatTime(m.journal.lastAt),
  )}). Secret values are never included.</footer>`;
}
