/**
 * Regular expressions that come from a drop (Octostache Replace and Match, a variable's `pattern`) run
 * in RE2 (re2js, pure JavaScript): matching is linear in the input, so a pattern such as `(a+)+$` cannot
 * hang the engine, the browser host or the renderer the way a backtracking engine does.
 *
 * The patterns were written for .NET. Where RE2 reads the same syntax differently, the pattern is
 * rewritten so .NET's meaning is kept: `\d`, `\w`, `\s` (and `\D`, `\W`, `\S` outside a character
 * class) are Unicode-aware as in .NET, and `(?'name'…)` is a named group. What RE2 cannot do at all
 * (backreferences, lookahead, atomic groups, …) is refused with a reason instead of being guessed.
 * docs/operations.md lists the remaining differences.
 */
import { RE2JS } from 're2js';

export interface SafeRegex {
  /** The pattern as written (for messages). */
  readonly source: string;
  /** True when the pattern matches anywhere in the text (or the whole text, for an anchored pattern). */
  test(text: string): boolean;
  /** The first match's groups ([0] the whole match; undefined for a group that did not take part); null without a match. */
  exec(text: string): Array<string | undefined> | null;
  /**
   * Replaces every match, reading `replacement` as .NET does ($1, ${name}, $$, $&, $`, $', $+, $_).
   * Returns null as soon as the result would exceed `maxChars`, without building it.
   */
  replace(text: string, replacement: string, maxChars: number, charge?: (units: number) => void): string | null;
}

export type SafeRegexResult = { ok: true; regex: SafeRegex } | { ok: false; reason: string };

// .NET's classes: \d is any Unicode decimal digit, \w letters, combining marks, digits and connector
// punctuation, \s the ASCII spaces plus NEL and every Unicode separator.
const DIGIT = '\\p{Nd}';
const WORD = '\\p{L}\\p{Mn}\\p{Nd}\\p{Pc}';
const SPACE = '\\t\\n\\x{0B}\\f\\r\\x{85}\\p{Z}';

/** Rewrites .NET syntax into the RE2 syntax with the same meaning; throws a message for what RE2 lacks. */
export function translateDotNetPattern(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw new Error('the pattern ends with a lone "\\"');
      i++;
      if (/[1-9]/.test(next) && !inClass) throw new Error(`backreferences such as \\${next} are not supported`);
      if (next === 'k' && !inClass) throw new Error('named backreferences (\\k<name>) are not supported');
      if (next === 'G') throw new Error('\\G is not supported');
      if (next === 'Z') {
        out += '\\z';
        continue;
      }
      const cls = next === 'd' ? DIGIT : next === 'w' ? WORD : next === 's' ? SPACE : undefined;
      if (cls !== undefined) {
        out += inClass ? cls : `[${cls}]`;
        continue;
      }
      const negated = next === 'D' ? DIGIT : next === 'W' ? WORD : next === 'S' ? SPACE : undefined;
      if (negated !== undefined && !inClass) {
        out += `[^${negated}]`;
        continue;
      }
      out += c + next;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal in both dialects.
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += pattern[++i];
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2);
      const named = /^'([A-Za-z_][A-Za-z0-9_]*)'/.exec(rest);
      if (named) {
        out += `(?P<${named[1]}>`;
        i += 1 + named[0].length;
        continue;
      }
      if (/^(=|!|<=|<!)/.test(rest)) throw new Error('lookahead and lookbehind assertions are not supported');
      if (rest.startsWith('>')) throw new Error('atomic groups "(?>…)" are not supported');
      if (rest.startsWith('(')) throw new Error('conditional groups "(?(…)…)" are not supported');
      if (rest.startsWith('#')) throw new Error('inline comments "(?#…)" are not supported');
    }
    out += c;
  }
  return out;
}

/**
 * Compiles a pattern into a linear-time matcher; `anchored` matches the whole text only. The dialect is
 * .NET (Octostache filters) unless `javascript` is asked for (drop.json `pattern`, documented as a
 * JavaScript expression: \d and \w stay ASCII there, as in JavaScript).
 */
export function compileSafeRegex(pattern: string, options: { anchored?: boolean; dialect?: 'dotnet' | 'javascript' } = {}): SafeRegexResult {
  let re: RE2JS;
  try {
    const translated = options.dialect === 'javascript' ? refuseUnsupported(pattern) : translateDotNetPattern(pattern);
    re = RE2JS.compile(options.anchored ? `^(?:${translated})$` : translated);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: message.replace(/^error parsing regexp: /, '') };
  }
  return {
    ok: true,
    regex: {
      source: pattern,
      test: (text) => re.matcher(text).find(),
      exec: (text) => {
        const m = re.matcher(text);
        if (!m.find()) return null;
        const groups: Array<string | undefined> = [];
        for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g) ?? undefined);
        return groups;
      },
      replace: (text, replacement, maxChars, charge) => replaceAll(re, text, replacement, maxChars, charge),
    },
  };
}

