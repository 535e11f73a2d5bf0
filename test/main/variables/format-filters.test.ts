/**
 * Format, UriPart and the Version* filters, against outputs of .NET's invariant culture and System.Uri
 * as documented by Microsoft and Octopus (the figures a release engineer would see in Octopus).
 */
import { describe, expect, it } from 'vitest';
import { formatDotNetNumber, parseDecimal } from '../../../main/variables/dotnet-number-format';
import { evaluate } from '../../../main/variables/evaluator';

const run = (template: string, vars: Record<string, string>) => evaluate(template, vars);

describe('formatDotNetNumber: standard formats', () => {
  const cases: Array<[string, string, string]> = [
    ['1234.5678', 'N2', '1,234.57'],
    ['1234.5678', 'N', '1,234.57'],
    ['-1234567.891', 'N1', '-1,234,567.9'],
    ['1234.5678', 'F3', '1234.568'],
    ['1234', 'F', '1234.00'],
    ['1.5', 'F0', '2'],
    ['2.5', 'F0', '3'],
    ['-2.5', 'F0', '-3'],
    ['0.125', 'F2', '0.13'],
    ['42', 'D5', '00042'],
    ['-42', 'D5', '-00042'],
    ['42', 'D', '42'],
    ['0.2468', 'P1', '24.7 %'],
    ['0.5', 'P', '50.00 %'],
    ['255', 'X', 'FF'],
    ['255', 'x4', '00ff'],
    ['1052.0329112756', 'E', '1.052033E+003'],
    ['1052.0329112756', 'e2', '1.05e+003'],
    ['-0.00012', 'E1', '-1.2E-004'],
    ['9.99', 'E1', '1.0E+001'],
    ['0', 'E', '0.000000E+000'],
    ['1500.50', 'G', '1500.5'],
  ];
  for (const [value, format, expected] of cases) {
    it(`${value} | ${format} → ${expected}`, () => expect(formatDotNetNumber(value, format)).toBe(expected));
  }

  it('refuses what .NET refuses: D and X on fractions, X on negatives, unknown letters, not-a-number', () => {
    expect(formatDotNetNumber('1.5', 'D')).toBeNull();
    expect(formatDotNetNumber('1.5', 'X')).toBeNull();
    expect(formatDotNetNumber('-1', 'X')).toBeNull();
    expect(formatDotNetNumber('1', 'Q')).toBeNull();
    expect(formatDotNetNumber('twelve', 'N2')).toBeNull();
  });
});

describe('formatDotNetNumber: custom formats', () => {
  const cases: Array<[string, string, string]> = [
    ['1234.5678', '#,##0.00', '1,234.57'],
    ['0.5', '0.##', '0.5'],
    ['3', '0.##', '3'],
    ['123', '00000', '00123'],
    ['1234567890', '(###) ###-####', '(123) 456-7890'],
    ['0.125', '0.0%', '12.5%'],
    ['1234567', '#,##0,,', '1'],
    ['1234567890', '#,##0,,', '1,235'],
    ['-5', '0;(0)', '(5)'],
    ['5', '0;(0)', '5'],
    ['0', '0;-0;zero', 'zero'],
    ['-7.5', '0.0', '-7.5'],
    ['42', "'Batch' 0", 'Batch 42'],
    ['42', '\\#0', '#42'],
    ['.5', '#.00', '.50'],
  ];
  for (const [value, format, expected] of cases) {
    it(`${value} | ${format} → ${expected}`, () => expect(formatDotNetNumber(value, format)).toBe(expected));
  }

  it('parses decimals as .NET does, exactly', () => {
    expect(parseDecimal('1,234.50')).toEqual({ negative: false, int: '1234', frac: '50' });
    expect(parseDecimal('1e3')).toEqual({ negative: false, int: '1000', frac: '' });
    expect(parseDecimal('-12.5e-2')).toEqual({ negative: true, int: '', frac: '125' });
    expect(parseDecimal('1,2')).toBeNull();
    expect(parseDecimal('')).toBeNull();
  });
});

