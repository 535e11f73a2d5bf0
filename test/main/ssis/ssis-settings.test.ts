import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { sameValue, toTypedValue, type SsisDataType } from '../../../main/ssis/ssis-data-types';
import { parseSsisSettings } from '../../../main/ssis/ssis-settings';
import { loadSsisTarget } from '../../../main/ssis/ssis-target';
import { resolvedSettings, sampleDrop } from './ssis-fixture';

const BASE = {
  connection: 'Server=sql01;Integrated Security=SSPI',
  ispac: 'P.ispac',
  folder: 'F',
  environment: 'Prod',
  environmentVariables: [{ name: 'Batch', value: '500', type: 'Int32', sensitive: false }],
  parameterBindings: [{ objectType: 'project', parameter: 'Batch', variable: 'Batch' }],
};

function codeOf(fn: () => unknown): { code: string; message: string; hint: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an error');
}

describe('parseSsisSettings', () => {
  it('applies defaults: relative reference in the project folder, keep undeclared variables, no validation, 900 s', () => {
    expect(parseSsisSettings(BASE)).toMatchObject({ environmentReference: 'relative', environmentFolder: 'F', removeUndeclaredVariables: false, validate: false, timeoutSeconds: 900 });
    expect(parseSsisSettings({ ...BASE, environmentReference: 'absolute' }).environmentFolder).toBe('F');
    expect(parseSsisSettings({ ...BASE, environmentReference: 'absolute', environmentFolder: 'Shared' }).environmentFolder).toBe('Shared');
  });

  it.each([
    [{ folder: '' }, 'folder'],
    [{ timeoutSeconds: 0 }, 'timeoutSeconds'],
    [{ extra: true }, '(settings)'],
    [{ environmentReference: 'relative', environmentFolder: 'Other' }, 'environmentFolder'],
    [{ environmentVariables: [{ name: 'X', value: '1', type: 'SByte', sensitive: false }] }, 'environmentVariables[0].type'],
    [{ environmentVariables: [{ name: 'X', value: '1', type: 'Char', sensitive: false }] }, 'environmentVariables[0].type'],
    [{ environmentVariables: [{ name: 'X', value: '1', type: 'Int32' }, { name: 'x', value: '2', type: 'Int32' }], parameterBindings: [] }, 'environmentVariables[1].name'],
    [{ parameterBindings: [{ objectType: 'project', parameter: 'Batch', variable: 'Batch', value: '1' }] }, 'parameterBindings[0]'],
    [{ parameterBindings: [{ objectType: 'package', parameter: 'Batch', variable: 'Batch' }] }, 'parameterBindings[0].package'],
    [{ parameterBindings: [{ objectType: 'project', parameter: 'Batch', variable: 'Nope' }] }, 'parameterBindings[0].variable'],
    [{ parameterBindings: [BASE.parameterBindings[0], BASE.parameterBindings[0]] }, 'parameterBindings[1]'],
  ])('rejects %j at %s with SSIS_SETTINGS_INVALID', (patch, path) => {
    const error = codeOf(() => parseSsisSettings({ ...BASE, ...patch }));
    expect(error.code).toBe('SSIS_SETTINGS_INVALID');
    expect(error.message).toContain(path === '(settings)' ? 'extra' : path);
  });

  it('names the variable but never repeats a value that does not convert', () => {
    const error = codeOf(() => parseSsisSettings({ ...BASE, environmentVariables: [{ name: 'Batch', value: 'Secret-Not-A-Number', type: 'Int32', sensitive: true }] }));
    expect(error.message).toContain('"Batch"');
    expect(error.message).not.toContain('Secret-Not-A-Number');
  });
});

