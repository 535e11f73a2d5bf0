/**
 * A step's `connection` is a template such as `Data Source=#{Server};User Id=#{User};Password=#{Pwd}`.
 * Substituting it as plain text breaks when a value holds `;`, `"` or `=` — Windows and SQL
 * passwords often do — because the password's tail then reads as another keyword. So the template
 * is split into Keyword=Value pairs first, each value is evaluated on its own, and the string is
 * written back with every value quoted as it needs.
 */
import { joinConnectionString, splitConnectionString } from '../../common/connection-string';
import type { EvaluationResult } from './evaluator';

/**
 * Evaluates a connection-string template pair by pair. A template that is not plain Keyword=Value
 * pairs (a whole-string reference like `#{Conn}`, `#{if}` blocks spanning pairs, a reference in a
 * keyword) is evaluated as text, exactly as before: its values cannot be told apart.
 */
export function evaluateConnectionTemplate(template: string, evaluateText: (text: string) => EvaluationResult): EvaluationResult {
  let pairs: Map<string, string>;
  try {
    pairs = splitConnectionString(template);
  } catch {
    return evaluateText(template);
  }
  if (pairs.size === 0 || [...pairs.keys()].some((key) => key.includes('#{') || key.includes('}'))) return evaluateText(template);
  // A `#{` left open in one value means a token was split at a ';' inside it (a filter argument): not pairs.
  if ([...pairs.values()].some((value) => unbalanced(value))) return evaluateText(template);

  const out: Array<[string, string]> = [];
  const unresolved: string[] = [];
  const missing: string[] = [];
  const derivedSecrets: string[] = [];
  const errors: EvaluationResult['errors'] = [];
  const addUnique = (into: string[], items: string[]) => {
    for (const item of items) if (!into.includes(item)) into.push(item);
  };
  for (const [key, value] of pairs) {
    if (!value.includes('#{')) {
      out.push([key, value]);
      continue;
    }
    const r = evaluateText(value);
    out.push([key, r.text]);
    addUnique(derivedSecrets, r.derivedSecrets ?? []);
    addUnique(unresolved, r.unresolved);
    addUnique(missing, r.missing);
    errors.push(...r.errors);
  }
  return { text: joinConnectionString(out), unresolved, missing, errors, derivedSecrets };
}

/** True when a `#{` in the value is not closed by a `}` after it. */
function unbalanced(value: string): boolean {
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '#' && value[i + 1] === '{') {
      depth++;
      i++;
    } else if (value[i] === '}' && depth > 0) depth--;
  }
  return depth !== 0;
}

/**
 * True for a template that reads as connection-string pairs with a password keyword, such as an SSIS
 * environment variable "Data Source=#{SqlServer};…;Password=#{SqlPassword};". Such values get the
 * same pair-by-pair evaluation wherever they sit in a step's settings; other text is left alone.
 */
export function looksLikeConnectionTemplate(template: string): boolean {
  if (!template.includes('#{') || !/(password|pwd)\s*=/i.test(template)) return false;
  try {
    const pairs = splitConnectionString(template);
    return pairs.size >= 2 && [...pairs.keys()].some((key) => key === 'password' || key === 'pwd') && ![...pairs.keys()].some((key) => key.includes('#{'));
  } catch {
    return false;
  }
}
