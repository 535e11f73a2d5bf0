/**
 * Checks a value against its VariableTemplate (required, number, boolean, choice, pattern,
 * connection-string) before it is remembered or used. Messages quote the value only when the template
 * is not sensitive.
 */
import { AppError, type ErrorShape } from '../../common/errors';
import type { VariableTemplate } from '../../common/drop-model';
import { parseConnectionString } from '../../common/connection-string';
import { compileSafeRegex } from '../../common/safe-regex';

const TRUE_WORDS = new Set(['true', 'yes', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'no', '0', 'off']);

/** Interprets a boolean-typed value; undefined when it is not recognisable. */
export function parseBooleanValue(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return undefined;
}

/**
 * Returns the problem with `value` for this template, or null when it is acceptable. A value that still
 * holds a #{…} reference is only checked for presence: it is typed after evaluation.
 */
export function validateValue(template: VariableTemplate, value: string | null | undefined): ErrorShape | null {
  const label = template.label || template.name;
  const shown = (v: string) => (template.sensitive || template.type === 'sensitive' ? '' : ` ("${v}")`);
  const problem = (code: string, what: string, hint: string): ErrorShape => ({ code, message: `${label}: ${what}`, hint, details: { variable: template.name } });
  if (value === null || value === undefined || value === '') {
    return template.required ? problem('VARIABLE_REQUIRED', 'a value is required', `Enter a value for "${label}".`) : null;
  }
  if (value.includes('#{')) return null;
  switch (template.type) {
    case 'number':
      if (!/^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return problem('VARIABLE_NOT_A_NUMBER', `the value${shown(value)} is not a number`, 'Enter digits only, e.g. 30 or 2.5.');
      break;
    case 'boolean':
      if (parseBooleanValue(value) === undefined) return problem('VARIABLE_NOT_BOOLEAN', `the value${shown(value)} is not true or false`, 'Enter true or false (yes/no and 1/0 are accepted too).');
      break;
    case 'choice':
      if (template.choices && template.choices.length > 0 && !template.choices.includes(value)) {
        return problem('VARIABLE_NOT_A_CHOICE', `the value${shown(value)} is not one of the allowed choices`, `Choose one of: ${template.choices.join(', ')}.`);
      }
      break;
    case 'connection-string':
      try {
        parseConnectionString(value);
      } catch (e) {
        if (e instanceof AppError) return { ...e.toShape(), message: `${label}: ${e.message}`, details: { variable: template.name } };
        throw e;
      }
      break;
    default:
      break;
  }
  if (template.pattern) {
    // The drop's pattern runs in RE2 (linear time): a pattern such as (a+)+$ cannot hang plan or the UI.
    const compiled = compileSafeRegex(template.pattern, { anchored: true, dialect: 'javascript' });
    if (!compiled.ok) {
      return problem('VARIABLE_PATTERN_INVALID', `the drop declares a pattern /${template.pattern}/ that cannot be used (${compiled.reason})`, 'This is a defect in the drop; ask the vendor for a corrected drop (patterns may not use backreferences or lookaround).');
    }
    if (!compiled.regex.test(value)) return problem('VARIABLE_PATTERN_MISMATCH', `the value${shown(value)} does not have the expected form`, `The value must match /${template.pattern}/${template.help ? ` — ${template.help}` : ''}.`);
  }
  return null;
}
