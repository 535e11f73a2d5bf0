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
  /** The filter's identity without its search text: results can be narrowed when only the text grew. */
  base?: string;
  /** The lower-cased, trimmed search text these indices belong to. */
  needle?: string;
}

/** A string identifying a filter, to know whether previous results can be extended. */
export function filterKey(filter: LogFilter): string {
  return JSON.stringify([filter.levels, filter.query.trim().toLowerCase(), filter.stepId ?? null]);
}

function baseKey(filter: LogFilter): string {
  return JSON.stringify([filter.levels, filter.stepId ?? null]);
}

/**
 * Lower-cased message and source of each log line, computed once per line instead of once per keystroke.
 * The log is append-only, so the index only ever grows to catch up with it.
 */
export interface LogSearchIndex {
  messages: string[];
  sources: string[];
}

const searchIndexes = new WeakMap<readonly LogLine[], LogSearchIndex>();

/** The search index of a log array (shared by every caller; created empty, filled by extendSearchIndex). */
export function searchIndexFor(log: readonly LogLine[]): LogSearchIndex {
  let index = searchIndexes.get(log);
  // A shorter log than the index means the array was not appended to but rewritten: start again.
  if (!index || index.messages.length > log.length) {
    index = { messages: [], sources: [] };
    searchIndexes.set(log, index);
  }
  return index;
}

/** Adds up to `limit` not yet indexed lines to the index; true when it has caught up with the log. */
export function extendSearchIndex(index: LogSearchIndex, log: readonly LogLine[], limit = Infinity): boolean {
  const end = Math.min(log.length, index.messages.length + limit);
  for (let i = index.messages.length; i < end; i++) {
    const line = log[i] as LogLine;
    index.messages.push(line.message.toLowerCase());
    index.sources.push(line.source ? line.source.toLowerCase() : '');
  }
  return index.messages.length >= log.length;
}

function indexedMatch(log: readonly LogLine[], i: number, filter: LogFilter, needle: string, index: LogSearchIndex): boolean {
  const line = log[i] as LogLine;
  if (!filter.levels[line.level]) return false;
  if (filter.stepId !== undefined && line.stepId !== filter.stepId) return false;
  if (needle && !(index.messages[i] as string).includes(needle) && !(index.sources[i] as string).includes(needle)) return false;
  return true;
}

/** A filtering pass that can run in slices, so a long log never blocks the page for the whole scan. */
export interface FilterPass {
  readonly filter: LogFilter;
  /** The finished result when the pass had nothing to do (the previous result, unchanged). */
  readonly reused?: FilteredLog;
  readonly key: string;
  readonly base: string;
  readonly needle: string;
  readonly indices: number[];
  /** Earlier matches still to re-test (narrowing), and how many of them were done. */
  readonly candidates: readonly number[];
  candidatePos: number;
  /** Next log line to test; lines from here to the end of the log are scanned after the candidates. */
  next: number;
}

/**
 * Prepares a pass. `previous` is reused rather than recomputed: returned as is when the filter and the log
 * length are unchanged, extended when only lines were appended, and narrowed (only its matches re-tested)
 * when only the search text grew to contain the previous text, as it does while typing.
 * `previous` itself is never modified.
 */
export function startFilterPass(log: readonly LogLine[], filter: LogFilter, previous?: FilteredLog): FilterPass {
  const key = filterKey(filter);
  const base = baseKey(filter);
  const needle = filter.query.trim().toLowerCase();
  const usable = previous !== undefined && previous.scanned <= log.length;
  const pass = { filter, key, base, needle, candidatePos: 0 };
  if (usable && previous.key === key && previous.scanned === log.length) return { ...pass, reused: previous, indices: previous.indices, candidates: [], next: log.length };
  if (usable && previous.key === key) return { ...pass, indices: previous.indices.slice(), candidates: [], next: previous.scanned };
  // Every line containing the longer text contains the shorter one, so only earlier matches can still match.
  if (usable && previous.base === base && previous.needle !== undefined && needle.includes(previous.needle)) return { ...pass, indices: [], candidates: previous.indices, next: previous.scanned };
  return { ...pass, indices: [], candidates: [], next: 0 };
}

/** Tests up to `budget` more lines of a pass; true when the pass is complete. */
export function continueFilterPass(pass: FilterPass, log: readonly LogLine[], budget = Infinity): boolean {
  if (pass.reused) return true;
  const index = searchIndexFor(log);
  const { filter, needle, indices, candidates } = pass;
  // Index only as far as this slice reads, so a slice stays small even before the idle warm-up has finished.
  const indexTo = (i: number) => {
    if (needle && i >= index.messages.length) extendSearchIndex(index, log, i + 1 - index.messages.length + 1000);
  };
  let left = budget;
  while (pass.candidatePos < candidates.length && left > 0) {
    const i = candidates[pass.candidatePos++] as number;
    indexTo(i);
    if (indexedMatch(log, i, filter, needle, index)) indices.push(i);
    left--;
  }
  while (pass.next < log.length && left > 0) {
    const i = pass.next++;
    indexTo(i);
    if (indexedMatch(log, i, filter, needle, index)) indices.push(i);
    left--;
  }
  return pass.candidatePos >= candidates.length && pass.next >= log.length;
}

/** The result of a completed pass. */
export function finishFilterPass(pass: FilterPass): FilteredLog {
  return pass.reused ?? { indices: pass.indices, scanned: pass.next, key: pass.key, base: pass.base, needle: pass.needle };
}

/** Filters the log in one go (see startFilterPass for how `previous` is reused). */
export function filterLog(log: readonly LogLine[], filter: LogFilter, previous?: FilteredLog): FilteredLog {
  const pass = startFilterPass(log, filter, previous);
  continueFilterPass(pass, log);
  return finishFilterPass(pass);
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