describe('the Format filter in templates', () => {
  it('formats a number, else a date, with one argument', () => {
    expect(run('#{Size | Format N0}', { Size: '1048576' }).text).toBe('1,048,576');
    expect(run('#{When | Format "yyyy-MM-dd HH:mm"}', { When: '2026-11-26T10:05:00Z' }).text).toBe('2026-11-26 10:05');
    expect(run('#{When | Format "dd MMM yyyy"}', { When: '2026-11-26' }).text).toBe('26 Nov 2026');
  });

  it('takes a type first with two arguments', () => {
    expect(run('#{N | Format int "D4"}', { N: '7' }).text).toBe('0007');
    expect(run('#{N | Format decimal "0.0"}', { N: '7.25' }).text).toBe('7.3');
    expect(run('#{D | Format date "MM/dd/yyyy"}', { D: '2026-02-03' }).text).toBe('02/03/2026');
  });

  it('dates keep .NET\'s zone rules: DateTimeOffset shows its own offset, DateTime converts to local time or has none', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    const offsetText = (minutes: number) => `${minutes < 0 ? '-' : '+'}${two(Math.floor(Math.abs(minutes) / 60))}:${two(Math.abs(minutes) % 60)}`;
    // One argument (and datetimeoffset): the moment at the offset written, "Z" as +00:00.
    expect(run('#{D | Format "yyyy-MM-dd HH:mm zzz"}', { D: '2026-02-03T10:00:00+02:00' }).text).toBe('2026-02-03 10:00 +02:00');
    expect(run('#{D | Format datetimeoffset "HH:mm K"}', { D: '2026-02-03T10:05:00Z' }).text).toBe('10:05 +00:00');
    expect(run('#{D | Format "HH:mm zzz"}', { D: '2026-02-03T10:00:00-05:30' }).text).toBe('10:00 -05:30');
    // No zone written: a DateTimeOffset takes this machine's offset.
    const noZone = new Date(2026, 1, 3, 10, 0);
    expect(run('#{D | Format "HH:mm K"}', { D: '2026-02-03T10:00' }).text).toBe(`10:00 ${offsetText(-noZone.getTimezoneOffset())}`);
    // DateTime: a written zone is converted to this machine's local time; without one, K prints nothing.
    const local = new Date(Date.UTC(2026, 1, 3, 8, 0));
    expect(run('#{D | Format datetime "HH:mm K"}', { D: '2026-02-03T10:00:00+02:00' }).text).toBe(`${two(local.getHours())}:${two(local.getMinutes())} ${offsetText(-local.getTimezoneOffset())}`);
    expect(run('#{D | Format datetime "HH:mm|K"}', { D: '2026-02-03T10:00' }).text).toBe('10:00|');
  });

  it('leaves the token and reports TEMPLATE_FILTER_ARGUMENTS when it cannot format', () => {
    for (const [template, vars] of [
      ['#{N | Format}', { N: '1' }],
      // Written as 3.9.3 echoes them (FunctionCallExpression.ToString quotes every option).
      ['#{N | Format "int" "D4"}', { N: '7.5' }],
      ['#{N | Format "money" "0"}', { N: '7' }],
      ['#{D | Format "yyyy"}', { D: 'next Tuesday' }],
      ['#{D | Format "date" "yyyy"}', { D: '2026-02-30' }],
      ['#{D | Format "yyyy"}', { D: '2026-02-03T10:00:00+15:00' }],
    ] as Array<[string, Record<string, string>]>) {
      const r = run(template, vars);
      expect(r.text, template).toBe(template);
      expect(r.errors.map((e) => e.code), template).toEqual(['TEMPLATE_FILTER_ARGUMENTS']);
    }
  });
});

describe('the UriPart filter', () => {
  const url = 'https://ie01.sbrh.example:8443/api/v1?x=1#top';
  const parts: Array<[string, string, string]> = [
    [url, 'Host', 'ie01.sbrh.example'],
    [url, 'Port', '8443'],
    [url, 'Scheme', 'https'],
    [url, 'PathAndQuery', '/api/v1?x=1'],
    [url, 'AbsolutePath', '/api/v1'],
    [url, 'Query', '?x=1'],
    [url, 'Fragment', '#top'],
    [url, 'Authority', 'ie01.sbrh.example:8443'],
    [url, 'IsDefaultPort', 'false'],
    [url, 'SchemeAndServer', 'https://ie01.sbrh.example:8443'],
    ['https://a.example/', 'Port', '443'],
    ['https://a.example/', 'HostAndPort', 'a.example:443'],
    ['https://a.example/', 'IsDefaultPort', 'true'],
    ['http://localhost:8080/', 'IsLoopback', 'true'],
    ['file://server/share/x.txt', 'IsUnc', 'true'],
    ['file://server/share/x.txt', 'Path', '\\\\server\\share\\x.txt'],
    ['file:///C:/Deploy/a%20b.sql', 'Path', 'C:\\Deploy\\a b.sql'],
    ['https://svc:pw@a.example/', 'UserInfo', 'svc:pw'],
  ];
  for (const [value, part, expected] of parts) {
    it(`${value} | UriPart ${part} → ${expected}`, () => expect(run(`#{U | UriPart ${part}}`, { U: value }).text).toBe(expected));
  }

  it('a relative URI, an unknown part or no part leave the token with an error', () => {
    for (const [template, value] of [
      ['#{U | UriPart "Host"}', '/api/v1'],
      ['#{U | UriPart "Colour"}', 'https://a.example/'],
      ['#{U | UriPart}', 'https://a.example/'],
    ]) {
      const r = run(template!, { U: value! });
      expect(r.text).toBe(template);
      expect(r.errors.map((e) => e.code)).toEqual(['TEMPLATE_FILTER_ARGUMENTS']);
    }
  });
});

describe('the Version filters', () => {
  it('read every part of an Octopus version', () => {
    const v = { V: '1.2.3-beta.7+build.42' };
    expect(run('#{V | VersionMajor}.#{V | VersionMinor}.#{V | VersionPatch}.#{V | VersionRevision}', v).text).toBe('1.2.3.0');
    expect(run('#{V | VersionPreRelease}|#{V | VersionPreReleasePrefix}|#{V | VersionPreReleaseCounter}|#{V | VersionMetadata}', v).text).toBe('beta.7|beta|7|build.42');
  });

  it('accept the looser forms Octopus allows', () => {
    expect(run('#{V | VersionMajor}/#{V | VersionMinor}/#{V | VersionPatch}', { V: 'v2026.11' }).text).toBe('2026/11/0');
    expect(run('#{V | VersionRevision}|#{V | VersionPreRelease}', { V: '3.1.0.17' }).text).toBe('17|');
    expect(run('#{V | VersionPreReleasePrefix}|#{V | VersionPreReleaseCounter}', { V: '1.0.0-rc1' }).text).toBe('rc1|');
  });

  it('text that is not a version leaves the token with an error', () => {
    const r = run('#{V | VersionMajor}', { V: 'latest' });
    expect(r.text).toBe('#{V | VersionMajor}');
    expect(r.errors.map((e) => e.code)).toEqual(['TEMPLATE_FILTER_ARGUMENTS']);
  });
});