/** JavaScript syntax RE2 reads differently or not at all: refused with the same reasons as for .NET. */
function refuseUnsupported(pattern: string): string {
  if (/(^|[^\\])\\[1-9]/.test(pattern)) throw new Error('backreferences such as \\1 are not supported');
  if (/\\k</.test(pattern)) throw new Error('named backreferences (\\k<name>) are not supported');
  if (/\(\?(=|!|<=|<!)/.test(pattern)) throw new Error('lookahead and lookbehind assertions are not supported');
  return pattern;
}

function replaceAll(re: RE2JS, text: string, replacement: string, maxChars: number, charge?: (units: number) => void): string | null {
  const m = re.matcher(text);
  const groupCount = m.groupCount();
  const parts = parseReplacement(replacement, groupCount, m.namedGroups);
    const out: string[] = [];
  let length = 0;
  let last = 0;
  const push = (s: string): boolean => {
    // Empty pieces are not kept: "()" with "$1" × 20000 on 100000 characters would otherwise push two
    // billion empty strings, past V8's largest array (a fatal crash of the process, not an error).
    if (s.length === 0) return true;
    length += s.length;
    if (length > maxChars) return false;
    out.push(s);
    return true;
  };
  let from = 0;
  while (from <= text.length && m.find(from)) {
    const start = m.start();
    const end = m.end();
    // Each match costs one unit per replacement part: a long replacement on many matches is real work,
    // even when every part is empty.
    charge?.(1 + parts.length);
    if (!push(text.slice(last, start))) return null;
    for (const part of parts) {
      let piece: string;
      if (typeof part === 'string') piece = part;
      else if (part.kind === 'group') piece = m.group(part.group) ?? '';
      else if (part.kind === 'before') piece = text.slice(0, start);
      else if (part.kind === 'after') piece = text.slice(end);
      else piece = text;
      if (!push(piece)) return null;
    }
    last = end;
    // An empty match advances by one character so the scan always moves forward.
    from = end === start ? end + 1 : end;
  }
  if (!push(text.slice(last))) return null;
  return out.join('');
}

type ReplacementPart = string | { kind: 'group'; group: number | string } | { kind: 'before' } | { kind: 'after' } | { kind: 'input' };

/** .NET substitutions: $n and ${n} (the longest group number that exists), ${name}, $$, $&, $`, $', $+, $_. */
function parseReplacement(replacement: string, groupCount: number, named: Record<string, number>): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push(literal);
    literal = '';
  };
  const add = (p: ReplacementPart) => {
    flush();
    parts.push(p);
  };
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c !== '$' || i + 1 >= replacement.length) {
      literal += c;
      continue;
    }
    const next = replacement[i + 1]!;
    if (next === '$') {
      literal += '$';
      i++;
    } else if (next === '&') {
      add({ kind: 'group', group: 0 });
      i++;
    } else if (next === '`') {
      add({ kind: 'before' });
      i++;
    } else if (next === "'") {
      add({ kind: 'after' });
      i++;
    } else if (next === '_') {
      add({ kind: 'input' });
      i++;
    } else if (next === '+') {
      add({ kind: 'group', group: groupCount });
      i++;
    } else if (next === '{') {
      const close = replacement.indexOf('}', i + 2);
      const name = close === -1 ? '' : replacement.slice(i + 2, close);
      if (/^\d+$/.test(name) && Number(name) <= groupCount) {
        add({ kind: 'group', group: Number(name) });
        i = close;
      } else if (name !== '' && Object.hasOwn(named, name)) {
        add({ kind: 'group', group: name });
        i = close;
      } else literal += c;
    } else if (next >= '0' && next <= '9') {
      // The longest run of digits that names an existing group, as .NET reads "$12".
      let j = i + 1;
      while (j < replacement.length && replacement[j]! >= '0' && replacement[j]! <= '9' && j - i < 10) j++;
      let k = j;
      while (k > i + 1 && Number(replacement.slice(i + 1, k)) > groupCount) k--;
      if (k > i + 1) {
        add({ kind: 'group', group: Number(replacement.slice(i + 1, k)) });
        i = k - 1;
      } else literal += c;
    } else literal += c;
  }
  flush();
  return parts;
}
