import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Drop, SignatureState } from '../../common/drop-model';
import { dropsDir } from './drop-store';

/**
 * What is remembered about a drop opened from a zip, next to its files in `<dataDir>/drops/<id>/`:
 * enough for the recent-drops list and to restore the zip's provenance on re-open. No secrets:
 * Octopus baked values are never written here.
 */
export interface OpenedDropRecord {
  id: string;
  sourcePath: string;
  sha256: string | null;
  openedAt: string;
  project: string;
  release: string;
  tenantId: string;
  signature: SignatureState['state'];
}

const RECORD_FILE = 'opened.json';
// Ids are made by makeDropId; anything else must not be joined into a path.
const ID = /^[a-z0-9][a-z0-9.-]{0,120}$/;

/** Writes the record atomically (temp file, then rename). */
export async function writeOpenedRecord(dataDir: string, drop: Omit<Drop, 'root'>): Promise<void> {
  const record: OpenedDropRecord = {
    id: drop.id,
    sourcePath: drop.provenance.sourcePath,
    sha256: drop.provenance.sha256,
    openedAt: new Date().toISOString(),
    project: drop.project.name,
    release: drop.release.version,
    tenantId: drop.target.tenantId,
    signature: drop.provenance.signature.state,
  };
  const target = join(dropsDir(dataDir), drop.id, RECORD_FILE);
  const temp = `${target}.tmp-${randomBytes(4).toString('hex')}`;
  await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temp, target);
}

/** Reads a record, or undefined when the id is unknown, malformed or its record damaged. */
export async function readOpenedRecord(dataDir: string, id: string): Promise<OpenedDropRecord | undefined> {
  if (!ID.test(id) || id.includes('..')) return undefined;
  try {
    const parsed = JSON.parse(await readFile(join(dropsDir(dataDir), id, RECORD_FILE), 'utf8')) as OpenedDropRecord;
    return parsed && parsed.id === id && typeof parsed.sourcePath === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
