/**
 * The deployments on this machine, each with its state read from its journal: finished (with the
 * outcome), running (a live lock holds it), or interrupted (no deployment-finished and nobody
 * holds it — a killed process or a power cut). Only the ends of each journal are read.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { DeploymentSummary } from '../../common/contract';
import type { JournalEvent } from '../../common/journal-events';
import { foldJournal, runOutcome } from '../../common/journal-fold';
import { readJournalEnds } from '../journal/journal-file';
import { damagedSummary, firstLineProblem } from './damaged-journal';

/** `<data>/deployments`. */
export function deploymentsDir(dataDir: string): string {
  return join(dataDir, 'deployments');
}

/** `<data>/deployments/<id>/journal.jsonl`. */
export function journalPathOf(dataDir: string, deploymentId: string): string {
  return join(deploymentsDir(dataDir), deploymentId, 'journal.jsonl');
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$/;

/** True for ids we create (safe as one folder name). */
export function isDeploymentId(id: string): boolean {
  return ID.test(id);
}

/** The summary of one journal; `liveState` is the state when the deployment is running in some process. */
export function summarize(first: JournalEvent | undefined, tail: readonly JournalEvent[], liveState: DeploymentSummary['state'] | undefined): DeploymentSummary | undefined {
  if (!first || first.type !== 'deployment-started') return undefined;
  // The tail may not reach back to the first event; the fold needs the plan, so it starts from the first line.
  const state = foldJournal(tail[0]?.seq === first.seq ? tail : [first, ...tail.filter((e) => e.seq > first.seq)]);
  const outcome = runOutcome(state);
  const summary: DeploymentSummary = {
    deploymentId: first.deploymentId,
    dropId: first.drop.id,
    tenantId: first.tenant.id,
    project: first.drop.project.name,
    release: first.drop.release.version,
    startedAt: first.at,
    state: outcome !== 'interrupted' ? outcome : (liveState ?? 'interrupted'),
  };
  if (state.finished) summary.finishedAt = state.finished.at;
  return summary;
}

/** The journal's first line as text (at most 1 MB is read), undefined when it has no complete line. */
function firstLineOf(path: string): string | undefined {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(fstatSync(fd).size, 1 << 20));
    readSync(fd, buf, 0, buf.length, 0);
    const text = buf.toString('utf8');
    const nl = text.indexOf('\n');
    return nl === -1 ? undefined : text.slice(0, nl);
  } finally {
    closeSync(fd);
  }
}

/** Every deployment with a journal, newest first. */
export function listDeployments(dataDir: string, liveState: (deploymentId: string) => DeploymentSummary['state'] | undefined): DeploymentSummary[] {
  const dir = deploymentsDir(dataDir);
  if (!existsSync(dir)) return [];
  const out: DeploymentSummary[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !isDeploymentId(entry.name)) continue;
    const path = join(dir, entry.name, 'journal.jsonl');
    if (!existsSync(path)) continue;
    try {
      const { first, tail } = readJournalEnds(path);
      const summary = summarize(first, tail, liveState(entry.name));
      // A journal that does not open with deployment-started is listed as damaged, not hidden.
      out.push(summary ?? damagedSummary(entry.name, path, firstLineProblem(firstLineOf(path), first)));
    } catch (error) {
      out.push(damagedSummary(entry.name, path, `The journal cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`));
    }
  }
  return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.deploymentId.localeCompare(a.deploymentId));
}
