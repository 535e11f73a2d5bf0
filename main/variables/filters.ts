/**
 * Octostache's built-in filters (`#{Name | Filter arg}`), with its argument rules. A filter returns null
 * when its arguments are invalid; the evaluator then leaves the whole token as written, as Octostache does.
 */
import { createHash } from 'node:crypto';
import { formatDotNetDate, formatDotNetDateAtOffset } from './dotnet-date-format';
import { parseDotNetDouble } from './dotnet-double';
import { formatDotNetNumber } from './dotnet-number-format';
import { parseOctopusVersion, type OctopusVersion } from './octopus-version';
import { compileSafeRegex, type SafeRegex } from '../../common/safe-regex';
import { uriPart } from './uri-part';

export interface FilterContext {
  now: () => Date;
  /** Largest value a filter may build (the evaluation budget's per-value limit). */
  maxChars?: number;
  /** Charges work units for a filter whose cost is not proportional to its input (Replace). */
  charge?: (units: number) => void;
}

/** Thrown by a filter whose result would exceed FilterContext.maxChars (before it is built). */
export class OutputLimitError extends Error {
  constructor(readonly length: number) {
    super(`result of ${length} characters is over the limit`);
  }
}

/** Thrown by a filter for a specific problem the evaluator reports with its own code (token echoed). */
export class FilterProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** `value` is null when the chain started empty (`#{ | NowDate}`). */
export type FilterFn = (value: string | null, args: string[], ctx: FilterContext) => string | null;

// 3.9.3: a filter given no value (a missing variable, an empty chain) gives none.
const simple = (fn: (v: string) => string): FilterFn => (v, args) => (args.length === 0 && v !== null ? fn(v) : null);

