/**
 * Everything a plan, a preflight and a run need from the drop and the tenant: the values (with
 * source and sensitivity), one Redactor that knows every secret, the evaluated variables, and each
 * step's settings after #{…} evaluation. Built once per request; a run keeps it and adds the output
 * variables of its steps as they appear.
 */
import type { ValueSource } from '../../common/contract';
import type { Drop, DropStep, VariableTemplate } from '../../common/drop-model';
import { AppError, type ErrorShape } from '../../common/errors';
import type { ResolvedValue, TenantStore } from '../tenants/tenant-store';
import { parseConnectionString } from '../../common/connection-string';
import { evaluateConnectionTemplate, looksLikeConnectionTemplate } from '../variables/connection-template';
import { evaluate, resolveAll } from '../variables/evaluator';
import { MASK, Redactor } from '../variables/redactor';
import { validateValue } from '../variables/validate-value';
import { VariableDictionary } from '../variables/variable-dictionary';

/** One variable as the plan and the journal show it (secrets as ********). */
export interface ShownVariable {
  name: string;
  source: ValueSource;
  sensitive: boolean;
  value: string;
  /** The engineer's answer to a changed default (for the report). */
  decision?: 'keep-previous' | 'use-new';
}

/** A problem with the values: a missing required variable, an invalid value, a reference to nothing. */
export interface ValueProblem extends ErrorShape {
  variable?: string;
  stepId?: string;
}

export interface DeploymentInputs {
  drop: Drop;
  tenantId: string;
  values: ResolvedValue[];
  dictionary: VariableDictionary;
  redactor: Redactor;
  /** Set when the keychain could not be read: secrets are then empty and the run is blocked. */
  secretsProblem?: ErrorShape;
  problems: ValueProblem[];
  /** The step's settings evaluated with the current variables (output variables of earlier steps included). */
  settingsFor(step: DropStep): { settings: Record<string, unknown>; problems: ValueProblem[] };
  /** Every variable by name, evaluated. */
  evaluatedValues(): Map<string, string>;
  /** Adds an output variable of a step (sensitive ones go to the Redactor first). */
  addOutput(name: string, value: string, sensitive: boolean): void;
  shownVariables(): ShownVariable[];
}

const OUTPUT_REFERENCE = /^Octopus\.Action\[.*\]\.Output\./i;

/**
 * The one place that decides what the Redactor learns about a value: a sensitive value in full, the password
 * inside anything that reads as a connection string (whatever the variable is marked), and the forms a
 * filter derived from a secret (ToUpper, ToBase64, a prefix). Every registration in this file goes through it.
 */
function learnSecrets(redactor: Redactor, value: string | undefined, how: { sensitive?: boolean; derived?: readonly string[] } = {}): void {
  redactor.addAll(how.derived ?? []);
  if (!value) return;
  if (how.sensitive) redactor.add(value);
  if (!/password|pwd/i.test(value)) return;
  try {
    const password = parseConnectionString(value).password;
    if (password) redactor.add(password);
  } catch {
    // Not a connection string.
  }
}

