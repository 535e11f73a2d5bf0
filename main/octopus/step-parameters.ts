/**
 * Turns step-template parameter values (Octopus variables) into native step settings. A value goes in
 * evaluated when it is fully known and holds no secret; otherwise as a #{…} reference the engine
 * evaluates at run time (with the tenant's values). Secrets never appear in settings: the Drop is shown
 * in the UI and written into plans and reports.
 */
import { quoteConnectionValue } from '../../common/connection-string';
import { AppError } from '../../common/errors';
import { evaluate, type EvaluationResult } from '../variables/evaluator';
import type { VariableDictionary } from '../variables/variable-dictionary';
import { parseBooleanValue } from '../variables/validate-value';

/**
 * Evaluates at import time; undefined when the value is over an evaluation budget. Opening the drop
 * then keeps the #{…} reference, and the coded error comes from the plan or deployment that needs it.
 */
export function evaluateAtImport(text: string, vars: VariableDictionary): EvaluationResult | undefined {
  try {
    return evaluate(text, vars);
  } catch (e) {
    if (e instanceof AppError && e.code.startsWith('TEMPLATE_')) return undefined;
    throw e;
  }
}

/** The value to put in a setting for variable `name`; undefined when the variable is not defined. */
export function settingValue(vars: VariableDictionary, name: string): string | undefined {
  const entry = vars.getEntry(name);
  if (!entry) return undefined;
  if (entry.sensitive) return `#{${entry.name}}`;
  const raw = entry.value ?? '';
  if (!raw.includes('#{')) return raw;
  const result = evaluateAtImport(raw, vars);
  if (!result || result.unresolved.length > 0 || result.errors.length > 0) return raw;
  const secrets = vars.sensitiveValues().filter((s) => s.length > 0);
  return secrets.some((s) => result.text.includes(s)) ? raw : result.text;
}

/** Like settingValue, but an empty or missing value becomes a reference the tenant must supply. */
export function requiredSetting(vars: VariableDictionary, name: string): string {
  const v = settingValue(vars, name);
  return v === undefined || v.trim() === '' ? `#{${vars.getEntry(name)?.name ?? name}}` : v;
}

/** A checkbox parameter ("True"/"False"); missing or unreadable counts as `fallback`. */
export function flagSetting(vars: VariableDictionary, name: string, fallback = false): boolean {
  const v = settingValue(vars, name);
  if (v === undefined || v.includes('#{')) return fallback;
  return parseBooleanValue(v) ?? fallback;
}

/** Quotes a literal connection-string value when it needs it; #{…} references are left for run time. */
export function connectionValue(value: string): string {
  return value.includes('#{') ? value : quoteConnectionValue(value);
}

/** Builds `Key=Value;…` from pairs, skipping undefined values. */
export function buildConnectionString(pairs: Array<[string, string | undefined]>): string {
  return pairs
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `${k}=${connectionValue(v)}`)
    .join(';');
}

export type TargetPath =
  | { kind: 'step-package'; step: string; subPath: string }
  | { kind: 'package-reference'; reference: string; subPath: string }
  | { kind: 'relative'; subPath: string }
  | { kind: 'outside'; path: string };

/**
 * Interprets a path that a step template uses on the target machine. Paths under an earlier step's
 * installation directory or a package reference's extraction folder are paths inside that package.
 */
export function interpretTargetPath(raw: string): TargetPath {
  const value = raw.trim();
  const step = /^#\{\s*Octopus\.Action\[([^\]]+)\]\.Output\.Package\.InstallationDirectoryPath\s*\}[\\/]?(.*)$/i.exec(value);
  if (step) return { kind: 'step-package', step: step[1]!.trim(), subPath: normalizeSub(step[2]!) };
  const ref = /^#\{\s*Octopus\.Action\.Package\[([^\]]*)\]\.ExtractedPath\s*\}[\\/]?(.*)$/i.exec(value);
  if (ref) return { kind: 'package-reference', reference: ref[1]!.trim(), subPath: normalizeSub(ref[2]!) };
  if (/^[A-Za-z]:[\\/]|^[\\/]|#\{/.test(value)) return { kind: 'outside', path: value };
  return { kind: 'relative', subPath: normalizeSub(value) };
}

function normalizeSub(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.?\//, '').replace(/\/+$/, '');
}
