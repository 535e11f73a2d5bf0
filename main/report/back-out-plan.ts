/**
 * The "Back-out plan" a change board asks for, in two tenses. Before the deployment (change request):
 * which databases will be backed up where, how big, which SSIS versions the catalog can return to,
 * and the commands. After it (deployment report): the files actually written, their size, whether
 * RESTORE VERIFYONLY passed, the SSIS versions recorded, and how to restore. Only what the plan or
 * the journal proves is shown.
 */
import type { JournalEvent, RestorePoint } from '../../common/journal-events';
import { restoreStatements } from '../sql/backup';
import { esc, factTable, mono } from './html-kit';

/** A step's planned backup (the steps' plan detail has the same shape). */
export interface PlannedBackup {
  database: string;
  folder: string | null;
  expectedBytes: number | null;
  compression: boolean;
  verify: string;
  restore: string[];
  note?: string;
}

/** The SSIS version a step would return to (from the plan's view of the catalog). */
export interface PlannedSsisVersion {
  folder: string;
  project: string;
  versionLsn?: string;
  deployedAt?: string;
  deployedBy?: string;
}

export interface BackOutBeforeStep {
  id: string;
  name: string;
  backup?: PlannedBackup;
  /** backup: "none" in the drop. */
  backupOff?: boolean;
  ssisVersion?: PlannedSsisVersion;
}

function size(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return 'unknown';
  return bytes >= 1073741824 ? `${(bytes / 1073741824).toFixed(2)} GB` : `${(bytes / 1048576).toFixed(1)} MB`;
}

function sqlBlock(lines: readonly string[]): string {
  return `<pre class="mono">${esc(lines.join('\n'))}</pre>`;
}

/** The change request's section; '' when no step backs up or touches SSIS. */
export function renderBackOutBefore(steps: readonly BackOutBeforeStep[], no: number, deploymentHint = '<deployment-id>'): string {
  const relevant = steps.filter((s) => s.backup || s.backupOff || s.ssisVersion);
  if (relevant.length === 0) return '';
  // One backup per database per deployment: later steps on the same database are covered by the first.
  const firstFor = new Map<string, string>();
  const blocks = relevant.map((s) => {
    const parts: string[] = [`<h3>${esc(s.name)} <span class="muted mono">${esc(s.id)}</span></h3>`];
    const key = s.backup?.database.toLowerCase();
    const coveredBy = key !== undefined ? firstFor.get(key) : undefined;
    if (key !== undefined && coveredBy === undefined) firstFor.set(key, s.id);
    if (s.backup && coveredBy !== undefined) {
      parts.push(`<p>${esc(s.backup.database)} is covered by the backup taken before step <span class="mono">${esc(coveredBy)}</span>; no second backup.</p>`);
    } else if (s.backup) {
      const b = s.backup;
      parts.push(
        factTable(`Backup before ${s.id}`, [
          ['Database', esc(b.database)],
          ['Backup', `COPY_ONLY, CHECKSUM${b.compression ? ', compressed' : ''}, verified with RESTORE VERIFYONLY … WITH CHECKSUM before any change`],
          ['Folder (on the SQL Server machine)', b.folder ? mono(b.folder) : '<em>not known — set DropRunner.BackupFolder</em>'],
          ['Expected size', `${esc(size(b.expectedBytes))} at most (allocated data size)`],
        ]),
      );
      if (b.note) parts.push(`<div class="warn-box">${esc(b.note)}</div>`);
      parts.push(`<p>To restore (every change since the backup is lost):</p>${sqlBlock(b.restore)}`);
    }
    if (s.backupOff) parts.push('<div class="warn-box">The drop turns the backup off for this step (<span class="mono">backup: "none"</span>): agree another backup with the hospital DBA.</div>');
    if (s.ssisVersion) {
      const v = s.ssisVersion;
      parts.push(
        factTable(`SSIS version before ${s.id}`, [
          ['Project', esc(`${v.folder}/${v.project}`)],
          ['Version to return to', v.versionLsn ? `object_version_lsn ${mono(v.versionLsn)}${v.deployedAt ? `, deployed ${esc(v.deployedAt)}` : ''}${v.deployedBy ? ` by ${esc(v.deployedBy)}` : ''}` : '<em>none — the project is new; back-out is deleting it</em>'],
        ]),
      );
    }
    return parts.join('');
  });
  return `<section aria-labelledby="backout-h"><h2 id="backout-h">${no}. Back-out plan</h2><p>Drop Runner backs each changed database up (COPY_ONLY, so the hospital's backup chain is untouched) and records the SSIS version before changing anything. After the deployment: <span class="mono">drop-runner rollback ${esc(deploymentHint)} [--step &lt;id&gt;]</span> (a database restore asks for its name to be typed), or <span class="mono">--script-only</span> for the T-SQL.</p>${blocks.join('')}</section>`;
}

