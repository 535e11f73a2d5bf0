/**
 * `run.json` beside a deployment's journal: how the run was started (drop, tenant, operator, the
 * unsupported steps the operator chose to skip), so a resume in a new process starts it the same way.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEvent } from '../../common/journal-events';
import { writingTo } from '../platform/disk-full';
import { deploymentsDir } from './deployment-index';

export interface RunRecord {
  deploymentId: string;
  dropId: string;
  tenantId: string;
  operator: string;
  skipUnsupported: string[];
}

function runRecordPath(dataDir: string, deploymentId: string): string {
  return join(deploymentsDir(dataDir), deploymentId, 'run.json');
}

/** Written through a temporary file so a crash never leaves half a record. */
export function writeRunRecord(dataDir: string, record: RunRecord): void {
  const file = runRecordPath(dataDir, record.deploymentId);
  writingTo(file, () => writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2), { mode: 0o600 }));
  renameSync(`${file}.tmp`, file);
}

/**
 * The record of a deployment, or — when it is missing or unreadable — what the journal's first
 * deployment-started says (no skipped unsupported steps then: the preflight will say if that blocks).
 */
export function readRunRecord(dataDir: string, deploymentId: string, events: readonly JournalEvent[]): RunRecord {
  try {
    return JSON.parse(readFileSync(runRecordPath(dataDir, deploymentId), 'utf8')) as RunRecord;
  } catch {
    const first = events[0] as Extract<JournalEvent, { type: 'deployment-started' }>;
    return { deploymentId, dropId: first.drop.id, tenantId: first.tenant.id, operator: first.operator, skipUnsupported: [] };
  }
}
