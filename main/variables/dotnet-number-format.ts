/**
 * Formats a decimal number with .NET standard and custom numeric format strings (invariant culture),
 * because Octostache's Format filter hands its argument to decimal.ToString and release engineers copy
 * those strings from Octopus projects. Arithmetic is done on the decimal digits as written, so
 * "0.125" rounds like .NET's decimal (half away from zero), never like a binary double.
 */

/** A decimal value as digit strings: `int` without leading zeros ('' for zero), `frac` as written. */
interface Decimal {
  negative: boolean;
  int: string;
  frac: string;
}

/** Parses "-1,234.50", "+7", ".5", "1e3"; null for anything else (decimal.TryParse would fail too). */
export function parseDecimal(text: string): Decimal | null {
  const m = /^\s*([+-])?(\d[\d,]*)?(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?\s*$/.exec(text);
  if (!m || (!m[2] && !m[3])) return null;
  // Group separators only between digits, as in "1,234" (not ",12" or "1,,2").
  if (m[2] && !/^\d{1,3}(,\d{3})*$|^\d+$/.test(m[2])) return null;
  let int = (m[2] ?? '').replace(/,/g, '');
  let frac = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  if (exp > 0) {
    const moved = frac.padEnd(exp, '0');
    int += moved.slice(0, exp);
    frac = moved.slice(exp);
  } else if (exp < 0) {
    const padded = int.padStart(-exp, '0');
    frac = padded.slice(padded.length + exp) + frac;
    int = padded.slice(0, padded.length + exp);
  }
  int = int.replace(/^0+/, '');
  return { negative: m[1] === '-', int, frac };
}

const isZero = (d: Decimal) => !/[1-9]/.test(d.int + d.frac);

/** Rounds to `places` fraction digits, half away from zero. */
function round(d: Decimal, places: number): Decimal {
  if (d.frac.length <= places) return { ...d, frac: d.frac.padEnd(places, '0') };
  const keep = d.int + d.frac.slice(0, places);
  const up = d.frac.charCodeAt(places) >= 53; // '5'
  let digits = keep;
  if (up) {
    const arr = ('0' + keep).split('');
    for (let i = arr.length - 1; i >= 0; i--) {
      if (arr[i] === '9') arr[i] = '0';
      else {
        arr[i] = String(Number(arr[i]) + 1);
        break;
      }
    }
    digits = arr.join('');
  }
  const intLength = digits.length - places;
  return { negative: d.negative, int: digits.slice(0, intLength).replace(/^0+/, ''), frac: digits.slice(intLength) };
}

/** Multiplies by 10^n (n may be negative). */
function shift(d: Decimal, n: number): Decimal {
  const moved = parseDecimal(`${d.int || '0'}.${d.frac}e${n}`)!;
  return { ...moved, negative: d.negative };
}

const group = (int: string) => int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function sign(d: Decimal, text: string): string {
  return d.negative && !isZero(d) ? `-${text}` : text;
}

function standard(d: Decimal, letter: string, precisionText: string): string | null {
  const precision = precisionText === '' ? undefined : Number(precisionText);
  if (precision !== undefined && precision > 999_999_999) return null;
  switch (letter.toLowerCase()) {
    case 'f': {
      const r = round(d, precision ?? 2);
      return sign(r, `${r.int || '0'}${r.frac ? `.${r.frac}` : ''}`);
    }
    case 'n': {
      const r = round(d, precision ?? 2);
      return sign(r, `${group(r.int || '0')}${r.frac ? `.${r.frac}` : ''}`);
    }
    case 'p': {
      const r = round(shift(d, 2), precision ?? 2);
      return sign(r, `${group(r.int || '0')}${r.frac ? `.${r.frac}` : ''} %`);
    }
    case 'd': {
      // D is for integral values only; decimal.ToString("D") throws, so Format leaves the token.
      if (/[1-9]/.test(d.frac)) return null;
      return sign(d, (d.int || '0').padStart(precision ?? 1, '0'));
    }
    case 'x': {
      if (/[1-9]/.test(d.frac) || (d.negative && !isZero(d))) return null;
      const hex = BigInt(d.int || '0').toString(16);
      return (letter === 'X' ? hex.toUpperCase() : hex).padStart(precision ?? 1, '0');
    }
    case 'e': {
      const places = precision ?? 6;
      if (isZero(d)) return `${(0).toFixed(places)}${letter}+000`;
      const digits = (d.int + d.frac).replace(/^0+/, '');
      const exponent = d.int ? d.int.length - 1 : -(d.frac.length - d.frac.replace(/^0+/, '').length) - 1;
      let mantissa = round({ negative: d.negative, int: digits[0]!, frac: digits.slice(1) }, places);
      let e = exponent;
      if (mantissa.int.length > 1) {
        // 9.99… rounded up to 10.0…: one more power of ten.
        mantissa = { ...mantissa, int: '1', frac: '0'.repeat(places) };
        e++;
      }
      const body = `${mantissa.int}${places > 0 ? `.${mantissa.frac}` : ''}${letter}${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(3, '0')}`;
      return sign(d, body);
    }
    case 'g': {
      if (precision !== undefined && precision > 0) return null; // significant-digit G is not needed by templates seen so far
      const frac = d.frac.replace(/0+$/, '');
      return sign(d, `${d.int || '0'}${frac ? `.${frac}` : ''}`);
    }
    default:
      return null;
  }
}

interface Token {
  kind: 'zero' | 'hash' | 'point' | 'comma' | 'percent' | 'permille' | 'literal';
  text: string;
}

function tokenize(section: string): Token[] | null {
  const out: Token[] = [];
  for (let i = 0; i < section.length; i++) {
    const c = section[i]!;
    if (c === '0') out.push({ kind: 'zero', text: c });
    else if (c === '#') out.push({ kind: 'hash', text: c });
    else if (c === '.') out.push({ kind: 'point', text: c });
    else if (c === ',') out.push({ kind: 'comma', text: c });
    else if (c === '%') out.push({ kind: 'percent', text: c });
    else if (c === '‰') out.push({ kind: 'permille', text: c });
    else if (c === '\\') {
      if (i + 1 >= section.length) return null;
      out.push({ kind: 'literal', text: section[++i]! });
    } else if (c === "'" || c === '"') {
      const end = section.indexOf(c, i + 1);
      if (end === -1) return null;
      out.push({ kind: 'literal', text: section.slice(i + 1, end) });
      i = end;
    } else if ((c === 'E' || c === 'e') && /^[eE][+-]?0/.test(section.slice(i))) {
      return null; // scientific custom formats: not supported, the token is left as written
    } else out.push({ kind: 'literal', text: c });
  }
  return out;
}

function custom(d: Decimal, section: string, signed: boolean): string | null {
  const tokens = tokenize(section);
  if (!tokens) return null;
  const pointAt = tokens.findIndex((t) => t.kind === 'point');
  const intTokens = pointAt === -1 ? tokens : tokens.slice(0, pointAt);
  const fracTokens = pointAt === -1 ? [] : tokens.slice(pointAt + 1).filter((t) => t.kind !== 'point');
  const isDigit = (t: Token) => t.kind === 'zero' || t.kind === 'hash';

  // Commas right before the point (or the end) scale by 1000 each; a comma between digit placeholders groups.
  let scale = 0;
  let lastDigit = -1;
  intTokens.forEach((t, i) => {
    if (isDigit(t)) lastDigit = i;
  });
  const firstDigit = intTokens.findIndex(isDigit);
  let grouping = false;
  intTokens.forEach((t, i) => {
    if (t.kind !== 'comma') return;
    if (i > lastDigit) scale++;
    else if (i > firstDigit && firstDigit !== -1) grouping = true;
  });
  let value = d;
  if (scale > 0) value = shift(value, -3 * scale);
  for (const t of tokens) {
    if (t.kind === 'percent') value = shift(value, 2);
    if (t.kind === 'permille') value = shift(value, 3);
  }
  const maxFrac = fracTokens.filter(isDigit).length;
  let minFrac = 0;
  fracTokens.filter(isDigit).forEach((t, i) => {
    if (t.kind === 'zero') minFrac = i + 1;
  });
  value = round(value, maxFrac);
  const fracDigits = value.frac.slice(0, maxFrac).replace(/0+$/, '').padEnd(minFrac, '0');

  // The leftmost '0' fixes how many integer digits are always shown.
  const zeroAt = intTokens.findIndex((t) => t.kind === 'zero');
  const shown = zeroAt === -1 ? 0 : intTokens.slice(zeroAt).filter(isDigit).length;
  const intDigits = value.int.padStart(shown, '0');
  let intOut: string;
  if (grouping) {
    // "#,##0": literals before and after the placeholders stay; the digits are grouped by three.
    intOut = intTokens.slice(0, firstDigit).map((t) => t.text).join('') + group(intDigits) + intTokens.slice(lastDigit + 1).filter((t) => t.kind !== 'comma').map((t) => t.text).join('');
  } else {
    // Digits fill the placeholders from the right; the leftmost placeholder takes all that remain,
    // so "(###) ###-####" spells a phone number.
    const slots = intTokens.map((t, i) => (isDigit(t) ? i : -1)).filter((i) => i !== -1);
    const pieces = new Map<number, string>();
    let remaining = intDigits;
    for (let s = slots.length - 1; s >= 0; s--) {
      const take = s === 0 ? remaining.length : Math.min(1, remaining.length);
      pieces.set(slots[s]!, remaining.slice(remaining.length - take));
      remaining = remaining.slice(0, remaining.length - take);
    }
    intOut = intTokens.map((t, i) => (isDigit(t) ? pieces.get(i)! : t.kind === 'comma' ? '' : t.text)).join('');
  }
  let fracOut = '';
  let f = 0;
  for (const t of fracTokens) {
    if (isDigit(t)) fracOut += fracDigits[f++] ?? '';
    else if (t.kind !== 'comma') fracOut += t.text;
  }
  const hasFrac = fracDigits.length > 0;
  const body = `${intOut}${hasFrac ? '.' : ''}${fracOut}`;
  return signed && value.negative && !isZero(value) ? `-${body}` : body;
}

/** Formats a decimal written as text; null when the text is not a number or the format is one .NET would reject. */
export function formatDotNetNumber(text: string, format: string): string | null {
  const d = parseDecimal(text);
  if (!d) return null;
  const std = /^([A-Za-z])(\d{0,9})$/.exec(format);
  if (std) return standard(d, std[1]!, std[2]!);
  // Sections: positive;negative;zero. A negative section carries its own sign.
  const sections = splitSections(format);
  if (sections.length > 3) return null;
  if (isZero(round(d, 28)) && sections[2] !== undefined) return custom({ ...d, negative: false }, sections[2], false);
  if (d.negative && sections[1] !== undefined && sections[1] !== '') return custom({ ...d, negative: false }, sections[1], false);
  return custom(d, sections[0] ?? '', true);
}

function splitSections(format: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (quote) {
      if (c === quote) quote = null;
      current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      current += c;
    } else if (c === '\\' && i + 1 < format.length) {
      current += c + format[++i]!;
    } else if (c === ';') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}