/** What the deployment recorded for going back. */
export interface ReportBackOut {
  backups: Array<{ stepId: string; database: string; file: string; bytes: number | null; verified: boolean; detail: string; restore: string[] }>;
  skippedBackups: Array<{ stepId: string; detail: string }>;
  ssisVersions: Array<{ stepId: string; project: string; versionLsn: string | null; deployedAt: string | null; deployedBy: string | null; variables: Array<{ name: string; sensitive: boolean; existed: boolean }> }>;
}

/** Folds the journal's backup and SSIS rollback-point artifacts. */
export function buildBackOut(events: readonly JournalEvent[]): ReportBackOut {
  const out: ReportBackOut = { backups: [], skippedBackups: [], ssisVersions: [] };
  for (const e of events) {
    if (e.type !== 'artifact') continue;
    const a = e.artifact;
    const p: RestorePoint | undefined = a.restore;
    if (a.kind === 'backup' && a.action === 'skipped') out.skippedBackups.push({ stepId: e.stepId, detail: a.detail ?? '' });
    else if (a.kind === 'backup' && p?.disk && p.database) {
      out.backups.push({ stepId: e.stepId, database: p.database, file: p.disk, bytes: p.bytes ?? null, verified: p.verified === true, detail: a.detail ?? '', restore: restoreStatements(p.database, p.disk) });
    } else if (a.kind === 'ssis-rollback-point' && p?.project) {
      out.ssisVersions.push({
        stepId: e.stepId,
        project: `${p.folder ?? ''}/${p.project}`,
        versionLsn: p.objectVersionLsn ?? null,
        deployedAt: p.deployedAt ?? null,
        deployedBy: p.deployedBy ?? null,
        variables: (p.variables ?? []).map((v) => ({ name: v.name, sensitive: v.sensitive, existed: v.existed })),
      });
    }
  }
  return out;
}

/** The report's section; '' when nothing was recorded. */
export function renderBackOutAfter(b: ReportBackOut | undefined, deploymentId: string, no: number): string {
  if (!b || b.backups.length + b.skippedBackups.length + b.ssisVersions.length === 0) return '';
  const parts: string[] = [];
  for (const x of b.backups) {
    parts.push(
      factTable(`Backup of ${x.database}`, [
        ['Step', mono(x.stepId)],
        ['Database', esc(x.database)],
        ['File written', mono(x.file)],
        ['Size', esc(size(x.bytes))],
        ['Checksum verification', x.verified ? 'RESTORE VERIFYONLY … WITH CHECKSUM: valid' : '<strong>not verified</strong>'],
      ]),
      `<p>To restore ${esc(x.database)}: <span class="mono">drop-runner rollback ${esc(deploymentId)} --step ${esc(x.stepId)}</span>, or the T-SQL:</p>${sqlBlock(x.restore)}`,
    );
  }
  for (const s of b.skippedBackups) parts.push(`<div class="warn-box"><strong>No backup before step ${esc(s.stepId)}.</strong> ${esc(s.detail)}</div>`);
  for (const v of b.ssisVersions) {
    const sensitive = v.variables.filter((x) => x.sensitive).map((x) => x.name);
    parts.push(
      factTable(`SSIS version before ${v.stepId}`, [
        ['Project', esc(v.project)],
        ['Version to return to', v.versionLsn ? `object_version_lsn ${mono(v.versionLsn)}${v.deployedAt ? `, deployed ${esc(v.deployedAt)}` : ''}${v.deployedBy ? ` by ${esc(v.deployedBy)}` : ''}` : 'none (the project was new)'],
        ['Environment variables recorded', v.variables.length ? esc(v.variables.map((x) => x.name).join(', ')) : 'none'],
        ...(sensitive.length ? ([['Sensitive (value not recorded; re-enter after a rollback)', esc(sensitive.join(', '))]] as Array<[string, string]>) : []),
      ]),
      `<p>To return: <span class="mono">drop-runner rollback ${esc(deploymentId)} --step ${esc(v.stepId)}</span> (catalog.restore_project).</p>`,
    );
  }
  return `<section aria-labelledby="backout-after-h"><h2 id="backout-after-h">${no}. Back-out plan — what was kept</h2>${parts.join('')}</section>`;
}
