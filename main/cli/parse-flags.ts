/**
 * A small, strict flag parser: `--name value`, `--name=value`, boolean `--name`, and `--` to end flags.
 * Which flags take a value is declared by the caller, so `--json file.zip` is never misread.
 */
export interface ParsedFlags {
  positionals: string[];
  get(name: string): string | undefined;
  getAll(name: string): string[];
  has(name: string): boolean;
  /** Every flag name given, in order of first appearance. */
  names(): string[];
}

/** Parses argv (without node and script) given the names of flags that take a value. */
export function parseFlags(argv: string[], valueFlags: ReadonlySet<string>): ParsedFlags {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  let flagsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (flagsEnded || !arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      flagsEnded = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (valueFlags.has(name)) {
      const next = argv[i + 1];
      if (next === undefined) throw new FlagError(`--${name} needs a value`);
      value = next;
      i++;
    } else value = 'true';
    const list = values.get(name) ?? [];
    list.push(value);
    values.set(name, list);
  }
  return {
    positionals,
    get: (name) => values.get(name)?.at(-1),
    getAll: (name) => values.get(name) ?? [],
    has: (name) => values.has(name),
    names: () => [...values.keys()],
  };
}

/** Raised for malformed command lines; the CLI prints it as INVALID_ARGUMENTS with exit 2. */
export class FlagError extends Error {}
