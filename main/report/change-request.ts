/**
 * The "change request": the same document family as the deployment report, made from the plan
 * (dry-run) before anything runs, so the hospital's change board can approve exactly what will happen.
 * The deploy planner adapts its plan to ChangeRequestInput; this file owns the layout.
 */
import { z } from 'zod';
import { AppError } from '../../common/errors';
import type { PreflightCheck } from '../../common/journal-events';
import { badge, documentShell, esc, factTable, formatTime, mono } from './html-kit';
import { MASK } from './report-model';
import { renderBackOutBefore, type PlannedBackup, type PlannedSsisVersion } from './back-out-plan';

export interface ChangeRequestStep {
  id: string;
  name: string;
  type: string;
  /** What the step rolls back on failure ("each script in its own transaction", "none"). */
  transactional?: string;
  description?: string;
  /** Scripts the journal in the target says have not run yet, in run order. */
  scriptsPending?: Array<{ name: string; sha256?: string }>;
  /** Scripts already applied on the target; listed so reviewers see they will not run again. */
  scriptsAlreadyApplied?: Array<{ name: string; sha256?: string }>;
  /** SSIS catalog objects the step will create or change. */
  ssisChanges?: Array<{
    kind: 'folder' | 'project' | 'environment' | 'variable' | 'reference' | 'parameter';
    name: string;
    /** 'create', 'update', 'unchanged', … */
    action: string;
    detail?: string;
  }>;
  /** For manual steps: what the engineer will do or check. */
  instructions?: string;
  warnings?: string[];
  /** The verified backup the step takes before its first change (back-out plan). */
  backup?: PlannedBackup;
  /** The drop turned the backup off for this step. */
  backupOff?: boolean;
  /** The SSIS version the catalog can return to. */
  ssisVersion?: PlannedSsisVersion;
}

export interface ChangeRequestInput {
  drop: {
    id?: string;
    format: 'native' | 'octopus';
    project: { id: string; name: string };
    release: { version: string; channel?: string; notes?: string };
    sha256: string | null;
    signature: { state: string; publisher?: string };
    sourcePath?: string;
  };
  tenant: { id: string; name: string; environment: string };
  /** The engineer preparing the change. */
  preparedBy?: string;
  /** ISO time; defaults to now. */
  preparedAt?: string;
  machine?: string;
  /** Free text, e.g. "Thu 20 March 2025, 22:00–23:30". */
  plannedWindow?: string;
  steps: ChangeRequestStep[];
  /** Values to be used; a sensitive value is never shown, whatever is passed here. */
  variables: Array<{ name: string; source: string; sensitive: boolean; value?: string }>;
  preflight?: { at?: string; checks: PreflightCheck[] } | null;
  /** Roles that sign the approval block; defaults to hospital IT, change board and deployment engineer. */
  approvers?: string[];
  appVersion?: string;
}

const changeRequestInputSchema = z.object({
  drop: z.object({
    project: z.object({ id: z.string(), name: z.string().min(1) }),
    release: z.object({ version: z.string().min(1) }),
    format: z.enum(['native', 'octopus']),
    sha256: z.string().nullable(),
    signature: z.object({ state: z.string() }),
  }),
  tenant: z.object({ id: z.string(), name: z.string().min(1), environment: z.string() }),
  steps: z.array(z.object({ id: z.string().min(1), name: z.string(), type: z.string() })).min(1),
  variables: z.array(z.object({ name: z.string(), source: z.string(), sensitive: z.boolean() })),
});

const DEFAULT_APPROVERS = ['Hospital IT / database administrator', 'Change advisory board', 'Deployment engineer (vendor)'];

