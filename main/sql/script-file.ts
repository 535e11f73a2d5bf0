/**
 * Reads a script from disk and splits it, resolving `:r` includes relative to the including file
 * and refusing any include that leaves the package folder (a drop must not read C:\Windows or
 * another package's files through a crafted `:r ..\..\x`).
 */
import { readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../common/errors';
import { splitSqlText, type IncludedFile, type SplitResult } from './batch-splitter';
import { decodeScript, type ScriptEncoding } from './script-decoding';

export interface SplitFileOptions {
  /** Folder the script and its includes must stay inside; defaults to the script's own folder. */
  packageRoot?: string;
  /** Name used in batches and errors; defaults to the path relative to the package root. */
  displayName?: string;
  variables?: Record<string, string> | Map<string, string>;
}

export interface SplitFileResult extends SplitResult {
  encoding: ScriptEncoding;
  /** The exact bytes read, for hashing without a second read. */
  bytes: Buffer;
}

/** Reads, decodes and splits one script file with `:r` confined to the package root. */
export async function splitSqlFile(file: string, options: SplitFileOptions = {}): Promise<SplitFileResult> {
  const absolute = path.resolve(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    throw scriptUnreadable(absolute, error);
  }
  return splitSqlBytes(bytes, absolute, options);
}

/** Splits script bytes already in memory; `file` is its absolute path (for includes and names). */
export function splitSqlBytes(bytes: Buffer, file: string, options: SplitFileOptions = {}): SplitFileResult {
  const absolute = path.resolve(file);
  const root = path.resolve(options.packageRoot ?? path.dirname(absolute));
  const realRoot = safeRealpath(root) ?? root;
  const display = options.displayName ?? displayNameFor(root, absolute);
  const decoded = decodeScript(bytes);
  const result = splitSqlText(decoded.text, {
    file: display,
    key: safeRealpath(absolute) ?? absolute,
    ...(options.variables ? { variables: options.variables } : {}),
    resolveInclude: (spec, from) => resolveInclude(spec, from, root, realRoot),
  });
  if (decoded.warning) result.warnings.unshift({ file: display, line: 1, message: decoded.warning });
  return { ...result, encoding: decoded.encoding, bytes };
}

function resolveInclude(spec: string, from: { file: string; key: string; line: number }, root: string, realRoot: string): IncludedFile {
  // sqlcmd scripts come from Windows: accept backslashes as separators everywhere.
  const normalised = spec.replace(/\\/g, '/');
  const outside = () =>
    new AppError(
      'SQL_INCLUDE_OUTSIDE_PACKAGE',
      `${from.file} line ${from.line}: ":r ${spec}" points outside the package folder.`,
      'Included files must be inside the same package; copy the file into the package and include it by a relative path.',
      { file: from.file, line: from.line, include: spec },
    );
  if (path.isAbsolute(normalised) || /^[A-Za-z]:/.test(normalised)) throw outside();
  const target = path.resolve(path.dirname(from.key), normalised);
  if (!isInside(realRoot, target) && !isInside(root, target)) throw outside();
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new AppError(
      'SQL_INCLUDE_NOT_FOUND',
      `${from.file} line ${from.line}: the included file "${spec}" does not exist.`,
      'Check the :r path; it is relative to the folder of the script that includes it.',
      { file: from.file, line: from.line, include: spec },
    );
  }
  if (!isInside(realRoot, real)) throw outside();
  let bytes: Buffer;
  try {
    bytes = readFileSync(real);
  } catch (error) {
    throw scriptUnreadable(real, error);
  }
  return { file: displayNameFor(realRoot, real), key: real, text: decodeScript(bytes).text };
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function displayNameFor(root: string, file: string): string {
  const rel = path.relative(root, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function scriptUnreadable(file: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException)?.code;
  return new AppError(
    'SQL_SCRIPT_UNREADABLE',
    `The script ${file} cannot be read${code ? ` (${code})` : ''}.`,
    code === 'ENOENT' ? 'Check the path; the file does not exist.' : 'Check that the file exists and that you may read it.',
    { file, ...(code ? { errno: code } : {}) },
  );
}
