/**
 * A double as .NET (Core 3.0 and later) writes and reads it, for `#{calc …}` results and JSON numbers:
 * Octostache calls double.ToString() and double.TryParse, so "1.4000000000000001", "1E+15" and
 * "1,000" are what a real deployment sees, not JavaScript's "1e+21".
 */

/** double.ToString(): the shortest round-trip digits, scientific from 1E+15 and from 1E-05 down (invariant, en-US ∞). */
export function formatDotNetDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '-∞';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, expText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(expText);
  if (exponent >= 15 || exponent <= -5) {
    return `${mantissa}E${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  let body: string;
  if (exponent >= 0) {
    const int = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const frac = digits.slice(exponent + 1);
    body = frac ? `${int}.${frac}` : int;
  } else body = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  return negative ? `-${body}` : body;
}

/** double.TryParse with NumberStyles.Float | AllowThousands (invariant): undefined when .NET would fail. */
export function parseDotNetDouble(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const special: Record<string, number> = { infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity, '∞': Infinity, '+∞': Infinity, '-∞': -Infinity, nan: NaN };
  const s = special[t.toLowerCase()];
  if (s !== undefined) return s;
  const m = /^([+-])?((?:\d[\d,]*)?)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const int = m[2]!.replace(/,/g, '');
  return Number(`${m[1] ?? ''}${int || '0'}.${m[3] ?? ''}e${m[4] ?? '0'}`.replace('.e', 'e'));
}