/** Renders the pre-deployment change request for approval; throws REPORT_PLAN_INVALID for an unusable plan. */
export function renderChangeRequestHtml(plan: ChangeRequestInput): string {
  const checked = changeRequestInputSchema.safeParse(plan);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new AppError(
      'REPORT_PLAN_INVALID',
      `The plan cannot be turned into a change request: "${issue.path.join('.') || '(plan)'}" ${issue.message}.`,
      'Open the drop and complete the plan (tenant, release and at least one step) before exporting the change request.',
      { path: issue.path.join('.') },
    );
  }
  const title = `Change request — ${plan.drop.project.name} ${plan.drop.release.version} — ${plan.tenant.name}`;
  const preparedAt = plan.preparedAt ?? new Date().toISOString();
  const pending = plan.steps.reduce((n, s) => n + (s.scriptsPending?.length ?? 0), 0);
  const ssisChanges = plan.steps.reduce((n, s) => n + (s.ssisChanges?.filter((c) => c.action !== 'unchanged').length ?? 0), 0);
  const pf = plan.preflight?.checks;
  const pfSummary = pf
    ? `${pf.filter((c) => c.status === 'pass').length} pass · ${pf.filter((c) => c.status === 'warn').length} warn · ${pf.filter((c) => c.status === 'fail').length} fail`
    : 'not run yet';
  let n = 0;
  const num = (): number => ++n;

  const cell = (k: string, v: string): string => `<div><span class="k">${esc(k)}</span><span class="v">${v}</span></div>`;
  const summary = `<section class="summary" aria-labelledby="summary-h"><h2 id="summary-h" class="visually-hidden">Summary</h2>
<div class="summary-head"><span class="badge big tone-neutral">For approval</span><span class="verdict">Nothing has been changed yet. This document describes what the deployment will do, for approval before it runs.</span></div>
<div class="summary-grid">
${cell('Project', esc(plan.drop.project.name))}${cell('Release', esc(plan.drop.release.version))}${cell('Tenant', esc(plan.tenant.name))}
${cell('Environment', esc(plan.tenant.environment))}${cell('Planned window', plan.plannedWindow ? esc(plan.plannedWindow) : '<em>to be agreed</em>')}${cell('Prepared by', plan.preparedBy ? esc(plan.preparedBy) : '—')}
</div>
<div class="summary-foot"><strong>Steps:</strong> ${plan.steps.length} · <strong>Scripts to run:</strong> ${pending} · <strong>SSIS objects to create or change:</strong> ${ssisChanges} · <strong>Preflight:</strong> ${esc(pfSummary)}</div>
</section>${pf?.some((c) => c.status === 'fail') ? '<div class="banner" role="note">Preflight has failing checks: the deployment cannot run until they are resolved.</div>' : ''}`;

  const d = plan.drop;
  const identity = `<section aria-labelledby="id-h"><h2 id="id-h">${num()}. What will be deployed, and where</h2><div class="two-col"><div><h3>Drop</h3>${factTable('Drop identity', [
    ['Project', `${esc(d.project.name)} <span class="muted mono">(${esc(d.project.id)})</span>`],
    ['Release', esc(d.release.version)],
    ...(d.release.channel ? ([['Channel', esc(d.release.channel)]] as Array<[string, string]>) : []),
    ['Drop format', d.format === 'octopus' ? 'Octopus offline package drop' : 'Native drop'],
    ['Zip SHA-256', d.sha256 ? mono(d.sha256) : '<span class="muted">opened from a folder (no zip hash)</span>'],
    ['Signature', `${d.signature.state === 'verified' ? badge('pass') : badge('warn')} ${esc(d.signature.publisher ? `${d.signature.state} — ${d.signature.publisher}` : d.signature.state)}`],
  ])}</div><div><h3>Target</h3>${factTable('Target', [
    ['Tenant', `${esc(plan.tenant.name)} <span class="muted mono">(${esc(plan.tenant.id)})</span>`],
    ['Environment', esc(plan.tenant.environment)],
    ...(plan.machine ? ([['Prepared on', esc(plan.machine)]] as Array<[string, string]>) : []),
    ['Prepared', esc(formatTime(preparedAt))],
  ])}</div></div>${d.release.notes ? `<h3>Release notes</h3><p style="white-space:pre-wrap">${esc(d.release.notes)}</p>` : ''}</section>`;

  const overviewRows = plan.steps
    .map((s, i) => {
      const what = [
        s.scriptsPending?.length ? `${s.scriptsPending.length} script(s) to run` : '',
        s.ssisChanges?.length ? `${s.ssisChanges.filter((c) => c.action !== 'unchanged').length} SSIS object(s) to create/change` : '',
        s.type === 'manual-check' ? 'manual check' : '',
      ]
        .filter(Boolean)
        .join(', ');
      return `<tr><td class="num">${i + 1}</td><th scope="row">${esc(s.name)}</th><td>${esc(s.type)}</td><td>${esc(what || '—')}</td><td>${s.transactional ? esc(s.transactional) : '<span class="muted">not declared</span>'}</td></tr>`;
    })
    .join('');
  const overview = `<section aria-labelledby="plan-h"><h2 id="plan-h">${num()}. Planned steps</h2><p>The steps run in this order. If a step fails, the engineer can retry it, skip it with a recorded reason, or abort.</p>
<table><caption class="visually-hidden">Planned steps</caption><thead><tr><th scope="col" class="num">#</th><th scope="col">Step</th><th scope="col">Type</th><th scope="col">Will change</th><th scope="col">Rollback on failure</th></tr></thead><tbody>${overviewRows}</tbody></table></section>`;

  const details = `<section aria-labelledby="det-h"><h2 id="det-h">${num()}. Step details (dry run)</h2>${plan.steps.map((s, i) => stepBlock(s, i + 1)).join('\n')}</section>`;

  const varRows = plan.variables
    .map(
      (v) =>
        `<tr><th scope="row" class="mono">${esc(v.name)}</th><td>${esc(v.source)}</td><td>${v.sensitive ? 'Yes' : 'No'}</td><td>${
          v.sensitive ? `<span class="mono">${MASK}</span>` : mono(v.value ?? '')
        }</td></tr>`,
    )
    .join('');
  const backOut = renderBackOutBefore(plan.steps, num());
  const variables = `<section aria-labelledby="vars-h"><h2 id="vars-h">${num()}. Variables to be used</h2><p>Sensitive values are never shown; they appear as <span class="mono">${MASK}</span>.</p>${
    plan.variables.length
      ? `<table><caption class="visually-hidden">Variables</caption><thead><tr><th scope="col" style="width:30%">Name</th><th scope="col" style="width:18%">Source</th><th scope="col" style="width:10%">Sensitive</th><th scope="col">Value</th></tr></thead><tbody>${varRows}</tbody></table>`
      : '<p class="muted">The plan uses no variables.</p>'
  }</section>`;

  const preflight = pf
    ? `<section aria-labelledby="pf-h"><h2 id="pf-h">${num()}. Preflight checks</h2>${plan.preflight?.at ? `<p>Run ${esc(formatTime(plan.preflight.at))}.</p>` : ''}<table><caption class="visually-hidden">Preflight checks</caption><thead><tr><th scope="col" style="width:13%">Result</th><th scope="col" style="width:30%">Check</th><th scope="col">Detail</th></tr></thead><tbody>${pf
        .map((c) => `<tr><td>${badge(c.status)}</td><th scope="row">${esc(c.title)}</th><td>${esc(c.detail)}${c.hint ? `<div class="muted">${esc(c.hint)}</div>` : ''}</td></tr>`)
        .join('')}</tbody></table></section>`
    : '';

  const approvers = plan.approvers?.length ? plan.approvers : DEFAULT_APPROVERS;
  const approval = `<section aria-labelledby="appr-h"><h2 id="appr-h">${num()}. Approval</h2><p>Approved by the undersigned for deployment in the planned window. After the deployment, the deployment report produced by Drop Runner is attached to this change.</p>${approvers
    .map(
      (role) =>
        `<div class="signoff-block"><h3>${esc(role)}</h3><div class="signoff"><div class="field"><span>Approved by (name)</span></div><div class="field"><span>Date</span></div><div class="field"><span>Signature</span></div><div class="field"><span>Change reference / comments</span></div></div></div>`,
    )
    .join('')}</section>`;

  const footer = `<footer class="doc-footer">Prepared ${esc(formatTime(preparedAt))} with Drop Runner${plan.appVersion ? ` ${esc(plan.appVersion)}` : ''} from the deployment plan (dry run). Secret values are never included.</footer>`;

  return documentShell({
    title,
    runningHeader: `Change request · ${plan.drop.project.name} ${plan.drop.release.version} · ${plan.tenant.name}`,
    runningFooter: 'For approval before deployment',
    body: `<main><header class="doc-header"><div class="doc-kicker">Drop Runner · Change request for approval before deployment</div><h1>${esc(title)}</h1><div class="doc-sub">Environment <strong>${esc(plan.tenant.environment)}</strong> · Prepared ${esc(formatTime(preparedAt))}</div></header>
${summary}${identity}${overview}${details}${backOut}${variables}${preflight}${approval}${footer}</main>`,
  });
}

