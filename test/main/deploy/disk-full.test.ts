/**
 * A full disk while the journal is written: Linux's /dev/full answers every write with ENOSPC, so a
 * journal path that is a link to it is a real full disk for the writer. The error is DISK_FULL naming
 * the path with a hint, never INTERNAL; and a failed group fsync (shared storage reports ENOSPC at
 * fsync time) surfaces at the next append instead of crashing the process from a timer.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JournalWriter } from '../../../main/journal/journal-file';
import { Redactor } from '../../../main/variables/redactor';
import { cleanup, scratch } from './deploy-fixture';

const hasDevFull = existsSync('/dev/full');
let root: string;
beforeEach(() => {
  root = scratch('dr-disk-full');
  mkdirSync(root, { recursive: true });
});
afterEach(() => cleanup(root));

describe('journal on a full disk', () => {
  it.skipIf(!hasDevFull)(`an append is DISK_FULL with the path and a hint${hasDevFull ? '' : ' (SKIPPED: no /dev/full on this system)'}`, () => {
    const file = path.join(root, 'journal.jsonl');
    symlinkSync('/dev/full', file);
    const writer = JournalWriter.open(file, new Redactor());
    let caught: unknown;
    try {
      writer.append({ type: 'warning', message: 'hello' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'DISK_FULL', message: expect.stringContaining(file), hint: expect.stringContaining('Free space'), details: { path: file, errno: 'ENOSPC' } });
    expect(() => writer.close()).not.toThrow();
  });

  it('a group fsync that fails with ENOSPC in its timer is reported by the next append as DISK_FULL; close reports it too and still closes the file', async () => {
    const file = path.join(root, 'grouped.jsonl');
    let full = false;
    const fsync = () => {
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, fsync'), { code: 'ENOSPC' });
    };
    const writer = JournalWriter.open(file, new Redactor(), undefined, { fsync, logFlushMs: 10 });
    writer.append({ type: 'log', level: 'info', message: 'before' });
    full = true;
    writer.append({ type: 'log', level: 'info', message: 'grouped' });
    await new Promise((r) => setTimeout(r, 60));
    expect(() => writer.append({ type: 'warning', message: 'next' })).toThrow(expect.objectContaining({ code: 'DISK_FULL', message: expect.stringContaining(file) }));
    // The unsynced group still cannot be fsync'ed: close says so, and closes the file anyway.
    expect(() => writer.close()).toThrow(expect.objectContaining({ code: 'DISK_FULL' }));
    expect(() => writer.close()).not.toThrow();
    expect(() => writer.append({ type: 'warning', message: 'after' })).toThrow(expect.objectContaining({ code: 'DEPLOY_JOURNAL_CLOSED' }));
    expect(readFileSync(file, 'utf8')).toContain('"grouped"');
  });
});
