/**
 * JSON as Octostache 3.9.3 reads it inside variable values (Newtonsoft's JsonConvert.DeserializeObject):
 * property names may be unquoted or single-quoted, strings single-quoted, comments and trailing commas
 * are allowed. Values come back as .NET would print them: a JSON `true` is "True", a number "15.21",
 * a nested object or array its compact serialization.
 */
import { formatDotNetDouble } from './dotnet-double';

export type JsonNode =
  | { t: 'obj'; entries: Array<[string, JsonNode]> }
  | { t: 'arr'; items: JsonNode[] }
  | { t: 'str'; v: string }
  | { t: 'num'; text: string; float: boolean }
  | { t: 'bool'; v: boolean }
  | { t: 'null' };

class JsonError extends Error {}

/** Parses the text; undefined when Newtonsoft would throw. `null` for an empty text or a literal null. */
export function parseLenientJson(text: string): JsonNode | null | undefined {
  const p = new Parser(text);
  try {
    p.ws();
    if (p.atEnd()) return null;
    const value = p.value(0);
    p.ws();
    if (!p.atEnd()) return undefined;
    return value.t === 'null' ? null : value;
  } catch (e) {
    if (e instanceof JsonError) return undefined;
    throw e;
  }
}

/** The text Octostache binds for a token: scalars as .NET prints them (null as ""), containers serialized. */
export function jsonNodeText(node: JsonNode | undefined): string {
  if (!node) return '';
  switch (node.t) {
    case 'str':
      return node.v;
    case 'num':
      return numberText(node);
    case 'bool':
      return node.v ? 'True' : 'False';
    case 'null':
      return '';
    default:
      return serialize(node);
  }
}

function numberText(n: { text: string; float: boolean }): string {
  if (!n.float) return BigInt(n.text).toString();
  return formatDotNetDouble(Number(n.text));
}

/** JsonConvert.SerializeObject of a token: compact, double-quoted names, floats keep a ".0". */
export function serialize(node: JsonNode): string {
  switch (node.t) {
    case 'obj':
      return `{${node.entries.map(([k, v]) => `${JSON.stringify(k)}:${serialize(v)}`).join(',')}}`;
    case 'arr':
      return `[${node.items.map(serialize).join(',')}]`;
    case 'str':
      return JSON.stringify(node.v);
    case 'num': {
      if (!node.float) return BigInt(node.text).toString();
      const s = formatDotNetDouble(Number(node.text));
      return /^-?\d+$/.test(s) ? `${s}.0` : s;
    }
    case 'bool':
      return node.v ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}

// Nesting deeper than this is refused rather than risking the stack (Newtonsoft's default limit is 64).
const MAX_DEPTH = 64;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  ws(): void {
    for (;;) {
      while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
      if (this.s.startsWith('//', this.i)) {
        const nl = this.s.indexOf('\n', this.i);
        this.i = nl === -1 ? this.s.length : nl + 1;
      } else if (this.s.startsWith('/*', this.i)) {
        const end = this.s.indexOf('*/', this.i + 2);
        if (end === -1) throw new JsonError('unterminated comment');
        this.i = end + 2;
      } else return;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw new JsonError('too deep');
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"' || c === "'") return { t: 'str', v: this.string() };
    const num = /^-?(?:\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (num) {
      this.i += num[0].length;
      return { t: 'num', text: num[0], float: /[.eE]/.test(num[0]) };
    }
    for (const [word, node] of [
      ['true', { t: 'bool', v: true }],
      ['false', { t: 'bool', v: false }],
      ['null', { t: 'null' }],
      ['undefined', { t: 'null' }],
    ] as Array<[string, JsonNode]>) {
      if (this.s.startsWith(word, this.i) && !/[\p{L}\p{N}_$]/u.test(this.s[this.i + word.length] ?? '')) {
        this.i += word.length;
        return node;
      }
    }
    throw new JsonError('unexpected character');
  }

  private object(depth: number): JsonNode {
    this.i++;
    const entries: Array<[string, JsonNode]> = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return { t: 'obj', entries };
      }
      const c = this.s[this.i];
      let name: string;
      if (c === '"' || c === "'") name = this.string();
      else {
        const m = /^[\p{L}\p{N}_$]+/u.exec(this.s.slice(this.i, this.i + 1000));
        if (!m) throw new JsonError('bad property name');
        name = m[0];
        this.i += name.length;
      }
      this.ws();
      if (this.s[this.i] !== ':') throw new JsonError('expected ":"');
      this.i++;
      const value = this.value(depth + 1);
      const existing = entries.findIndex(([k]) => k === name);
      if (existing !== -1) entries.splice(existing, 1);
      entries.push([name, value]);
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') throw new JsonError('expected "," or "}"');
    }
  }

  private array(depth: number): JsonNode {
    this.i++;
    const items: JsonNode[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === ']') {
        this.i++;
        return { t: 'arr', items };
      }
      items.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') throw new JsonError('expected "," or "]"');
    }
  }

  private string(): string {
    const quote = this.s[this.i]!;
    this.i++;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) throw new JsonError('unterminated string');
      const c = this.s[this.i]!;
      if (c === quote) {
        this.i++;
        return out;
      }
      if (c === '\\') {
        const e = this.s[this.i + 1];
        const simple: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          this.i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(parseInt(this.s.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else throw new JsonError('bad escape');
        continue;
      }
      out += c;
      this.i++;
    }
  }
}

/**
 * One member-access step into a value, as Octostache's JsonParser.TryParse(binding, property) does it.
 * Undefined when the value is not JSON (the lookup then fails); a scalar JSON value answers every
 * member with itself; a missing property or an index past the end gives "".
 */
export function jsonMember(text: string, property: string): string | undefined {
  if (text === '' || property === '') return undefined;
  const node = parseLenientJson(text);
  if (!node) return undefined;
  if (node.t === 'obj') {
    // JObject's indexer is case-sensitive; the last of duplicate names wins.
    const found = node.entries.find(([k]) => k === property);
    return jsonNodeText(found?.[1]);
  }
  if (node.t === 'arr') {
    const m = /^\s*([+-]?\d+)\s*$/.exec(property);
    if (!m) return undefined;
    const index = Number(m[1]);
    // 3.9.3 throws for a negative index; an empty value is the closest non-crashing answer.
    if (index < 0 || index > 2_147_483_647) return '';
    return jsonNodeText(node.items[index]);
  }
  return jsonNodeText(node);
}

/** The items `#{each}` iterates over a JSON value; undefined when it is not a JSON array or object. */
export function jsonItems(text: string): Array<{ text: string; key?: string; value?: string }> | undefined {
  const node = parseLenientJson(text);
  if (!node) return undefined;
  if (node.t === 'arr') return node.items.map((n) => ({ text: jsonNodeText(n) }));
  if (node.t === 'obj') return node.entries.map(([k, v]) => ({ text: k, key: k, value: jsonNodeText(v) }));
  return undefined;
}