function stepBlock(s: ChangeRequestStep, index: number): string {
  const parts: string[] = [
    `<div class="step-head"><h3 id="cr-step-${index}">${index}. ${esc(s.name)}</h3><span class="badge tone-neutral">${esc(s.type)}</span></div>`,
    `<div class="step-meta">id <span class="mono">${esc(s.id)}</span>${s.transactional ? ` · Rollback: ${esc(s.transactional)}` : ''}</div>`,
  ];
  if (s.description) parts.push(`<p>${esc(s.description)}</p>`);
  if (s.instructions) parts.push(`<div class="note-box"><strong>Manual step:</strong> ${esc(s.instructions)}</div>`);
  if (s.scriptsPending?.length) {
    parts.push(
      `<h4>Scripts to run, in order</h4><table><caption class="visually-hidden">Scripts pending for step ${index}</caption><thead><tr><th scope="col" class="num" style="width:6%">#</th><th scope="col" style="width:40%">Script</th><th scope="col">SHA-256</th></tr></thead><tbody>${s.scriptsPending
        .map((x, i) => `<tr><td class="num">${i + 1}</td><th scope="row">${esc(x.name)}</th><td>${mono(x.sha256)}</td></tr>`)
        .join('')}</tbody></table>`,
    );
  } else if (s.type === 'sql-scripts') {
    parts.push('<p class="muted">No scripts pending: every script in this step is already applied on the target.</p>');
  }
  if (s.scriptsAlreadyApplied?.length) {
    parts.push(`<p class="muted">Already applied, will not run again: ${s.scriptsAlreadyApplied.map((x) => esc(x.name)).join(', ')}.</p>`);
  }
  if (s.ssisChanges?.length) {
    parts.push(
      `<h4>SSIS catalog objects</h4><table><caption class="visually-hidden">SSIS changes for step ${index}</caption><thead><tr><th scope="col" style="width:16%">Kind</th><th scope="col" style="width:34%">Name</th><th scope="col" style="width:16%">Action</th><th scope="col">Detail</th></tr></thead><tbody>${s.ssisChanges
        .map((c) => `<tr><td>${esc(c.kind)}</td><th scope="row">${esc(c.name)}</th><td>${esc(c.action)}</td><td>${c.detail ? esc(c.detail) : '<span class="muted">—</span>'}</td></tr>`)
        .join('')}</tbody></table>`,
    );
  }
  for (const w of s.warnings ?? []) parts.push(`<div class="warn-box"><strong>Warning:</strong> ${esc(w)}</div>`);
  return `<article class="step" aria-labelledby="cr-step-${index}">${parts.join('')}</article>`;
}
