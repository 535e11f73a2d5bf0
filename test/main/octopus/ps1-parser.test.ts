import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { bundleRelativePath, optionValue, optionValues, parseDropScript } from '../../../main/octopus/ps1-parser';

const script = [
  'param([string]$Password)',
  '$env:TentacleApplications = "C:\\Applications"',
  "$env:TentacleJournal = 'C:\\Octopus\\DeploymentJournal.xml'",
  '# & Calamari\\Calamari.exe run-script  (a comment, not a call)',
  'if ($result -eq 0) {',
  '  & "Calamari\\Calamari.exe" deploy-package -package "Packages\\A.1.0.0.nupkg" -variables="Variables\\T.P.Step One.variables.json" `',
  '     --sensitiveVariables="Variables\\T.P.Step One.secret" -sensitiveVariablesPassword $Password 2>&1 | Out-Host',
  '  $result = $LASTEXITCODE',
  '}',
  "& .\\Calamari\\Calamari.exe run-script /variables:Variables\\two.json '/sensitiveVariables:Variables\\it''s.secret' -script:Scripts\\x.ps1 -flag",
  '& "$PSScriptRoot\\Calamari\\Calamari.exe" run-script --variables "$PSScriptRoot\\Variables\\three.json" --variablesPassword="$Password"',
  'Calamari\\Calamari.exe import-certificate -sensitiveVariables "Variables\\Example.secret"',
].join('\r\n');

describe('parseDropScript', () => {
  const parsed = parseDropScript(script, 'drop.ps1');

  it('finds every Calamari call in order with its line', () => {
    expect(parsed.calls.map((c) => [c.index, c.line, c.command])).toEqual([
      [1, 6, 'deploy-package'],
      [2, 10, 'run-script'],
      [3, 11, 'run-script'],
      [4, 12, 'import-certificate'],
    ]);
  });

  it('reads every option spelling, quoted values and line continuations', () => {
    const [a, b, c] = parsed.calls;
    expect(optionValue(a!, 'package')).toBe('Packages\\A.1.0.0.nupkg');
    expect(optionValue(a!, 'VARIABLES')).toBe('Variables\\T.P.Step One.variables.json');
    expect(optionValues(a!, 'sensitiveVariables')).toEqual(['Variables\\T.P.Step One.secret']);
    expect(a!.options.find((o) => o.name === 'sensitiveVariablesPassword')).toMatchObject({ dynamic: true });
    expect(optionValue(a!, 'sensitiveVariablesPassword')).toBeUndefined();
    expect(optionValue(b!, 'variables')).toBe('Variables\\two.json');
    expect(optionValue(b!, 'sensitiveVariables')).toBe("Variables\\it's.secret");
    expect(optionValue(b!, 'script')).toBe('Scripts\\x.ps1');
    expect(b!.options.find((o) => o.name === 'flag')).toEqual({ name: 'flag', dynamic: false });
    expect(optionValue(c!, 'variables')).toBe('$PSScriptRoot\\Variables\\three.json');
  });

  it('records the applications directory and journal path', () => {
    expect(parsed.applicationsDirectory).toBe('C:\\Applications');
    expect(parsed.journalPath).toBe('C:\\Octopus\\DeploymentJournal.xml');
  });

  it('rejects an unterminated quote with OCTOPUS_SCRIPT_INVALID and the line', () => {
    try {
      parseDropScript('x\n& Calamari.exe run-script -variables "Variables\\a.json', 'd.ps1');
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('OCTOPUS_SCRIPT_INVALID');
      expect((e as AppError).message).toMatch(/^d\.ps1 line 2:/);
    }
  });

  it('turns script paths into bundle-relative paths and refuses ones outside the bundle', () => {
    expect(bundleRelativePath('.\\Variables\\a b.json')).toBe('Variables/a b.json');
    expect(bundleRelativePath('$PSScriptRoot\\Packages\\x.nupkg')).toBe('Packages/x.nupkg');
    expect(bundleRelativePath('C:\\Windows\\x')).toBeUndefined();
    expect(bundleRelativePath('..\\x')).toBeUndefined();
  });

  it('reads a call at the end of a 200 KB line of path-like text (the parser is a linear scan)', () => {
    const line = `${'Calamari\\x\\'.repeat(20_000)}Calamari\\Calamari.exe run-script -script x.ps1 ${' '.repeat(5000)}`;
    const parsed = parseDropScript(`${' '.repeat(100_000)}x\n${line}`, 'long.ps1');
    expect(parsed.calls.map((c) => [c.line, c.command, optionValue(c, 'script')])).toEqual([[2, 'run-script', 'x.ps1']]);
  });
});

