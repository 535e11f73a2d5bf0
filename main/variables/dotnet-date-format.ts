/**
 * Formats a date with .NET custom/standard date format strings (invariant culture), because Octostache's
 * NowDate/NowDateUtc hand their argument to DateTime.ToString and release engineers copy those
 * format strings from Octopus projects.
 */

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** 'local' uses the machine's time zone; 'utc' formats in UTC (and `K`/`zzz` say so). */
export type DateKind = 'local' | 'utc' | 'unspecified';

const STANDARD: Record<string, string> = {
  d: 'MM/dd/yyyy',
  D: 'dddd, dd MMMM yyyy',
  f: 'dddd, dd MMMM yyyy HH:mm',
  F: 'dddd, dd MMMM yyyy HH:mm:ss',
  g: 'MM/dd/yyyy HH:mm',
  G: 'MM/dd/yyyy HH:mm:ss',
  m: 'MMMM dd',
  M: 'MMMM dd',
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'HH:mm',
  T: 'HH:mm:ss',
  y: 'yyyy MMMM',
  Y: 'yyyy MMMM',
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
};

/** Formats `date`; returns null for a format .NET would reject (so the filter leaves the token as written). */
export function formatDotNetDate(date: Date, format: string, kind: DateKind): string | null {
  if (format.length === 1) {
    if (format === 'u') return formatCustom(toUtcFields(date), "yyyy'-'MM'-'dd HH':'mm':'ss'Z'", 'utc');
    if (format === 'r' || format === 'R') return formatCustom(toUtcFields(date), "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", 'utc');
    const std = STANDARD[format];
    if (!std) return null;
    format = std;
  }
  return formatCustom(kind === 'utc' ? toUtcFields(date) : toLocalFields(date), format, kind);
}

/**
 * Formats the moment as a DateTimeOffset at `offsetMinutes` shows it: the fields are those at that
 * offset, and z/zz/zzz/K print the offset (never "Z"). Standard formats u and r/R are UTC, as in .NET.
 */
export function formatDotNetDateAtOffset(date: Date, format: string, offsetMinutes: number): string | null {
  if (format === 'u' || format === 'r' || format === 'R') return formatDotNetDate(date, format, 'utc');
  if (format.length === 1) {
    const std = STANDARD[format];
    if (!std) return null;
    format = std;
  }
  const shifted = toUtcFields(new Date(date.getTime() + offsetMinutes * 60_000));
  return formatCustom({ ...shifted, offsetMin: offsetMinutes }, format, 'local');
}

interface Fields {
  y: number;
  mo: number;
  d: number;
  dow: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  offsetMin: number;
}

function toLocalFields(d: Date): Fields {
  return { y: d.getFullYear(), mo: d.getMonth(), d: d.getDate(), dow: d.getDay(), h: d.getHours(), mi: d.getMinutes(), s: d.getSeconds(), ms: d.getMilliseconds(), offsetMin: -d.getTimezoneOffset() };
}

function toUtcFields(d: Date): Fields {
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth(), d: d.getUTCDate(), dow: d.getUTCDay(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: d.getUTCMilliseconds(), offsetMin: 0 };
}

const pad = (n: number, w: number) => String(Math.abs(n)).padStart(w, '0');

function offset(f: Fields, width: 1 | 2 | 3): string {
  const sign = f.offsetMin < 0 ? '-' : '+';
  const h = Math.floor(Math.abs(f.offsetMin) / 60);
  const m = Math.abs(f.offsetMin) % 60;
  if (width === 1) return `${sign}${h}`;
  if (width === 2) return `${sign}${pad(h, 2)}`;
  return `${sign}${pad(h, 2)}:${pad(m, 2)}`;
}

function formatCustom(f: Fields, format: string, kind: DateKind): string | null {
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c === "'" || c === '"') {
      const end = format.indexOf(c, i + 1);
      if (end === -1) return null;
      out += format.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= format.length) return null;
      out += format[i + 1];
      i += 2;
      continue;
    }
    if (c === '%') {
      i++;
      continue;
    }
    let run = 1;
    while (format[i + run] === c) run++;
    i += run;
    switch (c) {
      case 'y':
        out += run === 1 ? String(f.y % 100) : run === 2 ? pad(f.y % 100, 2) : pad(f.y, run);
        break;
      case 'M':
        out += run === 1 ? String(f.mo + 1) : run === 2 ? pad(f.mo + 1, 2) : run === 3 ? MONTHS[f.mo]!.slice(0, 3) : MONTHS[f.mo];
        break;
      case 'd':
        out += run === 1 ? String(f.d) : run === 2 ? pad(f.d, 2) : run === 3 ? DAYS[f.dow]!.slice(0, 3) : DAYS[f.dow];
        break;
      case 'H':
        out += run === 1 ? String(f.h) : pad(f.h, 2);
        break;
      case 'h': {
        const h12 = f.h % 12 === 0 ? 12 : f.h % 12;
        out += run === 1 ? String(h12) : pad(h12, 2);
        break;
      }
      case 'm':
        out += run === 1 ? String(f.mi) : pad(f.mi, 2);
        break;
      case 's':
        out += run === 1 ? String(f.s) : pad(f.s, 2);
        break;
      case 'f':
      case 'F': {
        if (run > 7) return null;
        let frac = (pad(f.ms, 3) + '0000').slice(0, run);
        if (c === 'F') frac = frac.replace(/0+$/, '');
        out += frac;
        break;
      }
      case 't':
        out += run === 1 ? (f.h < 12 ? 'A' : 'P') : f.h < 12 ? 'AM' : 'PM';
        break;
      case 'z':
        out += offset(f, Math.min(run, 3) as 1 | 2 | 3);
        break;
      case 'K':
        out += kind === 'utc' ? 'Z' : kind === 'local' ? offset(f, 3) : '';
        break;
      case 'g':
        out += 'A.D.';
        break;
      case ':':
      case '/':
        out += c.repeat(run);
        break;
      default:
        out += c.repeat(run);
    }
  }
  return out;
}
