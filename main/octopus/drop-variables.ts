/**
 * Splits the variables of an Octopus drop into values baked into the drop and prompts the tenant must
 * answer. Octopus resolves a deployment's variables when it builds the drop, so what is still empty or
 * an unresolved #{…} is exactly what the hospital has to supply: those become VariableTemplates
 * (origin 'octopus'), remembered per tenant like native ones. Everything else is baked. References are
 * found by reading the templates (missingReferences), not by evaluating them: opening a drop runs no
 * filter and builds no value it does not show.
 */
import type { BakedVariable, VariableTemplate } from '../../common/drop-model';
import { missingReferences } from '../variables/references';
import type { VariableDictionary } from '../variables/variable-dictionary';
import type { LoadedStep } from './octopus-step';
import { isTemplateParameter, type MappedStep } from './step-mapping';
import { knownPrompt } from './windows-account';

const SECRET_NAME = /pass(word)?|pwd|secret|token|api.?key/i;

interface Candidate {
  name: string;
  required: boolean;
  sensitive: boolean;
  steps: Set<string>;
  help: string;
}

/** System and environment variables are never tenant prompts. */
function isSystemName(name: string): boolean {
  return /^(octopus\.|env:)/i.test(name);
}

/** Baked values and tenant prompts for the drop. */
export function splitDropVariables(steps: readonly LoadedStep[], mapped: readonly MappedStep[]): { baked: BakedVariable[]; templates: VariableTemplate[] } {
  const candidates = new Map<string, Candidate>();
  const propose = (name: string, step: string, required: boolean, sensitive: boolean, help: string) => {
    if (isSystemName(name)) return;
    const key = name.toLowerCase();
    const c = candidates.get(key) ?? { name, required: false, sensitive: false, steps: new Set<string>(), help };
    c.required ||= required;
    c.sensitive ||= sensitive || SECRET_NAME.test(name);
    c.steps.add(step);
    candidates.set(key, c);
  };

  // Pass 1: variables the drop left empty, or whose whole value is one reference Octopus could not resolve.
  const replaced = new Set<string>();
  for (const step of steps) {
    for (const entry of step.vars.list()) {
      if (isSystemName(entry.name)) continue;
      const raw = (entry.value ?? '').trim();
      if (raw === '') {
        if (isTemplateParameter(entry.name)) continue;
        propose(entry.name, step.name, false, entry.sensitive, 'Empty in the Octopus drop: supply the value for this tenant.');
        replaced.add(entry.name.toLowerCase());
      } else if (refersToMissing(raw, step.vars)) {
        propose(entry.name, step.name, true, entry.sensitive, `Octopus could not resolve its value ${entry.sensitive ? '' : `(${raw}) `}when it built the drop: supply it for this tenant.`);
        replaced.add(entry.name.toLowerCase());
      }
    }
  }
  // The tenant answers those prompts, so their own unresolved references must not be asked for too.
  const answered = (vars: VariableDictionary): VariableDictionary => {
    const copy = vars.clone();
    for (const name of copy.names()) if (replaced.has(name.toLowerCase())) copy.set(name, 'tenant value');
    return copy;
  };

  // Pass 2: what the mapped steps' settings need and the drop does not provide.
  for (const { step, source } of mapped) {
    if (step.type === 'unsupported') continue;
    const vars = answered(source.vars);
    for (const text of stringsIn(step.settings)) {
      for (const name of missingReferences(text, vars)) propose(name, source.name, true, false, `Needed by step "${source.name}"; the Octopus drop has no value for it.`);
      for (const name of referencedNames(text)) {
        const entry = source.vars.getEntry(name);
        if (entry && (entry.value ?? '') === '') propose(entry.name, source.name, true, entry.sensitive, `Needed by step "${source.name}"; it is empty in the Octopus drop.`);
      }
    }
  }

  // Pass 3: other variables that still reference something missing.
  for (const step of steps) {
    const vars = answered(step.vars);
    for (const entry of step.vars.list()) {
      if (isSystemName(entry.name) || replaced.has(entry.name.toLowerCase()) || !(entry.value ?? '').includes('#{')) continue;
      for (const name of missingReferences(entry.value!, vars)) propose(name, step.name, false, entry.sensitive, `Referenced by "${entry.name}"; the Octopus drop has no value for it.`);
    }
  }

  const templates: VariableTemplate[] = [...candidates.values()].map((c) => {
    // Prompts the mapping introduced (the Windows deployment accounts) carry their own wording and checks.
    const known = knownPrompt(c.name);
    const sensitive = c.sensitive || Boolean(known?.sensitive);
    const template: VariableTemplate = {
      name: c.name,
      label: known?.label ?? c.name,
      help: known?.help ?? c.help,
      group: known?.group ?? (c.steps.size === 1 ? [...c.steps][0]! : 'Octopus variables'),
      type: /connection\s*string/i.test(c.name) ? 'connection-string' : sensitive ? 'sensitive' : 'text',
      required: c.required,
      sensitive,
      ...(known?.pattern ? { pattern: known.pattern } : {}),
      origin: 'octopus',
    };
    return template;
  });
  const prompted = new Set(candidates.keys());
  return { baked: bakedVariables(steps, prompted), templates };
}

function bakedVariables(steps: readonly LoadedStep[], prompted: Set<string>): BakedVariable[] {
  const byName = new Map<string, Array<{ step: string; name: string; value: string; sensitive: boolean }>>();
  for (const step of steps) {
    for (const entry of step.vars.list()) {
      const key = entry.name.toLowerCase();
      if (prompted.has(key)) continue;
      const list = byName.get(key) ?? [];
      list.push({ step: step.name, name: entry.name, value: entry.value ?? '', sensitive: entry.sensitive });
      byName.set(key, list);
    }
  }
  const baked: BakedVariable[] = [];
  for (const list of byName.values()) {
    const first = list[0]!;
    const same = list.every((v) => v.value === first.value && v.sensitive === first.sensitive);
    // Values shared by every step that has them are drop-wide; differing ones stay with their step.
    if (same && (steps.length === 1 || !isStepScopedName(first.name))) {
      baked.push({ name: first.name, value: first.value, sensitive: first.sensitive });
    } else for (const v of list) baked.push({ name: v.name, value: v.value, sensitive: v.sensitive, step: v.step });
  }
  return baked;
}

/** Octopus.Action.* / Octopus.Step.* describe one step even when only that step's file has them. */
function isStepScopedName(name: string): boolean {
  return /^octopus\.(action|step)\./i.test(name) && !/^octopus\.action\[/i.test(name);
}

/** True when the whole value is one `#{Name}` (filters allowed) naming a variable the drop does not define. */
function refersToMissing(raw: string, vars: VariableDictionary): boolean {
  const m = /^#\{\s*([^{}|#]+?)\s*(\|[^{}]*)?\}$/.exec(raw);
  if (!m || /^(if|unless|each|calc)\s/.test(m[1]!)) return false;
  return !vars.has(m[1]!) && missingReferences(raw, vars).length > 0;
}

function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* stringsIn(v);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) yield* stringsIn(v);
}

/** Plain `#{Name}` references in a text (no filters), for spotting settings that point at empty variables. */
function referencedNames(text: string): string[] {
  return [...text.matchAll(/#\{\s*([^{}|#]+?)\s*\}/g)].map((m) => m[1]!).filter((n) => !/^(if|unless|each|else|\/)/.test(n));
}
