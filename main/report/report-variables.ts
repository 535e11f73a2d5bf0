/**
 * The report's variables section: every value masked when declared sensitive, and a clear-text
 * sensitive value found in the journal remembered so it can be scrubbed from the whole report.
 */
import type { JournalEvent } from '../../common/journal-events';
import { MASK } from './report-mask';
import type { ReportVariable } from './report-model';

type StartedVariables = Extract<JournalEvent, { type: 'deployment-started' }>['variables'];

/** Shorter secrets would mangle ordinary words if scrubbed from free text; they are still masked where declared. */
const MIN_SCRUB_LENGTH = 4;

export interface VariableBook {
  variables: Map<string, ReportVariable>;
  /** Clear-text values of sensitive variables the journal should not have held. */
  leaked: Set<string>;
  leakedNames: string[];
  take(list: StartedVariables): void;
}

export function createVariableBook(): VariableBook {
  const variables = new Map<string, ReportVariable>();
  const leaked = new Set<string>();
  const leakedNames: string[] = [];
  const take = (list: StartedVariables): void => {
    for (const v of list) {
      if (v.sensitive && v.value !== MASK && v.value !== '') {
        leaked.add(v.value);
        leakedNames.push(v.name);
      }
      variables.set(v.name, { name: v.name, source: v.source, sensitive: v.sensitive, value: v.sensitive ? MASK : v.value, ...(v.decision ? { decision: v.decision } : {}) });
    }
  };
  return { variables, leaked, leakedNames, take };
}

/** Replaces every leaked secret (long enough to be told from ordinary words) in every string of the value. */
export function scrubLeaked<T>(value: T, leaked: Set<string>): T {
  const secrets = [...leaked].filter((v) => v.length >= MIN_SCRUB_LENGTH);
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return secrets.reduce((s, secret) => s.split(secret).join(MASK), v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
