import type { z } from 'zod';
import { dropError } from './drop-errors';
import { checkJsonShape } from './json-structure';
import { DEFAULT_DROP_LIMITS, type DropLimits } from './limits';
import { dropManifestSchema, MANIFEST_FILE, type DropManifest } from './manifest-schema';

// drop.json is a handful of levels deep; anything deeper is not a manifest.
const MAX_MANIFEST_DEPTH = 32;

/** Renders a zod issue path as the JSON path an engineer can find in drop.json, e.g. `steps[2].settings.connection`. */
export function formatJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out || '(root)';
}

/** One problem per line: `<path>: <message>`; unknown keys name themselves. */
export function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>): Array<{ path: string; message: string }> {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { path: formatJsonPath([...issue.path, issue.keys[0] ?? '']), message: `unknown key${issue.keys.length > 1 ? `s ${issue.keys.map((k) => `"${k}"`).join(', ')}` : ''} (not part of format version 1)` };
    }
    return { path: formatJsonPath(issue.path), message: issue.message };
  });
}

/**
 * Parses and validates the exact bytes of drop.json. Its size, nesting and list lengths are checked
 * and duplicate keys refused before JSON.parse runs (DROP_MANIFEST_TOO_LARGE,
 * DROP_MANIFEST_DUPLICATE_KEY); then DROP_MANIFEST_INVALID names the JSON path (or line and column
 * for malformed JSON) of the first problems found.
 */
export function parseManifest(bytes: Buffer, where = MANIFEST_FILE, limits: Pick<DropLimits, 'maxManifestSize' | 'maxManifestItems'> = DEFAULT_DROP_LIMITS): DropManifest {
  checkManifestSize(bytes.length, where, limits);
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const problem = checkJsonShape(text, { maxDepth: MAX_MANIFEST_DEPTH, maxArrayLength: limits.maxManifestItems });
  if (problem?.kind === 'duplicate-key') {
    throw dropError('DROP_MANIFEST_DUPLICATE_KEY', `${where} has the key "${problem.key}" twice in ${problem.path}.`, { file: where, path: problem.path, key: problem.key });
  }
  if (problem?.kind === 'too-many') {
    throw dropError('DROP_MANIFEST_TOO_LARGE', `${where} lists more than ${problem.limit} items in ${problem.path}.`, { file: where, path: problem.path, limit: problem.limit });
  }
  if (problem?.kind === 'too-deep') {
    throw dropError('DROP_MANIFEST_INVALID', `${where} nests deeper than ${problem.depth} levels (at ${problem.path}).`, { file: where, path: problem.path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    let at = '';
    if (position !== undefined) {
      const before = text.slice(0, Number(position));
      const line = before.split('\n').length;
      const column = Number(position) - before.lastIndexOf('\n');
      at = ` at line ${line}, column ${column}`;
    }
    throw dropError('DROP_MANIFEST_INVALID', `${where} is not valid JSON${at}: ${message}`, { file: where });
  }
  const result = dropManifestSchema.safeParse(json);
  if (!result.success) {
    const issues = describeIssues(result.error.issues);
    const shown = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ');
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
    throw dropError('DROP_MANIFEST_INVALID', `${where} is invalid at ${shown}${more}.`, { file: where, issues });
  }
  return result.data;
}

/** DROP_MANIFEST_TOO_LARGE before a byte of an oversized drop.json is read or parsed. */
export function checkManifestSize(size: number, where: string, limits: Pick<DropLimits, 'maxManifestSize'>): void {
  if (size > limits.maxManifestSize) {
    throw dropError('DROP_MANIFEST_TOO_LARGE', `${where} is ${size} bytes; the limit is ${limits.maxManifestSize}.`, { file: where, size, limit: limits.maxManifestSize });
  }
}
