/**
 * Parses the small dialect of SELECT the catalog readers use against one SSISDB view:
 * `SELECT item, … FROM [SSISDB].[catalog].[view] [WHERE col op @p AND …] [ORDER BY col [ASC|DESC], …]`.
 * A select item is a column or `expression AS alias` where the expression reads one sql_variant
 * column as text (CONVERT / CASE … SQL_VARIANT_PROPERTY …). Anything else is refused loudly.
 */

export interface SelectItem {
  /** Output column name. */
  alias: string;
  /** View column read. */
  column: string;
  /** The sql_variant column converted to nvarchar. */
  asText: boolean;
}

export interface Condition {
  column: string;
  op: '=' | '>' | '<' | '>=' | '<=' | '<>';
  /** @parameter name or a literal. */
  param?: string;
  literal?: string | number;
}

export interface ViewQuery {
  database: string | undefined;
  schema: string;
  view: string;
  items: SelectItem[];
  where: Condition[];
  orderBy: Array<{ column: string; desc: boolean }>;
}

function unbracket(s: string): string {
  return s.trim().replace(/^\[(.*)\]$/, '$1');
}

/** Splits on commas outside parentheses and quotes. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quote = !quote;
    else if (!quote && c === '(') depth++;
    else if (!quote && c === ')') depth--;
    else if (!quote && depth === 0 && c === ',') {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

function selectItem(text: string): SelectItem {
  const plain = /^(?:\w+\.)?\[?(\w+)\]?$/.exec(text);
  if (plain) return { alias: plain[1]!, column: plain[1]!, asText: false };
  const aliased = /^([\s\S]+?)\s+AS\s+\[?(\w+)\]?$/i.exec(text);
  if (aliased) {
    const expr = aliased[1]!;
    const inner = /^(?:\w+\.)?\[?(\w+)\]?$/.exec(expr.trim());
    if (inner) return { alias: aliased[2]!, column: inner[1]!, asText: false };
    const converted = [...expr.matchAll(/CONVERT\s*\(\s*nvarchar\s*\(\s*\d+\s*\)\s*,\s*(?:\w+\.)?\[?(\w+)\]?\s*(?:,\s*(?:126|127)\s*)?\)/gi)].map((m) => m[1]!);
    const variants = [...expr.matchAll(/SQL_VARIANT_PROPERTY\s*\(\s*(?:\w+\.)?\[?(\w+)\]?/gi)].map((m) => m[1]!);
    const columns = new Set([...converted, ...variants]);
    if (columns.size === 1) return { alias: aliased[2]!, column: [...columns][0]!, asText: true };
  }
  throw new Error(`unsupported select item "${text}"`);
}

function condition(text: string): Condition {
  const m = /^(?:\w+\.)?\[?(\w+)\]?\s*(=|<>|>=|<=|>|<)\s*(@\w+|N?'(?:[^']|'')*'|-?\d+)$/i.exec(text.trim());
  if (!m) throw new Error(`unsupported condition "${text}"`);
  const rhs = m[3]!;
  const base = { column: m[1]!, op: m[2] as Condition['op'] };
  if (rhs.startsWith('@')) return { ...base, param: rhs };
  if (/^-?\d+$/.test(rhs)) return { ...base, literal: Number(rhs) };
  return { ...base, literal: rhs.replace(/^N?'|'$/g, '').replace(/''/g, "'") };
}

/** Parses one catalog view query; undefined when the text is not a SELECT from catalog.<view>. */
export function parseViewQuery(sql: string): ViewQuery | undefined {
  const text = sql.replace(/\s+/g, ' ').trim().replace(/[;\s]+$/, '');
  const m = /^SELECT (.+?) FROM ((?:\[?\w+\]?\.)?\[?catalog\]?\.\[?\w+\]?)(?: (?:AS )?(\w+))?(?: WHERE (.+?))?(?: ORDER BY (.+?))?$/i.exec(text);
  if (!m) return undefined;
  const parts = m[2]!.split('.').map(unbracket);
  const where = m[4] ? m[4].split(/ AND /i).map(condition) : [];
  const orderBy = m[5]
    ? splitTop(m[5]).map((o) => {
        const om = /^(?:\w+\.)?\[?(\w+)\]?(?: (ASC|DESC))?$/i.exec(o);
        if (!om) throw new Error(`unsupported ORDER BY "${o}"`);
        return { column: om[1]!, desc: (om[2] ?? '').toUpperCase() === 'DESC' };
      })
    : [];
  return {
    database: parts.length === 3 ? parts[0] : undefined,
    schema: parts[parts.length - 2]!,
    view: parts[parts.length - 1]!.toLowerCase(),
    items: splitTop(m[1]!).map(selectItem),
    where,
    orderBy,
  };
}
