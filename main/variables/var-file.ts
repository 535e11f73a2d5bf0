/**
 * Reads variable values given on the command line: `--var NAME=VALUE` and `--var-file <file>`, where the
 * file holds either a JSON object or one NAME=VALUE per line (blank lines and lines starting with # are
 * ignored). Shared by every command that accepts variables.
 */
import { readFile } from 'node:fs/promises';
import { AppError } from '../../common/errors';

export type VarPair = [name: string, value: string];

/** Parses `--var` arguments; a later assignment of the same name wins when applied in order. */
export function parseVarAssignments(assignments: string[]): VarPair[] {
  return assignments.map((a, i) => {
    const eq = a.indexOf('=');
    const name = eq === -1 ? '' : a.slice(0, eq).trim();
    if (eq === -1 || !name) {
      throw new AppError('INVALID_VAR', `--var number ${i + 1} is not NAME=VALUE`, 'Write --var Name=Value (quote the whole argument if the value has spaces).', { index: i });
    }
    return [name, a.slice(eq + 1)];
  });
}

/** Parses the text of a variables file; `source` names the file in error messages. */
export function parseVarFile(text: string, source: string): VarPair[] {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('{')) return parseJsonVars(body, source);
  const pairs: VarPair[] = [];
  const lines = body.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq === -1 ? '' : line.slice(0, eq).trim();
    if (eq === -1 || !name) {
      // The line itself is not quoted: it may be a secret typed without its name.
      throw new AppError('VAR_FILE_INVALID', `${source} line ${index + 1} is not NAME=VALUE`, 'Write one Name=Value per line, or a JSON object {"Name": "Value"}.', { file: source, line: index + 1 });
    }
    pairs.push([name, line.slice(eq + 1)]);
  });
  return pairs;
}

/** Reads and parses a variables file from disk. */
export async function readVarFile(path: string): Promise<VarPair[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AppError('VAR_FILE_UNREADABLE', `Cannot read the variables file ${path}${code ? ` (${code})` : ''}`, 'Check the path and that you may read the file.', { file: path });
  }
  return parseVarFile(text, path);
}

function parseJsonVars(text: string, source: string): VarPair[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse messages quote the surrounding text, which may be a secret value, so none is repeated.
    throw new AppError('VAR_FILE_INVALID', `${source} is not valid JSON`, 'Fix the JSON, or use one Name=Value per line instead.', { file: source });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new AppError('VAR_FILE_INVALID', `${source} must hold a JSON object of names to values`, 'Write {"Name": "Value", …}.', { file: source });
  }
  return Object.entries(data as Record<string, unknown>).map(([name, value]) => {
    if (value === null) return [name, ''];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return [name, String(value)];
    throw new AppError('VAR_FILE_INVALID', `${source}: the value of "${name}" is not text, a number or true/false`, 'Give every variable a plain value; nested objects and arrays are not variables.', { file: source, variable: name });
  });
}
