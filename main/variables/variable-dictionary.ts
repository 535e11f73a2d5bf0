/**
 * A case-insensitive variable dictionary (Octostache semantics: `Foo` and `foo` are one variable).
 * Values are raw templates; evaluation happens in evaluator.ts. Sensitivity travels with each entry so
 * one place knows every secret the Redactor must mask.
 */

export interface VariableEntry {
  /** The name as first written (display casing). */
  name: string;
  /** Raw value; may contain #{…}. Null means "defined but empty" (Octopus writes null values). */
  value: string | null;
  sensitive: boolean;
}

export type VariableInput = Iterable<readonly [string, string | null]> | Record<string, string | null>;

export class VariableDictionary {
  private readonly entries = new Map<string, VariableEntry>();
  /** Bumped on every change so evaluators can cache the parsed name tree. */
  private revision = 0;

  constructor(initial?: VariableInput) {
    if (initial) this.setAll(initial);
  }

  /** Sets (or overwrites) a variable; the first spelling of the name is kept for display. */
  set(name: string, value: string | null, options: { sensitive?: boolean } = {}): void {
    const key = name.toLowerCase();
    const existing = this.entries.get(key);
    this.entries.set(key, {
      name: existing ? existing.name : name,
      value,
      // Once a value was secret, a later non-secret overwrite must not un-mask the name's history.
      sensitive: Boolean(options.sensitive) || Boolean(existing?.sensitive && options.sensitive === undefined),
    });
    this.revision++;
  }

  /** Sets many variables at once from pairs or a plain object. */
  setAll(input: VariableInput, options: { sensitive?: boolean } = {}): void {
    const pairs = Symbol.iterator in Object(input) ? (input as Iterable<readonly [string, string | null]>) : Object.entries(input as Record<string, string | null>);
    for (const [name, value] of pairs) this.set(name, value, options);
  }

  /** The raw (unevaluated) value, or undefined when the name is not defined. */
  getRaw(name: string): string | null | undefined {
    return this.entries.get(name.toLowerCase())?.value;
  }

  /** The full entry (display name, raw value, sensitivity). */
  getEntry(name: string): VariableEntry | undefined {
    return this.entries.get(name.toLowerCase());
  }

  /** True when the name is defined (even with an empty or null value). */
  has(name: string): boolean {
    return this.entries.has(name.toLowerCase());
  }

  /** Removes a variable; returns whether it existed. */
  delete(name: string): boolean {
    const removed = this.entries.delete(name.toLowerCase());
    if (removed) this.revision++;
    return removed;
  }

  /** True when the variable is marked sensitive. */
  isSensitive(name: string): boolean {
    return this.entries.get(name.toLowerCase())?.sensitive ?? false;
  }

  /** Display names in insertion order. */
  names(): string[] {
    return [...this.entries.values()].map((e) => e.name);
  }

  /** Every entry in insertion order. */
  list(): VariableEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  /** Raw values of every sensitive variable (non-empty), for the Redactor. */
  sensitiveValues(): string[] {
    return [...this.entries.values()].filter((e) => e.sensitive && e.value).map((e) => e.value as string);
  }

  /** Number of variables. */
  get size(): number {
    return this.entries.size;
  }

  /** Changes whenever the dictionary changes. */
  get version(): number {
    return this.revision;
  }

  /** An independent copy (later writes to either side do not affect the other). */
  clone(): VariableDictionary {
    const copy = new VariableDictionary();
    for (const e of this.entries.values()) copy.set(e.name, e.value, { sensitive: e.sensitive });
    return copy;
  }
}