const xmlEscape = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
/** Octostache's HtmlEscape is XmlEscape plus '/' (so "</script>" cannot close an element). */
const htmlEscape = (v: string) => xmlEscape(v).replace(/\//g, '&#x2F;');

/** \uXXXX (lower-case hex) of one UTF-16 unit, as Octostache writes it for YAML and .properties. */
const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** YAML double-quoted: \r \n \t \\ \" escaped, anything outside printable ASCII as \uXXXX. */
function yamlDoubleQuoteEscape(v: string): string {
  const named: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t', '\\': '\\\\', '"': '\\"' };
  return v.replace(/[\s\S]/g, (c) => named[c] ?? (c >= ' ' && c <= '~' ? c : unicodeEscape(c)));
}

/** YAML single-quoted: quotes doubled; a run of line breaks gets one more (YAML folds one break into a space). */
function yamlSingleQuoteEscape(v: string): string {
  return v.replace(/(?:\r?\n)+/g, (run) => (run.startsWith('\r') ? '\r\n' : '\n') + run).replace(/'/g, "''");
}

/** Java .properties: \\ \r \n \t escaped, characters beyond ISO-8859-1 as \uXXXX; keys also escape space, ':' and '='. */
function propertiesEscape(v: string, part: 'key' | 'value'): string {
  const common: Record<string, string> = { '\\': '\\\\', '\r': '\\r', '\n': '\\n', '\t': '\\t' };
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (part === 'key' && (c === ' ' || c === ':' || c === '=')) out += `\\${c}`;
    else if (part === 'value' && c === ' ' && i === 0) out += '\\ ';
    else out += common[c] ?? (c.charCodeAt(0) < 0xff ? c : unicodeEscape(c));
  }
  return out;
}

// Control characters are found by code point rather than a regex range (lint forbids control chars in regexes).
const needsJsonEscape = (c: string) => c === '\\' || c === '"' || c.charCodeAt(0) < 0x20;

function jsonEscape(v: string): string {
  return [...v].map((c) => (needsJsonEscape(c) ? jsonEscapeChar(c) : c)).join('');
}

function jsonEscapeChar(c: string): string {
  switch (c) {
    case '\\':
      return '\\\\';
    case '"':
      return '\\"';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    default:
      return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/** .NET's Uri.EscapeDataString also escapes the characters encodeURIComponent leaves alone. */
const uriDataEscape = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function encodingOf(name: string): 'utf8' | 'utf16le' | null {
  const n = name.toLowerCase();
  if (n === 'utf8' || n === 'utf-8') return 'utf8';
  if (n === 'unicode') return 'utf16le';
  return null;
}

/** Strict base64 like .NET Convert.FromBase64String (length multiple of 4, only the base64 alphabet). */
function decodeBase64Strict(v: string): Buffer | null {
  const s = v.replace(/\s/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return null;
  return Buffer.from(s, 'base64');
}

function hashFilter(algorithm: string): FilterFn {
  return (v, args) => {
    if (v === null || args.length > 2) return null;
    let encoding: 'utf8' | 'utf16le' | 'base64' | undefined;
    let size: number | undefined;
    for (const a of args) {
      if (/^-?\d+$/.test(a)) {
        if (size !== undefined) return null;
        size = Number(a);
        if (size <= 0) return null;
      } else {
        if (encoding !== undefined) return null;
        const e = a.toLowerCase() === 'base64' ? 'base64' : encodingOf(a);
        if (!e) return null;
        encoding = e;
      }
    }
    let bytes: Buffer | null;
    if (encoding === 'base64') bytes = decodeBase64Strict(v);
    else bytes = Buffer.from(v, encoding ?? 'utf8');
    if (!bytes) return null;
    const digest = createHash(algorithm).update(bytes).digest();
    return (size === undefined ? digest : digest.subarray(0, size)).toString('hex');
  };
}

function textTest(test: (v: string, a: string) => boolean): FilterFn {
  return (v, args) => (v === null || args.length !== 1 ? null : String(test(v, args[0]!)));
}

const regexCache = new Map<string, SafeRegex>();

/** A drop's pattern in the linear-time engine (common/safe-regex); a FilterProblem when it cannot run there. */
function dropRegex(pattern: string): SafeRegex {
  const hit = regexCache.get(pattern);
  if (hit) return hit;
  const compiled = compileSafeRegex(pattern);
  if (!compiled.ok) {
    throw new FilterProblem(
      'TEMPLATE_REGEX_UNSUPPORTED',
      `The regular expression "${pattern}" cannot be used (${compiled.reason})`,
      'Drop Runner runs drop patterns in a linear-time engine without backreferences, lookaround or atomic groups (see docs/operations.md); rewrite the pattern without them.',
    );
  }
  if (regexCache.size >= 200) regexCache.delete(regexCache.keys().next().value as string);
  regexCache.set(pattern, compiled.regex);
  return compiled.regex;
}

function indent(v: string | null, args: string[], ctx: FilterContext): string | null {
  if (v === null || args.length > 2) return null;
  let first = '    ';
  let rest = '    ';
  if (args.length === 2) [first, rest] = args as [string, string];
  else if (args.length === 1) {
    const a = args[0]!;
    // "3" = three spaces on every line, "/3" = only on following lines, "3/2" = first/following.
    const sized = /^(\d*)(?:\/(\d+))?$/.exec(a);
    if (sized && (sized[1] || sized[2])) {
      const f = sized[1] ? Number(sized[1]) : 0;
      const r = sized[2] !== undefined ? Number(sized[2]) : f;
      if (f > 255 || r > 255) first = rest = a;
      else {
        first = ' '.repeat(f);
        rest = ' '.repeat(r);
      }
    } else first = rest = a;
  }
  if (v === '') return '';
  const lines = v.split('\n');
  // Every line grows by the indent: check the size before building it (a long indent on many lines).
  const size = v.length + first.length + (lines.length - 1) * rest.length;
  if (ctx.maxChars !== undefined && size > ctx.maxChars) throw new OutputLimitError(size);
  return lines
    .map((line, i) => (i === 0 ? first : rest) + line)
    .join('\n');
}

/**
 * A date as .NET's TryParse reads it in the invariant culture: ISO 8601 (date, optional time, optional
 * "Z" or ±hh:mm) or MM/dd/yyyy with an optional time. `offsetMinutes` is undefined when no zone was written.
 */
function parseDateValue(text: string): { date: Date; offsetMinutes: number | undefined } | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  let parts: number[];
  let zone: string | undefined;
  if (iso) {
    parts = [Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0), Math.floor(Number(`0.${iso[7] ?? '0'}`) * 1000)];
    zone = iso[8];
  } else if (us) parts = [Number(us[3]), Number(us[1]), Number(us[2]), Number(us[4] ?? 0), Number(us[5] ?? 0), Number(us[6] ?? 0), 0];
  else return null;
  const [y, mo, d, h, mi, sec, ms] = parts as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59) return null;
  // The calendar fields as written, checked for roll-over (February 30th).
  const fields = new Date(Date.UTC(y, mo - 1, d, h, mi, sec, ms));
  if (fields.getUTCDate() !== d) return null;
  if (zone === undefined) return { date: new Date(y, mo - 1, d, h, mi, sec, ms), offsetMinutes: undefined };
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  const offsetMinutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  if (Math.abs(offsetMinutes) > 14 * 60) return null;
  return { date: new Date(fields.getTime() - offsetMinutes * 60_000), offsetMinutes };
}

/**
 * Octostache's Format: `| Format "N2"` (a decimal, else a DateTimeOffset) or `| Format int|double|decimal|date|datetime|datetimeoffset "…"`.
 * As in .NET: a DateTimeOffset without a written zone takes the machine's offset; a DateTime with one is
 * shown in the machine's local time, and without one has no zone at all (K prints nothing).
 */
const formatFilter: FilterFn = (v, args, ctx) => {
  if (v === null || args.length === 0 || args.length > 2) return null;
  const asNumber = (format: string, integral = false) => {
    // A standard format's precision (N999999999) sizes the result: refuse it before building it.
    const precision = /^[A-Za-z](\d{1,9})$/.exec(format.trim());
    if (precision && ctx.maxChars !== undefined && Number(precision[1]) > ctx.maxChars) throw new OutputLimitError(Number(precision[1]));
    return integral && !/^\s*[+-]?\d+\s*$/.test(v) ? null : formatDotNetNumber(v, format);
  };
  const asOffset = (format: string) => {
    const parsed = parseDateValue(v);
    if (!parsed) return null;
    return formatDotNetDateAtOffset(parsed.date, format, parsed.offsetMinutes ?? -parsed.date.getTimezoneOffset());
  };
  const asDateTime = (format: string) => {
    const parsed = parseDateValue(v);
    if (!parsed) return null;
    return formatDotNetDate(parsed.date, format, parsed.offsetMinutes === undefined ? 'unspecified' : 'local');
  };
  if (args.length === 1) return asNumber(args[0]!) ?? asOffset(args[0]!);
  const [type, format] = args as [string, string];
  switch (type.toLowerCase()) {
    case 'int':
    case 'int32':
      return asNumber(format, true);
    case 'double':
    case 'decimal':
      return asNumber(format);
    case 'date':
    case 'datetime':
      return asDateTime(format);
    case 'datetimeoffset':
      return asOffset(format);
    default:
      return null;
  }
};

/**
 * 3.9.3's AddHours/AddDays: a date without a zone stays without one (wall-clock arithmetic), a UTC
 * date keeps its "Z", an explicit offset is kept; the result is written with the "O" format.
 */
function addTimeSpan(unitMs: number): FilterFn {
  return (v, args) => {
    if (v === null || args.length !== 1) return null;
    const amount = parseDotNetDouble(args[0]!);
    if (amount === undefined || !Number.isFinite(amount)) return null;
    const parsed = parseDateValue(v);
    if (!parsed) return null;
    const delta = Math.round(amount * unitMs);
    const inRange = (ms: number) => {
      const y = new Date(ms).getUTCFullYear();
      return Number.isFinite(ms) && y >= 1 && y <= 9999;
    };
    if (parsed.offsetMinutes === undefined) {
      const d = parsed.date;
      const wall = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()) + delta;
      return inRange(wall) ? formatDotNetDate(new Date(wall), "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff", 'utc') : null;
    }
    const at = parsed.date.getTime() + delta;
    if (!inRange(at + parsed.offsetMinutes * 60_000)) return null;
    if (/z$/i.test(v.trim())) return formatDotNetDate(new Date(at), 'O', 'utc');
    return formatDotNetDateAtOffset(new Date(at), 'O', parsed.offsetMinutes);
  };
}

