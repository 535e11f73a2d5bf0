/**
 * Octostache 3.9.3 parity (the version Calamari pins), one block per category of issue 17. Each case
 * names the 3.9.3 test (fixture and method in OctopusDeploy/Octostache at tag 3.9.3) whose behaviour it
 * follows; cases without one name the 3.9.3 source they were read from.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, isTruthy } from '../../../main/variables/evaluator';

type Row = [test: string, template: string, vars: Record<string, string>, expected: string];

const run = (rows: Row[]) =>
  it.each(rows)('%s', (_test, template, vars, expected) => {
    expect(evaluate(template, vars).text).toBe(expected);
  });

describe('JSON member access and indexes (JsonFixture)', () => {
  const items = '{"Items": [{"Name": "Toast"}, {"Name": "Bread"}]}';
  run([
    ['JsonDoesNotOverrideExisting (Test.Hello)', '#{Test.Hello}', { 'Test.Hello': 'Go Away', Test: '{"Hello": "World", "Foo": "Bar", "Donkey" : {"Kong": 12}}', 'Test[Foo]': 'Nope', 'Test.Donkey.Kong': 'MARIO' }, 'Go Away'],
    ['JsonDoesNotOverrideExisting (Test[Foo])', '#{Test[Foo]}', { Test: '{"Hello": "World", "Foo": "Bar"}', 'Test[Foo]': 'Nope' }, 'Nope'],
    ['JsonDoesNotOverrideExisting (Test.Donkey.Kong)', '#{Test.Donkey.Kong}', { Test: '{"Donkey" : {"Kong": 12}}', 'Test.Donkey.Kong': 'MARIO' }, 'MARIO'],
    ['JsonSupportsVariableInVariable', '#{Test[Foo]}|#{Test.Foo}|#{Test[#{Prop}]}', { Prop: 'Foo', Val: 'Bar', Test: '{#{Prop}: "#{Val}"}' }, 'Bar|Bar|Bar'],
    ['SuccessfulJsonParsing: Simple Indexing', '#{Test[Hello]}', { Test: '{"Hello": "World"}' }, 'World'],
    ['SuccessfulJsonParsing: Simple Dot Notation', '#{Test.Hello}', { Test: '{"Hello": "World"}' }, 'World'],
    ['SuccessfulJsonParsing: Deep', '#{Test[Hello][World][Foo][Bar]}', { Test: '{"Hello": {"World": {"Foo": {"Bar": 12 }}}}' }, '12'],
    ['SuccessfulJsonParsing: Arrays [1]', '#{Test.Items[1].Name}', { Test: items }, 'Bread'],
    ['SuccessfulJsonParsing: Arrays [0]', '#{Test.Items[0].Name}', { Test: items }, 'Toast'],
    ['SuccessfulJsonParsing: Raw JSON returned', '#{Test.Foo}', { Test: '{"Foo": {"Bar":"11"}}' }, '{"Bar":"11"}'],
    ['JsonInvalidDoesNotReplace', '#{Test.Name}', { Test: '{Name: NoComma}' }, '#{Test.Name}'],
    ['JsonArraySupportsIterator', '#{each number in Test}#{number}#{if Octopus.Template.Each.Last == "False"}-#{/if}#{/each}', { Test: '[2,3,5,8]' }, '2-3-5-8'],
    ['JsonArraySafeguardedFromNullValues', 'Before:#{each number in Test.Blah}#{number}#{/each}:After', { Test: '{Blah: null}' }, 'Before::After'],
    ['JsonArrayOutsideOfBounds', 'Alpha#{Test[4]}bet', { Test: '[2,3,5,8]' }, 'Alphabet'],
    ['JsonObjectSupportsIterator', '#{each size in Octopus.Sizes}#{size}:#{size.Value},#{/each}', { 'Octopus.Sizes': '{"Small": "11.5",  Large: 15.21}' }, 'Small:11.5,Large:15.21,'],
    ['JsonEvaluatesConditionalsWithEscapes', '{"Bar":"#{if Foo == \\"test text\\"}Blaa#{/if}"}', { Foo: 'test text' }, '{"Bar":"Blaa"}'],
    ['JsonObjectSupportsIteratorWithInnerSelection', '#{each size in Octopus.Sizes}#{size.Key} - #{size.Value.Error}#{/each}', { 'Octopus.Sizes': '{"X-Large": {"Error": "Not Stocked"}}' }, 'X-Large - Not Stocked'],
    ['NullJsonPropertyTreatedAsEmptyString', 'Alpha#{Foo.Bar}bet', { Foo: '{Bar: null}' }, 'Alphabet'],
    ['MissingJsonPropertyTreatedAsEmptyString', 'Alpha#{Foo.NotBar}bet', { Foo: '{Bar: "ABC"}' }, 'Alphabet'],
    // JsonParser.TryParseJValue: a value that is a JSON scalar answers any member with itself (.NET's text of it).
    ['JsonParser: member of a JSON number', '#{Port.Anything}', { Port: '1433' }, '1433'],
    ['JsonParser: member of a JSON boolean is .NET text', '#{Flag.Value}', { Flag: 'true' }, 'True'],
    ['JsonParser: member of plain text is unresolved', '#{Name.Length}', { Name: 'abc' }, '#{Name.Length}'],
    ['JsonParser: a non-numeric index into an array is unresolved', '#{Test[x]}', { Test: '[1,2]' }, '#{Test[x]}'],
    ['JsonParser: JObject property names are case-sensitive', '[#{Test.hello}]', { Test: '{"Hello": "World"}' }, '[]'],
  ]);
});

describe('TemplateEvaluator.IsTruthy', () => {
  it.each([
    ['', false],
    ['0', false],
    ['false', false],
    [' FALSE ', false],
    ['No', false],
    [' no', false],
    ['true', true],
    ['  ', true],
    [' 0', true],
    ['0 ', true],
    ['off', true],
    ['1', true],
  ] as Array<[string, boolean]>)('IsTruthy(%j) is %s', (value, expected) => {
    expect(isTruthy(value)).toBe(expected);
    expect(evaluate('#{if V}T#{else}F#{/if}', { V: value }).text).toBe(expected ? 'T' : 'F');
  });
  run([
    ['ConditionalsFixture.UnknownVariablesAreTreatedAsFalsy (if)', '#{if MyVar}True#{/if}', {}, ''],
    ['ConditionalsFixture.UnknownVariablesAreTreatedAsFalsy (unless)', '#{unless MyVar}False#{/unless}', {}, 'False'],
    ['ConditionalsFixture.UnknownVariablesOnBothSidesAreTreatedAsEqual', '#{if Unknown1 == Unknown2}Equal#{/if}', {}, 'Equal'],
    ['ConditionalsFixture.ConditionalIgnoresWhitespacesCorrectly (filter chain)', '#{if Truthy  |  ToLower  != "false"}#{Result}#{/if}', { Truthy: 'true', Result: 'result' }, 'result'],
  ]);
});

describe('Substring (FiltersFixture)', () => {
  const od = { foo: 'Octopus Deploy' };
  run([
    ['SubstringDoesNothing', '#{foo | Substring}', { foo: 'ababa' }, '#{foo | Substring}'],
    ['SubstringWithTooManyArgumentsDoesNothing', '#{foo | Substring 1 2 3}', { foo: 'ababa' }, '#{foo | Substring "1" "2" "3"}'],
    ['SubstringWithOnlyLength', '#{foo | Substring 7}', od, 'Octopus'],
    ['SubstringWithStartAndLength', '#{foo | Substring 8 6}', od, 'Deploy'],
    ['SubstringHandlesNonNumericLength', '#{foo | Substring a}', od, '#{foo | Substring "a"}'],
    ['SubstringHandlesNonNumericLengthWithStart', '#{foo | Substring 0 a}', od, '#{foo | Substring "0" "a"}'],
    ['SubstringHandlesLengthIndexOutOfRange', '#{foo | Substring 20}', od, '#{foo | Substring "20"}'],
    ['SubstringTruncatesLengthWhenExceedingStringBoundary', '#{foo | Substring 8 7}', od, 'Deploy'],
    ['SubstringHandlesNegativeValueForLength', '#{foo | Substring -1}', od, '#{foo | Substring "-1"}'],
    ['SubstringHandlesNegativeStartAndLength', '#{foo | Substring 0 -1}', od, '#{foo | Substring "0" "-1"}'],
    ['SubstringHandlesStartIndexExceedsLengthWithTwoOptions', '#{foo | Substring 20 5}', od, '#{foo | Substring "20" "5"}'],
    ['TrimWorksWithSubstring (Substring 8 | Trim)', '#{foo | Substring 8 | Trim}', od, 'Octopus'],
  ]);
});

describe('unknown filters inside conditions (ConditionalsFixture)', () => {
  run([
    ['UnknownFunctionsAreEchoed', '#{if Greeting | NonExistingFunction}#{Result}#{/if}', { Greeting: 'Hello world', Result: 'result' }, '#{if Greeting | NonExistingFunction}#{Result}#{/if}'],
    ['UnknownVariablesAsFunctionArgumentsAreEchoed', '#{if Greeting | TpUpper}#{Result}#{/if}', { Result: 'result', MyVar: 'Value' }, '#{if Greeting | TpUpper}#{Result}#{/if}'],
    // ConditionalToken.ToString: the comparison is printed with a space before "}", an else branch after #{else}.
    ['ConditionalToken.ToString with a comparison and else', '#{if  X | Nope == "a"}A#{else}B#{/if}', { X: 'a' }, '#{if X | Nope == "a" }A#{else}B#{/if}'],
    ['ConditionalToken.ToString of unless (branches swapped)', '#{unless X | Nope}A#{/unless}', { X: 'a' }, '#{if X | Nope}#{else}A#{/if}'],
  ]);
});

describe('unknown or invalid filter calls are echoed with quoted options (FiltersFixture)', () => {
  run([
    ['UnknownFiltersAreEchoed', '#{Foo | ToBazooka}', { Foo: 'Abc' }, '#{Foo | ToBazooka}'],
    ['UnknownFiltersWithOptionsAreEchoed', '#{Foo | ToBazooka 6}', { Foo: 'Abc' }, '#{Foo | ToBazooka "6"}'],
    ['FormatFunctionWillReturnUnreplacedIfNoDefault', '#{Invalid | Format yyyy}', { Invalid: 'hello World' }, '#{Invalid | Format "yyyy"}'],
    ['Match: Too many arguments provided', '#{foo | Match a b}', { foo: 'abc def' }, '#{foo | Match "a" "b"}'],
    ['Match: No argument provided', '#{foo | Match}', { foo: 'abc def' }, '#{foo | Match}'],
    ['UsageFixture.UnmatchedSubstitutionsAreEchoed', '#{foo}', {}, '#{foo}'],
    ['UsageFixture.MissingVariableIndexersFailToEvaluateGracefully', '#{Octopus.Action[#{Package}].Name}', { 'Octopus.Action[Package A].Name': 'MyPackage' }, '#{Octopus.Action[#{Package}].Name}'],
    ['SubstitutionToken.ToString drops whitespace around the name', '#{  Foo  | ToBazooka   "a b" }', { Foo: 'x' }, '#{Foo | ToBazooka "a b"}'],
    ['a missing variable hands no value to the chain: Append still gives its text (TextManipulationFunction.Append)', '#{Missing | Append x}', {}, 'x'],
    ['a missing variable hands no value to the chain: ToUpper gives none (TextCaseFunction.ToUpper)', '#{Missing | ToUpper}', {}, '#{Missing | ToUpper}'],
    ['constructor is an unknown filter', '#{Foo | constructor}', { Foo: 'x' }, '#{Foo | constructor}'],
    ['__proto__ is an unknown filter', '#{Foo | __proto__}', { Foo: 'x' }, '#{Foo | __proto__}'],
    ['toString is an unknown filter', '#{Foo | toString}', { Foo: 'x' }, '#{Foo | toString}'],
  ]);

  it('reports constructor and __proto__ as TEMPLATE_UNKNOWN_FILTER', () => {
    for (const name of ['constructor', '__proto__', 'hasOwnProperty']) {
      expect(evaluate(`#{Foo | ${name}}`, { Foo: 'x' }).errors.map((e) => e.code)).toEqual(['TEMPLATE_UNKNOWN_FILTER']);
    }
  });
});

describe('calc (CalculationFixture.ConditionalIsSupported)', () => {
  const vars = { A: '5', B: '7', 'The/Var': '9', 'Another-Var': '11' };
  it.each([
    ['3+2', '5'],
    ['3-2', '1'],
    ['3*2', '6'],
    ['3/2', '1.5'],
    ['3*2+2*4', '14'],
    ['3*(2+2)*4', '48'],
    ['A+2', '7'],
    ['A+B', '12'],
    ['C+2', '#{C+2}'],
    ['{B}-2', '5'],
    ['2-B', '-5'],
    ['2-4', '-2'],
    ['(B*2)-2', '12'],
    ['2-(B*2)', '-12'],
    ['{B}/2', '3.5'],
    ['2/B', '0.2857142857142857'],
    ['2/{B}', '0.2857142857142857'],
    ['2/4', '0.5'],
    ['0.2*B', '1.4000000000000001'],
    ['B*0.2', '1.4000000000000001'],
    ['{B}*0.2', '1.4000000000000001'],
    ['{Another-Var}-2', '9'],
    ['{The/Var}-2', '7'],
    // "erroneous parsing - variables as rhs operands must be surrounded with { … } to calc correctly"
    ['B-2', '#{B-2}'],
    ['B/2', '#{B/2}'],
  ])('#{calc %s} → %s', (expression, expected) => {
    expect(evaluate(`#{calc ${expression}}`, vars).text).toBe(expected);
  });

  it('prints results as .NET doubles (CalculationToken: double.ToString())', () => {
    expect(evaluate('#{calc 1/0}', {}).text).toBe('∞');
    expect(evaluate('#{calc 1000000*1000000*1000}', {}).text).toBe('1E+15');
    expect(evaluate('#{calc 1/100000}', {}).text).toBe('1E-05');
    expect(evaluate('#{calc 1/10000}', {}).text).toBe('0.0001');
    expect(evaluate('#{calc {N}+1}', { N: ' 1,000 ' }).text).toBe('1001');
  });
});

describe('filter names as 3.9.3 registers them (BuiltInFunctions)', () => {
  run([
    ['VersionPreRelease', '#{V | VersionPreRelease}', { V: '1.2.3-beta.7' }, 'beta.7'],
    ['VersionPreReleasePrefix', '#{V | VersionPreReleasePrefix}', { V: '1.2.3-beta.7' }, 'beta'],
    ['VersionPreReleaseCounter', '#{V | VersionPreReleaseCounter}', { V: '1.2.3-beta.7' }, '7'],
    ['VersionRelease is not a 3.9.3 filter', '#{V | VersionRelease}', { V: '1.2.3-beta.7' }, '#{V | VersionRelease}'],
    ['Truncate ignores options after the first (TextManipulationFunction.Truncate)', '#{V | Truncate 3 x}', { V: 'Octopus' }, 'Oct...'],
    ['Replace ignores options after the second (TextReplaceFunction.Replace)', '#{V | Replace o 0 extra}', { V: 'foo' }, 'f00'],
  ]);
});

describe('Drop Runner extensions never change a template 3.9.3 accepts', () => {
  it('#{elseif} and @ in names only add meaning to text 3.9.3 cannot parse', () => {
    expect(evaluate('#{if A}a#{elseif B}b#{else}c#{/if}', { A: '', B: 'yes' }).text).toBe('b');
    expect(evaluate('#{user@host}', { 'user@host': 'x' }).text).toBe('x');
    // The 3.9.3 forms around them behave as in 3.9.3.
    expect(evaluate('#{if A}a#{else}c#{/if}', { A: '' }).text).toBe('c');
  });
});

describe('AddHours and AddDays (FiltersFixture)', () => {
  const date = { Date: '2030-05-22 09:05:00' };
  const shifted = (filter: string) => `#{Date | ${filter} | Format "yyyy-MM-dd HH:mm:ss"}`;
  run([
    ['AddHoursShiftsTheDate 2', shifted('AddHours 2'), date, '2030-05-22 11:05:00'],
    ['AddHoursShiftsTheDate -2', shifted('AddHours -2'), date, '2030-05-22 07:05:00'],
    ['AddHoursShiftsTheDate 0', shifted('AddHours 0'), date, '2030-05-22 09:05:00'],
    ['AddHoursShiftsTheDate "1.5"', shifted('AddHours "1.5"'), date, '2030-05-22 10:35:00'],
    ['AddHoursShiftsTheDate 24', shifted('AddHours 24'), date, '2030-05-23 09:05:00'],
    ['AddDaysShiftsTheDate 1', shifted('AddDays 1'), date, '2030-05-23 09:05:00'],
    ['AddDaysShiftsTheDate -1', shifted('AddDays -1'), date, '2030-05-21 09:05:00'],
    ['AddDaysShiftsTheDate 10 (rolls over the month)', shifted('AddDays 10'), date, '2030-06-01 09:05:00'],
    ['AddDaysShiftsTheDate "0.5"', shifted('AddDays "0.5"'), date, '2030-05-22 21:05:00'],
    ['AddDaysCanBeChainedWithAddHours', '#{Date | AddDays 1 | AddHours 2 | Format "yyyy-MM-dd HH:mm:ss"}', date, '2030-05-23 11:05:00'],
    ['AddHoursAmountCanComeFromAnotherVariable', '#{Date | AddHours #{ChangeWindowHours}}', { ...date, ChangeWindowHours: '8' }, '2030-05-22T17:05:00.0000000'],
    ['AddHoursCanBeWrappedInAVariableToVaryTheAmount', '#{EndDate}', { ...date, EndDate: '#{Date | AddHours 8 | Format "yyyy-MM-dd HH:mm:ss"}' }, '2030-05-22 17:05:00'],
    ['AddHoursKeepsAnExplicitOffset', '#{Date | AddHours 2}', { Date: '2030-05-22T09:05:00+02:00' }, '2030-05-22T11:05:00.0000000+02:00'],
    ['AddHoursOnNowDateUtcStaysInUtc', '#{ | NowDateUtc | AddHours 2 | Format DateTimeOffset zz}', {}, '+00'],
    ['DateAddFiltersWithUnusableInputAreEchoed: no amount', '#{Date | AddHours}', date, '#{Date | AddHours}'],
    ['DateAddFiltersWithUnusableInputAreEchoed: too many arguments', '#{Date | AddHours 2 3}', date, '#{Date | AddHours "2" "3"}'],
    ['DateAddFiltersWithUnusableInputAreEchoed: not a number', '#{Date | AddHours abc}', date, '#{Date | AddHours "abc"}'],
    ['DateAddFiltersWithUnusableInputAreEchoed: not a date', '#{Invalid | AddHours 2}', { Invalid: 'hello World' }, '#{Invalid | AddHours "2"}'],
    ['DateAddFiltersWithUnusableInputAreEchoed: no input', '#{ | AddHours 2}', {}, '#{ | AddHours "2"}'],
  ]);
});

describe('#{each} over values that are not lists (EvaluationContext.ResolveAll)', () => {
  it('a null value has no items, an empty text one empty item, text is split on ","', () => {
    expect(evaluate('[#{each x in V}<#{x}>#{/each}]', { V: null as unknown as string }).text).toBe('[]');
    expect(evaluate('[#{each x in V}<#{x}>#{/each}]', { V: '' }).text).toBe('[<>]');
    expect(evaluate('[#{each x in V}<#{x}>#{/each}]', { V: 'a,b' }).text).toBe('[<a><b>]');
    expect(evaluate('[#{each x in V}<#{x}>#{/each}]', { V: '12' }).text).toBe('[<12>]');
  });
});
