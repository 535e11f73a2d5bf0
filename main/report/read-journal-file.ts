/**
 * Reads a deployment journal (JSON Lines) from disk for the report. A crash can leave the last line
 * half-written; that line is set aside with a warning instead of refusing the whole report, because the
 * report of an interrupted run is exactly what IT needs then.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../../common/errors';
import type { JournalEvent } from '../../common/journal-events';

export interface JournalFile {
  events: JournalEvent[];
  /** Human warnings about the file (a torn last line). */
  warnings: string[];
}

/** Parses <data>/deployments/<id>/journal.jsonl; REPORT_JOURNAL_NOT_FOUND / REPORT_JOURNAL_INVALID naming the line. */
export async function readJournalFile(path: string): Promise<JournalFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError(
      'REPORT_JOURNAL_NOT_FOUND',
      code === 'ENOENT' ? `There is no deployment journal at ${path}.` : `The deployment journal ${path} cannot be read (${code ?? String(err)}).`,
      'Give a deployment id listed under <data>/deployments/ or the path of a journal.jsonl file.',
      { path, errno: code },
    );
  }
  const lines = text.split(/\r?\n/);
  const lastNonEmpty = lines.reduce((acc, line, i) => (line.trim() ? i : acc), -1);
  const events: JournalEvent[] = [];
  const warnings: string[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      events.push(JSON.parse(line) as JournalEvent);
    } catch {
      if (i === lastNonEmpty && !text.endsWith('\n')) {
        warnings.push(`Line ${i + 1} of ${path} is incomplete (the run was probably interrupted while writing it) and was left out.`);
        return;
      }
      throw new AppError('REPORT_JOURNAL_INVALID', `Line ${i + 1} of the deployment journal ${path} is not valid JSON.`, 'The journal file is damaged; send it to the vendor.', {
        path,
        line: i + 1,
      });
    }
  });
  return { events, warnings };
}