function versionPart(part: keyof OctopusVersion): FilterFn {
  return (v, args) => {
    if (v === null || args.length > 0) return null;
    return parseOctopusVersion(v)?.[part] ?? null;
  };
}

const FILTERS: Record<string, FilterFn> = {
  tolower: simple((v) => v.toLowerCase()),
  toupper: simple((v) => v.toUpperCase()),
  htmlescape: simple(htmlEscape),
  xmlescape: simple(xmlEscape),
  jsonescape: simple(jsonEscape),
  uriescape: simple((v) => encodeURI(v)),
  uridataescape: simple(uriDataEscape),
  yamlsinglequoteescape: simple(yamlSingleQuoteEscape),
  yamldoublequoteescape: simple(yamlDoubleQuoteEscape),
  propertieskeyescape: simple((v) => propertiesEscape(v, 'key')),
  propertiesvalueescape: simple((v) => propertiesEscape(v, 'value')),
  tobase64: (v, args) => {
    if (v === null || args.length > 1) return null;
    const enc = args.length ? encodingOf(args[0]!) : 'utf8';
    return enc ? Buffer.from(v, enc).toString('base64') : null;
  },
  frombase64: (v, args) => {
    if (v === null || args.length > 1) return null;
    const enc = args.length ? encodingOf(args[0]!) : 'utf8';
    const bytes = decodeBase64Strict(v);
    return enc && bytes ? bytes.toString(enc) : null;
  },
  trim: (v, args) => {
    if (v === null || args.length > 1) return null;
    if (args.length === 0) return v.trim();
    const mode = args[0]!.toLowerCase();
    if (mode === 'start') return v.trimStart();
    if (mode === 'end') return v.trimEnd();
    return null;
  },
  // 3.9.3: only the first option counts; "..." is appended when the text was cut.
  truncate: (v, args) => {
    const n = args.length ? dotNetInt(args[0]!) : undefined;
    if (v === null || n === undefined || n < 0) return null;
    return n < v.length ? `${v.slice(0, n)}...` : v;
  },
  // 3.9.3: a start past the end gives no value; a length running past the end is cut to what is left.
  substring: (v, args) => {
    if (v === null || args.length === 0 || args.length > 2) return null;
    const nums = args.map(dotNetInt);
    if (nums.some((n) => n === undefined || n < 0)) return null;
    const [a, b] = nums as [number, number | undefined];
    if (a > v.length) return null;
    const start = b === undefined ? 0 : a;
    let length = b === undefined ? a : b;
    if (start < v.length && start + length > v.length) length = v.length - start;
    // .NET throws here (start at the very end with a length); no value rather than a crash.
    if (start + length > v.length) return null;
    return v.substr(start, length);
  },
  // 3.9.3: Regex.Replace(value, pattern, replacement or ""); options past the second are ignored.
  replace: (v, args, ctx) => {
    if (v === null || args.length === 0) return null;
    const max = ctx.maxChars ?? Number.MAX_SAFE_INTEGER;
    const out = dropRegex(args[0]!).replace(v, args[1] ?? '', max, ctx.charge);
    if (out === null) throw new OutputLimitError(max + 1);
    return out;
  },
  match: textTest((v, a) => dropRegex(a).test(v)),
  startswith: textTest((v, a) => v.startsWith(a)),
  endswith: textTest((v, a) => v.endsWith(a)),
  contains: textTest((v, a) => v.includes(a)),
  append: (v, args) => (args.length === 0 ? null : (v ?? '') + args.join('')),
  prepend: (v, args) => (args.length === 0 ? null : args.join('') + (v ?? '')),
  indent,
  md5: hashFilter('md5'),
  sha1: hashFilter('sha1'),
  sha256: hashFilter('sha256'),
  sha384: hashFilter('sha384'),
  sha512: hashFilter('sha512'),
  nowdate: (v, args, ctx) => (v !== null || args.length > 1 ? null : formatDotNetDate(ctx.now(), args[0] ?? 'O', 'unspecified')),
  nowdateutc: (v, args, ctx) => (v !== null || args.length > 1 ? null : formatDotNetDate(ctx.now(), args[0] ?? 'O', 'utc')),
  format: formatFilter,
  addhours: addTimeSpan(3_600_000),
  adddays: addTimeSpan(86_400_000),
  uripart: (v, args) => (v === null || args.length !== 1 ? null : uriPart(v, args[0]!)),
  versionmajor: versionPart('major'),
  versionminor: versionPart('minor'),
  versionpatch: versionPart('patch'),
  versionrevision: versionPart('revision'),
  // 3.9.3 names these VersionPreRelease…; "VersionRelease" is not a 3.9.3 filter (it is echoed there).
  versionprerelease: versionPart('release'),
  versionprereleaseprefix: versionPart('releasePrefix'),
  versionprereleasecounter: versionPart('releaseCounter'),
  versionmetadata: versionPart('metadata'),
};

/**
 * Looks a filter up by name, case-insensitively; undefined when Octostache has no such filter (or we
 * do not support it). Own properties only: `constructor` or `__proto__` are unknown filters, not
 * members of Object.prototype.
 */
export function findFilter(name: string): FilterFn | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(FILTERS, key) ? FILTERS[key] : undefined;
}

/** Filters whose result is "true"/"false" (or a short part): never a derived form of a secret. */
export function isPredicateFilter(name: string): boolean {
  return PREDICATES.has(name.toLowerCase());
}

const PREDICATES = new Set(['match', 'startswith', 'endswith', 'contains']);

/** int.TryParse (invariant): optional sign and surrounding whitespace; undefined outside Int32. */
function dotNetInt(text: string): number | undefined {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) return undefined;
  const n = Number(text.trim());
  return n >= -2_147_483_648 && n <= 2_147_483_647 ? n : undefined;
}

/** Names of every supported filter (lower case), for help text and tests. */
export function supportedFilters(): string[] {
  return Object.keys(FILTERS);
}
