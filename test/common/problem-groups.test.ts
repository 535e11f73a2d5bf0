import { describe, expect, it } from 'vitest';
import type { ErrorShape } from '../../common/errors';
import { groupProblems } from '../../common/problem-groups';

const required = (v: string): ErrorShape => ({ code: 'VARIABLE_REQUIRED', message: `${v}: a value is required`, hint: `Enter a value for "${v}".`, details: { variable: v } });
const refByVariable = (v: string, missing: string[]): ErrorShape => ({ code: 'VARIABLE_REFERENCE_MISSING', message: `${v} refers to ${missing.join(', ')}`, hint: 'h', details: { variable: v, missing } });
const refByStep = (stepId: string, missing: string[], path = 'connection'): ErrorShape => ({ code: 'STEP_VARIABLE_MISSING', message: `Step ${stepId}: the setting ${path} refers to ${missing.join(', ')}`, hint: 'h', details: { stepId, missing } });

describe('groupProblems: one entry per root cause', () => {
  it('folds the reports of six missing values (18 problems) into six causes with their dependents', () => {
    const missing = ['InterfaceEngineHost', 'SqlServer', 'SqlPassword', 'SmtpHost', 'ApiKey', 'ShareRoot'];
    const problems: ErrorShape[] = [
      ...missing.map(required),
      ...missing.map((m) => refByVariable(`${m}Url`, [m])),
      ...missing.map((m, i) => refByStep(`step-${i % 2}`, [m])),
    ];
    expect(problems).toHaveLength(18);
    const groups = groupProblems(problems);
    expect(groups).toHaveLength(6);
    expect(groups.map((g) => g.variable)).toEqual(missing);
    expect(groups[0]).toMatchObject({ root: { code: 'VARIABLE_REQUIRED' }, dependentVariables: ['InterfaceEngineHostUrl'], dependentSteps: ['step-0'] });
  });

  it('lists a step once however many of its settings use the value, and puts a cause before references reported earlier', () => {
    const groups = groupProblems([refByStep('db', ['Host'], 'connection'), refByStep('db', ['Host'], 'variables.Url'), refByStep('etl', ['Host']), required('Host')]);
    expect(groups).toEqual([{ root: required('Host'), variable: 'Host', dependentVariables: [], dependentSteps: ['db', 'etl'] }]);
  });

  it('synthesizes the cause when only references to an undeclared name were reported', () => {
    const groups = groupProblems([refByVariable('ApiUrl', ['Undeclared']), refByStep('etl', ['undeclared'])]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ root: { code: 'VARIABLE_UNDEFINED' }, variable: 'Undeclared', dependentVariables: ['ApiUrl'], dependentSteps: ['etl'] });
  });

  it('files a reference to two missing values under both, and keeps unrelated problems as they are', () => {
    const other: ErrorShape = { code: 'VARIABLE_CYCLE', message: 'A refers to itself', hint: 'h' };
    const groups = groupProblems([required('A'), required('B'), refByStep('s', ['A', 'B']), other, other]);
    expect(groups.map((g) => [g.root.code, g.dependentSteps])).toEqual([
      ['VARIABLE_REQUIRED', ['s']],
      ['VARIABLE_REQUIRED', ['s']],
      ['VARIABLE_CYCLE', []],
    ]);
  });

  it('keeps an invalid value as its own cause', () => {
    const invalid: ErrorShape = { code: 'VARIABLE_NOT_A_NUMBER', message: 'Timeout: not a number', hint: 'h', details: { variable: 'Timeout' } };
    expect(groupProblems([invalid, refByVariable('X', ['Timeout'])])).toEqual([{ root: invalid, variable: 'Timeout', dependentVariables: ['X'], dependentSteps: [] }]);
  });
});