/** Resolves the tenant's values for a drop and prepares evaluation and redaction. */
export async function prepareInputs(drop: Drop, tenantId: string, tenants: TenantStore): Promise<DeploymentInputs> {
  let values: ResolvedValue[];
  let secretsProblem: ErrorShape | undefined;
  // Names the tenant keeps in the keychain are secrets even when this release's template says otherwise.
  const keptSecret = new Set(tenants.secretNames(tenantId).map((n) => n.toLowerCase()));
  try {
    values = await tenants.resolveValues(tenantId, drop);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'SECRETS_UNAVAILABLE') throw error;
    secretsProblem = error.toShape();
    const view = await tenants.diffForDrop(tenantId, drop, { probeSecrets: false });
    values = view.items.map((i) => ({ name: i.name, value: i.sensitive ? '' : (i.value ?? ''), source: i.source, sensitive: i.sensitive }));
  }
  values = values.map((v) => (keptSecret.has(v.name.toLowerCase()) && !v.sensitive ? { ...v, sensitive: true } : v));

  const redactor = new Redactor();
  const dictionary = new VariableDictionary();
  // Baked values first (unscoped ones win over step-scoped), then the tenant's: typed > remembered > baked > default.
  for (const b of [...drop.baked.filter((x) => x.step !== undefined), ...drop.baked.filter((x) => x.step === undefined)]) {
    dictionary.set(b.name, b.value, { sensitive: b.sensitive });
    learnSecrets(redactor, b.value, { sensitive: b.sensitive });
  }
  const required = new Set(drop.variables.filter((t) => t.required).map((t) => t.name));
  for (const v of values) {
    // A required value nobody gave stays undefined, so every setting that uses it names it as missing.
    if (v.source === 'none' && v.value === '' && required.has(v.name)) continue;
    dictionary.set(v.name, v.value, { sensitive: v.sensitive });
    if (v.sensitive) learnSecrets(redactor, v.value, { sensitive: true });
  }
  for (const v of values) learnSecrets(redactor, v.value);
  // Connection-string variables built from other variables quote what they substitute (see connection-template).
  const evaluation = { connectionStrings: new Set(drop.variables.filter((t) => t.type === 'connection-string').map((t) => t.name)) };

  const evaluatedValues = (): Map<string, string> => {
    const out = new Map<string, string>();
    for (const [name, r] of resolveAll(dictionary, evaluation)) {
      out.set(name, r.value);
      // A value built from secrets (a connection string from #{SqlPassword}) is as secret as they are, and a
      // secret a filter transformed is masked in the form produced.
      learnSecrets(redactor, r.value, { sensitive: r.sensitive, derived: r.derivedSecrets ?? [] });
    }
    return out;
  };
  const initial = evaluatedValues();

  const problems: ValueProblem[] = [];
  const templates = new Map<string, VariableTemplate>(drop.variables.map((t) => [t.name, t]));
  for (const v of values) {
    const template = templates.get(v.name);
    if (!template) continue;
    const evaluated = initial.get(v.name) ?? v.value;
    if (v.sensitive && secretsProblem && (v.source === 'remembered' || template.required)) continue;
    const problem = validateValue(template, evaluated);
    if (problem) problems.push({ ...problem, message: redactor.redact(problem.message), variable: v.name });
    else if (evaluated.includes('#{')) {
      const r = evaluate(v.value, dictionary, evaluation);
      const missing = r.missing.filter((m) => !OUTPUT_REFERENCE.test(m));
      if (missing.length > 0) {
        problems.push({
          code: 'VARIABLE_REFERENCE_MISSING',
          message: `${template.label || v.name}: its value refers to ${missing.map((m) => `#{${m}}`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not defined.`,
          hint: 'Give the referenced variable a value, or change the value so it does not refer to it.',
          variable: v.name,
          // The grouping of problems by root cause (common/problem-groups) reads these.
          details: { variable: v.name, missing },
        });
      }
    }
  }

  const settingsFor = (step: DropStep): { settings: Record<string, unknown>; problems: ValueProblem[] } => {
    const stepProblems: ValueProblem[] = [];
    const walk = (value: unknown, path: string): unknown => {
      if (typeof value === 'string') {
        if (!value.includes('#{')) return value;
        const evaluateText = (text: string) => evaluate(text, dictionary, { ...evaluation, subject: `setting ${path} of step ${step.id}` });
        // Connection strings are evaluated pair by pair so a password holding ';' or '"' is quoted, not split:
        // the step's `connection`, and connection strings handed on (an SSIS environment variable's value).
        const r = path === 'connection' || looksLikeConnectionTemplate(value) ? evaluateConnectionTemplate(value, evaluateText) : evaluateText(value);
        learnSecrets(redactor, undefined, { derived: r.derivedSecrets ?? [] });
        const missing = r.missing.filter((m) => !OUTPUT_REFERENCE.test(m));
        if (missing.length > 0) {
          stepProblems.push({
            code: 'STEP_VARIABLE_MISSING',
            message: `Step ${step.id}: the setting ${path} refers to ${missing.map((m) => `#{${m}}`).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not defined.`,
            hint: `Give ${missing.join(', ')} a value, or ask the vendor why the step refers to ${missing.length === 1 ? 'it' : 'them'}.`,
            stepId: step.id,
            details: { stepId: step.id, missing },
          });
        }
        for (const e of r.errors) stepProblems.push({ ...e, message: `Step ${step.id}, setting ${path}: ${redactor.redact(e.message)}`, stepId: step.id });
        if (r.text !== value) learnSecrets(redactor, r.text);
        return r.text;
      }
      if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`));
      if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]));
      return value;
    };
    const settings = walk(step.settings, '') as Record<string, unknown>;
    // A `connection` setting written out in clear (not through a variable) still hides its password.
    if (typeof settings.connection === 'string') learnSecrets(redactor, settings.connection);
    return { settings, problems: stepProblems };
  };

  return {
    drop,
    tenantId,
    values,
    dictionary,
    redactor,
    ...(secretsProblem ? { secretsProblem } : {}),
    problems,
    settingsFor,
    evaluatedValues,
    addOutput(name, value, sensitive) {
      learnSecrets(redactor, value, { sensitive });
      dictionary.set(name, value, { sensitive });
    },
    shownVariables() {
      const evaluated = evaluatedValues();
      return values.map((v) => ({
        name: v.name,
        source: v.source,
        sensitive: v.sensitive,
        value: v.sensitive ? MASK : redactor.redact(evaluated.get(v.name) ?? v.value),
        ...(v.decision ? { decision: v.decision } : {}),
      }));
    },
  };
}
