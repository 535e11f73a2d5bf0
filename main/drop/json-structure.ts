/**
 * One linear pass over JSON text, before JSON.parse builds anything: it finds duplicate keys (which
 * JSON.parse silently resolves to the last one, while other parsers keep the first, so two tools could
 * read different values from the same signed bytes), measures nesting depth and counts the elements of
 * every array, so a hostile drop.json is refused by its shape rather than after it was materialised.
 * It does not validate JSON; text it cannot follow is left for JSON.parse to describe.
 */

export type JsonShapeProblem =
  | { kind: 'duplicate-key'; path: string; key: string }
  | { kind: 'too-deep'; path: string; depth: number }
  | { kind: 'too-many'; path: string; limit: number };

export interface JsonShapeLimits {
  maxDepth: number;
  /** Most elements any one array may have. */
  maxArrayLength: number;
}

interface Frame {
  type: 'object' | 'array';
  path: string;
  keys: Set<string>;
  count: number;
  /** Object: the next string is a key. Array: the next token starts an element. */
  expecting: boolean;
  key: string | null;
}

function childPath(frame: Frame | undefined): string {
  if (!frame) return '';
  if (frame.type === 'array') return `${frame.path}[${frame.count - 1}]`;
  const key = frame.key ?? '';
  const plain = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key);
  return frame.path ? (plain ? `${frame.path}.${key}` : `${frame.path}[${JSON.stringify(key)}]`) : plain ? key : `[${JSON.stringify(key)}]`;
}

/** The first problem in the text's shape, or null. */
export function checkJsonShape(text: string, limits: JsonShapeLimits): JsonShapeProblem | null {
  const stack: Frame[] = [];
  const n = text.length;
  let i = 0;
  // An element starts in the innermost array: count it (and refuse the array once it is too long).
  const startValue = (): JsonShapeProblem | null => {
    const top = stack.at(-1);
    if (top?.type === 'array' && top.expecting) {
      top.count++;
      top.expecting = false;
      if (top.count > limits.maxArrayLength) return { kind: 'too-many', path: top.path || '(root)', limit: limits.maxArrayLength };
    }
    return null;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i += 2;
        else if (d === 0x22) break;
        else i++;
      }
      if (i >= n) return null;
      i++;
      const top = stack.at(-1);
      if (top?.type === 'object' && top.expecting) {
        let key: string;
        try {
          key = JSON.parse(text.slice(start, i)) as string;
        } catch {
          return null;
        }
        if (top.keys.has(key)) return { kind: 'duplicate-key', path: top.path || '(root)', key };
        top.keys.add(key);
        top.key = key;
        top.expecting = false;
      } else {
        const problem = startValue();
        if (problem) return problem;
      }
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const problem = startValue();
      if (problem) return problem;
      const path = childPath(stack.at(-1));
      stack.push({ type: c === 0x7b ? 'object' : 'array', path, keys: new Set(), count: 0, expecting: true, key: null });
      if (stack.length > limits.maxDepth) return { kind: 'too-deep', path: path || '(root)', depth: limits.maxDepth };
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (!stack.pop()) return null;
    } else if (c === 0x2c /* , */) {
      const top = stack.at(-1);
      if (top) top.expecting = true;
    } else if (c !== 0x3a /* : */ && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      // The first character of a number or literal.
      const problem = startValue();
      if (problem) return problem;
    }
    i++;
  }
  return null;
}
