/**
 * A deployment whose journal cannot be summarised (its first line is torn, not JSON, or not a
 * deployment-started event; or the file cannot be read) is still a deployment that happened on this
 * machine: it is listed as `damaged` with the problem, instead of vanishing from the history and Home,
 * so nobody concludes that nothing ran. What run.json beside it says (drop, tenant) is kept.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DeploymentSummary } from '../../common/contract';

const ID_STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/;

/** When it started: from the id we gave it, else the journal's modification time. */
function startedAtOf(deploymentId: string, journalPath: string): string {
  const m = ID_STAMP.exec(deploymentId);
  if (m) return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
  try {
    return statSync(journalPath).mtime.toISOString();
  } catch {
    return new Date(0).toISOString();
  }
}

function runRecord(journalPath: string): { dropId?: string; tenantId?: string } {
  try {
    const r = JSON.parse(readFileSync(join(dirname(journalPath), 'run.json'), 'utf8')) as { dropId?: unknown; tenantId?: unknown };
    return { ...(typeof r.dropId === 'string' ? { dropId: r.dropId } : {}), ...(typeof r.tenantId === 'string' ? { tenantId: r.tenantId } : {}) };
  } catch {
    return {};
  }
}

/** The summary of a deployment whose journal is damaged; `problem` says what is wrong, for the list and the CLI. */
export function damagedSummary(deploymentId: string, journalPath: string, problem: string): DeploymentSummary {
  const record = runRecord(journalPath);
  return {
    deploymentId,
    dropId: record.dropId ?? '',
    tenantId: record.tenantId ?? '',
    project: 'Damaged deployment journal',
    release: '',
    startedAt: startedAtOf(deploymentId, journalPath),
    state: 'damaged',
    problem,
  };
}

/** Why the first line does not open a deployment, in words. */
export function firstLineProblem(firstLine: string | undefined, parsed: { type?: unknown } | undefined): string {
  if (firstLine === undefined || firstLine === '') return 'The journal is empty or its first line is incomplete (the process stopped while writing it).';
  if (!parsed) return 'The first line of the journal is not valid JSON.';
  return `The first line of the journal is a "${String(parsed.type)}" event, not the start of a deployment.`;
}
