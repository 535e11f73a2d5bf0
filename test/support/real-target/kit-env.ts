/**
 * Where the conformance kit finds its targets: DROP_RUNNER_TEST_SQL and DROP_RUNNER_TEST_SSISDB from
 * the environment, or from the KEY=VALUE file named by DROP_RUNNER_TEST_ENV_FILE (the environment wins).
 * DROP_RUNNER_TEST_REAL=1 (set by `npm run test:real`) means "real targets only": without variables
 * the kit skips instead of falling back to the in-process double.
 */
import { readFileSync } from 'node:fs';

export const SQL_VARIABLE = 'DROP_RUNNER_TEST_SQL';
export const SSISDB_VARIABLE = 'DROP_RUNNER_TEST_SSISDB';
export const ENV_FILE_VARIABLE = 'DROP_RUNNER_TEST_ENV_FILE';
export const REAL_ONLY_VARIABLE = 'DROP_RUNNER_TEST_REAL';
/** Shared by every test file of one `npm run test:real` run, so all its objects carry one prefix. */
export const RUN_ID_VARIABLE = 'DROP_RUNNER_TEST_RUN_ID';

export interface KitEnv {
  sql?: string;
  ssisdb?: string;
  /** True when only real targets may be used (npm run test:real). */
  realOnly: boolean;
  /** Where the values came from, for the kit's first line of output. */
  source: string;
}

/** Parses KEY=VALUE lines: `#` comments, blank lines, optional `export `, optional matching quotes. */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${file} line ${index + 1} is not KEY=VALUE; write for example ${SQL_VARIABLE}=Server=host,1433;User Id=sa;Password=…`);
    let value = m[2]!;
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) value = value.slice(1, -1);
    out[m[1]!] = value;
  });
  return out;
}

export function readKitEnv(env: NodeJS.ProcessEnv = process.env): KitEnv {
  const realOnly = env[REAL_ONLY_VARIABLE] === '1';
  const file = env[ENV_FILE_VARIABLE]?.trim();
  let fromFile: Record<string, string> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`${ENV_FILE_VARIABLE}=${file} cannot be read (${(error as Error).message}); point it at a KEY=VALUE file or unset it.`, { cause: error });
    }
    fromFile = parseEnvFile(text, file);
  }
  const pick = (name: string) => env[name]?.trim() || fromFile[name]?.trim() || undefined;
  const sql = pick(SQL_VARIABLE);
  const ssisdb = pick(SSISDB_VARIABLE);
  const inEnv = [SQL_VARIABLE, SSISDB_VARIABLE].filter((n) => env[n]?.trim());
  const source = !sql && !ssisdb ? 'none' : inEnv.length === [sql, ssisdb].filter(Boolean).length ? 'environment' : `file ${file}`;
  return { ...(sql ? { sql } : {}), ...(ssisdb ? { ssisdb } : {}), realOnly, source };
}
