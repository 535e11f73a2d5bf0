/**
 * One entry per root cause. A missing value is reported where it is missing (VARIABLE_REQUIRED), again
 * by every default that refers to it (VARIABLE_REFERENCE_MISSING) and again by every step setting that
 * uses it (STEP_VARIABLE_MISSING): six missing values made 18 problems. Grouped, the engineer reads six
 * causes, each with the defaults and steps that wait for it.
 *
 * The grouping reads `details`: `variable` (the variable the problem is about), `missing` (the names a
 * value refers to that have no value) and `stepId`.
 */
import type { ErrorShape } from './errors';

export interface ProblemGroup {
  /** The root cause; a synthesized VARIABLE_UNDEFINED when only references to the name were reported. */
  root: ErrorShape;
  /** The variable at the root, when the cause is a missing or invalid value. */
  variable?: string;
  /** Variables whose value (usually the drop's default) refers to the root variable. */
  dependentVariables: string[];
  /** Steps with a setting that refers to the root variable. */
  dependentSteps: string[];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const names = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);

/** Groups problems by root cause, in the order the causes first appear. */
export function groupProblems(problems: readonly ErrorShape[]): ProblemGroup[] {
  const groups = new Map<string, ProblemGroup>();
  const order: string[] = [];
  const groupFor = (key: string, make: () => ProblemGroup): ProblemGroup => {
    let g = groups.get(key);
    if (!g) {
      g = make();
      groups.set(key, g);
      order.push(key);
    }
    return g;
  };
  const pushUnique = (list: string[], v: string) => {
    if (!list.includes(v)) list.push(v);
  };

  // Causes first, so a reference seen before its cause still lands under the cause's own entry.
  for (const p of problems) {
    const variable = text(p.details?.variable);
    if (names(p.details?.missing).length > 0 || !variable) continue;
    const g = groupFor(`var:${variable.toLowerCase()}`, () => ({ root: p, variable, dependentVariables: [], dependentSteps: [] }));
    // A reference-free problem for a variable that so far only had a synthesized root becomes the root.
    if (g.root.code === 'VARIABLE_UNDEFINED') g.root = p;
  }
  for (const p of problems) {
    const missing = names(p.details?.missing);
    const variable = text(p.details?.variable);
    const stepId = text(p.details?.stepId);
    if (missing.length === 0) {
      if (!variable) groupFor(`other:${p.code}|${p.message}`, () => ({ root: p, dependentVariables: [], dependentSteps: [] }));
      continue;
    }
    for (const name of missing) {
      const g = groupFor(`var:${name.toLowerCase()}`, () => ({
        root: { code: 'VARIABLE_UNDEFINED', message: `#{${name}} is referred to but has no value.`, hint: `Give ${name} a value.`, details: { variable: name } },
        variable: name,
        dependentVariables: [],
        dependentSteps: [],
      }));
      if (stepId) pushUnique(g.dependentSteps, stepId);
      else if (variable && variable.toLowerCase() !== name.toLowerCase()) pushUnique(g.dependentVariables, variable);
    }
  }
  return order.map((k) => groups.get(k)!);
}