describe('SSIS data types', () => {
  it.each<[SsisDataType, string, string, unknown]>([
    ['String', 'abc', 'nvarchar(3)', 'abc'],
    ['Int32', '42', 'int', 42],
    ['Int16', '-3', 'smallint', -3],
    ['Byte', '255', 'tinyint', 255],
    ['Int64', '9007199254740993', 'bigint', '9007199254740993'],
    ['UInt32', '4294967295', 'bigint', '4294967295'],
    ['Boolean', 'Yes', 'bit', true],
    ['Double', '1.5', 'float', 1.5],
    ['Single', '2.25', 'real', 2.25],
    ['Decimal', '12.500', 'decimal(38,1)', 12.5],
  ])('%s %s travels as %s', (type, text, sqlType, value) => {
    const typed = toTypedValue(type, text);
    expect(typed.sqlTypeName).toBe(sqlType);
    expect(typed.value).toEqual(value);
  });

  it('sends DateTime as datetime2 in UTC', () => {
    const typed = toTypedValue('DateTime', '2027-01-15 10:00');
    expect(typed.sqlTypeName).toBe('datetime2(7)');
    expect((typed.value as Date).toISOString()).toBe('2027-01-15T10:00:00.000Z');
  });

  it.each<[SsisDataType, string]>([
    ['Int32', '2147483648'],
    ['Byte', '-1'],
    ['UInt64', '-5'],
    ['Boolean', 'maybe'],
    ['Double', 'NaN'],
    ['DateTime', 'tomorrow'],
    ['String', 'x'.repeat(4001)],
  ])('refuses %s %s', (type, text) => {
    expect(() => toTypedValue(type, text)).toThrow();
  });

  it('compares the catalog text form with the desired value by meaning', () => {
    expect(sameValue('Boolean', 'true', '1')).toBe(true);
    expect(sameValue('Boolean', 'false', '1')).toBe(false);
    expect(sameValue('Int32', '0500', '500')).toBe(true);
    expect(sameValue('Double', '0.1', '1.0000000000000001e-001')).toBe(true);
    expect(sameValue('Decimal', '12.50', '12.5000')).toBe(true);
    expect(sameValue('DateTime', '2027-01-15T10:00:00Z', '2027-01-15T10:00:00.0000000')).toBe(true);
    expect(sameValue('String', 'a', 'A')).toBe(false);
    expect(sameValue('String', 'a', null)).toBe(false);
  });
});

describe('loadSsisTarget (checks against the .ispac before connecting)', () => {
  it('takes the project name from the manifest and reports mismatches, unknown parameters and packages, type clashes', async () => {
    const drop = await sampleDrop();
    const load = (patch: Record<string, unknown>) => loadSsisTarget(parseSsisSettings(resolvedSettings(drop, undefined, patch)), drop.root, drop.packagePath);
    const target = await load({ projectName: undefined });
    expect(target.projectName).toBe('ClinicalFeeds');
    expect(target.ispacSha256).toBe(drop.ispacSha256);
    const settings = resolvedSettings(drop);
    const variables = settings.environmentVariables as Array<Record<string, unknown>>;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ projectName: 'Other' }, 'SSIS_PROJECT_NAME_MISMATCH'],
      [{ ispac: 'Missing.ispac' }, 'SSIS_ISPAC_MISSING'],
      [{ ispac: '../staging-db/001_create_schema.sql' }, 'SSIS_ISPAC_INVALID'],
      [{ ispac: '../../../outside.ispac' }, 'SSIS_SETTINGS_INVALID'],
      [{ parameterBindings: [{ objectType: 'project', parameter: 'NoSuchParam', variable: 'SftpHost' }] }, 'SSIS_PARAMETER_NOT_FOUND'],
      [{ parameterBindings: [{ objectType: 'package', package: 'Nope.dtsx', parameter: 'BatchSize', variable: 'BatchSize' }] }, 'SSIS_PACKAGE_NOT_FOUND'],
      [{ parameterBindings: [{ objectType: 'project', parameter: 'SftpHost', variable: 'BatchSize' }] }, 'SSIS_BINDING_TYPE_MISMATCH'],
      [{ parameterBindings: [{ objectType: 'project', parameter: 'EnableRealTimeAdt', value: 'perhaps' }] }, 'SSIS_SETTINGS_INVALID'],
    ];
    for (const [patch, code] of cases) {
      let error: unknown;
      try {
        await load({ environmentVariables: variables, ...patch });
      } catch (e) {
        error = e;
      }
      expect((error as AppError | undefined)?.code, JSON.stringify(patch)).toBe(code);
    }
    // Connection-manager properties are project parameters the .ispac lists apart; they may be bound.
    const cm = await load({ parameterBindings: [{ objectType: 'project', parameter: 'CM.CDH Staging.ConnectionString', variable: 'StagingConnectionString' }] });
    expect(cm.bindings[0]).toMatchObject({ dataType: 'String' });
  });
});
