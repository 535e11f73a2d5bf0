/**
 * Octopus service messages a script prints to hand values to later steps:
 * `##octopus[setVariable name='<base64>' value='<base64>' sensitive='<base64 "True">']`.
 * Attribute values are base64 of UTF-8 text, which is how Octopus's own helpers write them.
 */

export interface OutputVariable {
  name: string;
  value: string;
  sensitive: boolean;
}

const MESSAGE = /^\s*##octopus\[\s*setVariable\b(.*)\]\s*$/i;
const ATTRIBUTE = /([A-Za-z]+)\s*=\s*'([^']*)'/g;

function fromBase64(text: string): string | undefined {
  const clean = text.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  return Buffer.from(clean, 'base64').toString('utf8');
}

/** Parses one output line; undefined when it is not a setVariable message (or is malformed). */
export function parseSetVariable(line: string): OutputVariable | undefined {
  const m = MESSAGE.exec(line);
  if (!m) return undefined;
  const attrs = new Map<string, string>();
  for (const a of m[1]!.matchAll(ATTRIBUTE)) attrs.set(a[1]!.toLowerCase(), a[2]!);
  const name = attrs.has('name') ? fromBase64(attrs.get('name')!) : undefined;
  const value = attrs.has('value') ? fromBase64(attrs.get('value')!) : undefined;
  if (!name || value === undefined) return undefined;
  const sensitiveText = attrs.has('sensitive') ? fromBase64(attrs.get('sensitive')!) : undefined;
  return { name, value, sensitive: /^true$/i.test(sensitiveText ?? '') };
}

/** True for any service-message line (`##octopus[...]`), which is never shown as plain output. */
export function isServiceMessage(line: string): boolean {
  return /^\s*##octopus\[/i.test(line);
}

/** The names later steps use: Octopus.Action[<step>].Output.<name>, by step name and by step id. */
export function outputVariableNames(step: { id: string; name: string }, name: string): string[] {
  return [...new Set([`Octopus.Action[${step.name}].Output.${name}`, `Octopus.Action[${step.id}].Output.${name}`])];
}
