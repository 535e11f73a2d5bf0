/** Filtering, searching and copying the run log (pure; cheap enough to rerun over 100,000 lines). */
import type { LogLevel, LogLine } from './run-model';

export interface LogFilter {
  levels: Record<LogLevel, boolean>;
  query: string;
  /** Only lines of this step (undefined: all). */
  stepId?: string;
}

export const ALL_LEVELS: Record<LogLevel, boolean> = { debug: true, info: true, warn: true, error: true };

/** True when the filter lets every line through, so the view can skip building an index. */
export function isIdentityFilter(filter: LogFilter): boolean {
  return filter.query.trim() === '' && filter.stepId === undefined && Object.values(filter.levels).every(Boolean);
}

/** Whether one line passes; `needle` is the lower-cased query (computed once per pass). */
export function lineMatches(line: LogLine, filter: LogFilter, needle: string): boolean {
  if (!filter.levels[line.level]) return false;
  if (filter.stepId !== undefined && line.stepId !== filter.stepId) return false;
  if (needle && !line.message.toLowerCase().includes(needle) && !(line.source ?? '').toLowerCase().includes(needle)) return false;
  return true;
}

export interface FilteredLog {
  /** Indices into the log of the lines that pass. */
  indices: number[];
  /** How many log lines were examined (the log only grows, so the next pass starts here). */
  scanned: number;
  /** Identity of the filter these indices belong to. */
  key: string;
}

/** A string identifying a filter, to know whether previous results can be extended. */
export function filterKey(filter: LogFilter): string {
  return JSON.stringify([filter.levels, filter.query.trim().toLowerCase(), filter.stepId ?? null]);
}

/** Filters the log, reusing `previous` when only new lines arrived since (returns a fresh object). */
export function filterLog(log: readonly LogLine[], filter: LogFilter, previous?: FilteredLog): FilteredLog {
  const key = filterKey(filter);
  const needle = filter.query.trim().toLowerCase();
  const reuse = previous && previous.key === key && previous.scanned <= log.length;
  const indices = reuse ? previous.indices.slice() : [];
  for (let i = reuse ? previous.scanned : 0; i < log.length; i++) {
    if (lineMatches(log[i] as LogLine, filter, needle)) indices.push(i);
  }
  return { indices, scanned: log.length, key };
}

/** One line as plain text for the clipboard: time, level, step, message. */
export function formatLogLine(line: LogLine, stepName?: (id: string) => string): string {
  const step = line.stepId ? ` [${stepName ? stepName(line.stepId) : line.stepId}]` : '';
  return `${line.at} ${line.level.toUpperCase().padEnd(5)}${step} ${line.message}`;
}

/** The text to copy: the selected lines if any, otherwise every line that passes the filter. */
export function textToCopy(log: readonly LogLine[], visible: readonly number[] | null, selected: ReadonlySet<number>, stepName?: (id: string) => string): { text: string; count: number } {
  const source = selected.size > 0 ? [...selected].sort((a, b) => a - b) : (visible ?? log.map((_, i) => i));
  const parts: string[] = [];
  for (const index of source) {
    const line = log[index];
    if (line) parts.push(formatLogLine(line, stepName));
  }
  return { text: parts.join('\n'), count: parts.length };
}

/** Splits a message around case-insensitive occurrences of `needle`, for highlighting. */
export function splitForHighlight(text: string, needle: string): Array<{ text: string; match: boolean }> {
  const query = needle.trim().toLowerCase();
  if (!query) return [{ text, match: false }];
  const lower = text.toLowerCase();
  const parts: Array<{ text: string; match: boolean }> = [];
  let from = 0;
  for (;;) {
    const at = lower.indexOf(query, from);
    if (at === -1) break;
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + query.length), match: true });
    from = at + query.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}
