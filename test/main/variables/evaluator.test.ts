import { describe, expect, it } from 'vitest';
import { evaluate, evaluateVariable, resolveAll } from '../../../main/variables/evaluator';
import { VariableDictionary } from '../../../main/variables/variable-dictionary';

type Case = [name: string, template: string, vars: Record<string, string | null>, expected: string, unresolved?: string[]];

const fixedNow = () => new Date(Date.UTC(2030, 4, 22, 9, 5, 7, 123));

// One row per construct; the expected text follows Octostache's behaviour (its test fixtures were the guide).
const cases: Case[] = [
  ['plain text', 'hello', {}, 'hello'],
  ['substitution', 'Hello, #{Location}!', { Location: 'World' }, 'Hello, World!'],
  ['case-insensitive name', '#{FOO}', { foo: 'Bar' }, 'Bar'],
  ['whitespace inside token', '#{  Foo  }', { Foo: 'Bar' }, 'Bar'],
  ['name with spaces', '#{Foo Bar Jazz}', { 'Foo Bar Jazz': 'x' }, 'x'],
  ['awkward name characters', '#{a/b}#{a~b}#{(abc)}#{env:Path}', { 'a/b': '1', 'a~b': '2', '(abc)': '3', 'env:Path': '4' }, '1234'],
  ['nested value', '#{Url}/foo', { Url: 'http://#{Server | ToLower}:#{Port}', Server: 'WEB01', Port: '10933' }, 'http://web01:10933/foo'],
  ['deeply nested value', '#{A}', { A: '#{B}', B: '#{C}', C: 'c' }, 'c'],
  ['null value is empty', '[#{Foo}]', { Foo: null }, '[]'],
  ['named indexer', '#{Octopus.Action[Package A].Name}', { 'Octopus.Action[Package A].Name': 'Package A' }, 'Package A'],
  ['indexer is case-insensitive', '#{servers[web01].port}', { 'Servers[Web01].Port': '8080' }, '8080'],
  ['output variable indexer', '#{Octopus.Action[Deploy DB].Output.Rows}', { 'Octopus.Action[Deploy DB].Output.Rows': '12' }, '12'],
  ['indexer containing a substitution', '#{Password[#{User}]}', { User: 'sa', 'Password[sa]': 'pw' }, 'pw'],
  ['nested brackets in indexer', '#{P[container[1]].Name}', { 'P[container[1]].Name': 'B' }, 'B'],
  ['wildcard indexer', '#{Octopus.Action[*].Name}', { 'Octopus.Action[A].Name': 'only' }, 'only'],
  ['JSON navigation', '#{Config.Servers[1].Name}', { Config: '{"Servers":[{"Name":"a"},{"Name":"b"}]}' }, 'b'],
  ['JSON null property', 'Alpha#{Foo.Bar | ToUpper}bet', { Foo: '{"Bar": null}' }, 'Alphabet'],
  ['escape ##{', '##{Foo}', { Foo: 'Bar' }, '#{Foo}'],
  ['triple hash', '###{Foo}', { Foo: 'Abc' }, '#Abc'],
  ['standalone hashes', '# ## ### ###### hello', {}, '# ## ### ###### hello'],
  ['missing variable echoed', 'x#{Foo}y', {}, 'x#{Foo}y', ['#{Foo}']],
  ['missing with filter echoed', '#{foo | ToUpper}', {}, '#{foo | ToUpper}', ['#{foo | ToUpper}']],
  ['missing inside nested value', '#{Foo}#{Jazz}', { Foo: '#{Bar}', Bar: 'Baz' }, 'Baz#{Jazz}', ['#{Jazz}']],
  ['unknown filter echoed', '#{Foo | ToBazooka}', { Foo: 'Abc' }, '#{Foo | ToBazooka}', ['#{Foo | ToBazooka}']],
  ['empty token echoed', '#{} #{ }', {}, '#{} #{ }'],
  ['unclosed token kept', 'var a = "#{";b=#{X}', { X: '1' }, 'var a = "#{";b=1'],
  ['javascript-like text kept', 'return"#{"===e.substr(0,2)?void 0:e},i="#{Web.Root}"', { 'Web.Root': 'R' }, 'return"#{"===e.substr(0,2)?void 0:e},i="R"'],
  // Conditionals
  ['if true', '#{if Truthy}#{Result}#{/if}', { Truthy: 'true', Result: 'r' }, 'r'],
  ['if false', '#{if Truthy}yes#{/if}', { Truthy: 'False' }, ''],
  ['if missing is false', '#{if Nope}yes#{/if}', {}, ''],
  ['if "0"/"no" are false', '#{if A}a#{/if}#{if B}b#{/if}#{if C}c#{/if}', { A: '0', B: ' No ', C: 'x' }, 'c'],
  ['if else', '#{if T}yes#{else}no#{/if}', { T: 'false' }, 'no'],
  ['elseif', '#{if A}a#{elseif B}b#{else}c#{/if}', { A: 'false', B: 'true' }, 'b'],
  ['elseif falls to else', '#{if A}a#{elseif B}b#{else}c#{/if}', {}, 'c'],
  ['unless', '#{unless T}yes#{/unless}', { T: 'false' }, 'yes'],
  ['unless else', '#{unless T}yes#{else}no#{/unless}', { T: 'true' }, 'no'],
  ['if == string', '#{if Env == "Production"}prod#{/if}', { Env: 'Production' }, 'prod'],
  ['if == is case-sensitive', '#{if Env == "production"}prod#{else}other#{/if}', { Env: 'Production' }, 'other'],
  ['if != string with missing', '#{if Octopus != "software"}r#{/if}', {}, 'r'],
  ['if == variable', '#{if A == B}same#{/if}', { A: 'x', B: 'x' }, 'same'],
  ['if with filter', '#{if Env | ToLower == "prod"}p#{/if}', { Env: 'PROD' }, 'p'],
  ['nested if', '#{if T}#{if F=="foo"}#{R}#{/if}#{/if}', { T: 'true', F: 'foo', R: 'r' }, 'r'],
  ['whitespace in tags', '#{ if  T }x#{ /if }', { T: 'true' }, 'x'],
  ['unclosed if kept literally', '#{if T}x', { T: 'true' }, '#{if T}x'],
  // Repetition
  ['each over indexed children', '#{each a in Octopus.Action}#{a}-#{a.Name};#{/each}', { 'Octopus.Action[Package A].Name': 'A', 'Octopus.Action[Package B].Name': 'B' }, 'Package A-A;Package B-B;'],
  ['each over comma list with Index/First/Last', '#{each n in Numbers}#{n}:#{Octopus.Template.Each.Index}:#{Octopus.Template.Each.First}:#{Octopus.Template.Each.Last} #{/each}', { Numbers: 'A,B,C' }, 'A:0:True:False B:1:False:False C:2:False:True '],
  ['each over JSON array', '#{each s in Servers}#{s.Name}#{if Octopus.Template.Each.Last != "True"},#{/if}#{/each}', { Servers: '[{"Name":"a"},{"Name":"b"}]' }, 'a,b'],
  ['each over JSON object', '#{each x in Json}[#{x.Key}=#{x.Value}]#{/each}', { Json: '{"a":"AAA","b":"BBB"}' }, '[a=AAA][b=BBB]'],
  // 3.9.3 (IterationFixture): an indexed child has no Key member; `5` read as JSON answers any member with itself.
  ['each: a member of a direct value is read from it as JSON', '#{each x in Simple}[#{x.Key}=#{x}]#{/each}', { 'Simple[a]': '5', 'Simple[b]': '7' }, '[5=5][7=7]'],
  ['each: a member of a plain-text value is unresolved', '#{each x in Simple}[#{x.Key}]#{/each}', { 'Simple[a]': 'five' }, '[#{x.Key}]', ['#{x.Key}']],
  ['nested each', '#{each a in Act}#{each r in a.Roles}#{a.Name}#{r}#{/each}#{/each}', { 'Act[1].Name': 'A', 'Act[1].Roles': 'a,b', 'Act[2].Name': 'B', 'Act[2].Roles': 'c' }, 'AaAbBc'],
  ['each over missing collection', 'Ok#{each x in missing}#{x}#{/each}', {}, 'Ok'],
  ['each with scoped indexer', '#{each a in A}#{S[#{a.Step}].D}#{/each}', { 'A[1].Step': 's1', 'A[2].Step': 's2', 'S[s1].D': 'one', 'S[s2].D': 'two' }, 'onetwo'],
  ['missing property inside each echoed', '#{each a in Action}#{a.Size}#{/each}', { 'Action[x].Name': 'Baz', 'Action[y].Name': 'Baz' }, '#{a.Size}#{a.Size}', ['#{a.Size}']],
  // Calc
  ['calc', '#{calc A * 2 + {B-C}}', { A: '3', 'B-C': '1' }, '7'],
  ['calc parentheses and decimals', '#{calc (1 + 2) / 4}', {}, '0.75'],
  // Filters
  ['ToLower', '#{F | ToLower}', { F: 'AbC' }, 'abc'],
  ['ToUpper (case-insensitive filter name)', '#{F|toupper}', { F: 'AbC' }, 'ABC'],
  ['filters in order', '#{F|ToUpper|ToLower}', { F: 'Abc' }, 'abc'],
  ['ToBase64', '#{F | ToBase64}', { F: 'Foo Bar' }, 'Rm9vIEJhcg=='],
  ['ToBase64 unicode', '#{F | ToBase64 Unicode}', { F: 'A' }, 'QQA='],
  ['FromBase64', '#{F | FromBase64}', { F: 'Rm9vIEJhcg==' }, 'Foo Bar'],
  ['FromBase64 invalid echoed', '#{F | FromBase64}', { F: 'not base64!' }, '#{F | FromBase64}', ['#{F | FromBase64}']],
  ['HtmlEscape (also "/")', '#{F | HtmlEscape}', { F: `A&'b<c>"/` }, 'A&amp;&apos;b&lt;c&gt;&quot;&#x2F;'],
  ['YamlSingleQuoteEscape: quotes doubled, one more break per run of breaks', '#{F | YamlSingleQuoteEscape}', { F: "it's\nfine\r\n\r\nok" }, "it''s\n\nfine\r\n\r\n\r\nok"],
  ['YamlDoubleQuoteEscape: named escapes, the rest outside printable ASCII as \\uXXXX', '#{F | YamlDoubleQuoteEscape}', { F: 'a"b\\c\td\u00e9\b' }, 'a\\"b\\\\c\\td\\u00e9\\u0008'],
  ['PropertiesKeyEscape', '#{F | PropertiesKeyEscape}', { F: 'a b:c=d\\\u00e9\u20ac' }, 'a\\ b\\:c\\=d\\\\\u00e9\\u20ac'],
  ['PropertiesValueEscape: only a leading space', '#{F | PropertiesValueEscape}', { F: ' lead = mid\n' }, '\\ lead = mid\\n'],
  ['XmlEscape', '#{F | XmlEscape}', { F: "A&'bc" }, 'A&amp;&apos;bc'],
  ['JsonEscape', '#{F | JsonEscape}', { F: 'a"b\\c\nd\te' }, 'a\\"b\\\\c\\nd\\te'],
  ['UriEscape', '#{F | UriEscape}', { F: 'A b:c+d/e' }, 'A%20b:c+d/e'],
  ['UriDataEscape', '#{F | UriDataEscape}', { F: 'A b:c+d/e' }, 'A%20b%3Ac%2Bd%2Fe'],
  ['Trim', '[#{F | Trim}]', { F: ' x y ' }, '[x y]'],
  ['Trim start/end', '[#{F | Trim start}][#{F | Trim End}]', { F: ' x ' }, '[x ][ x]'],
  ['Truncate', '#{F | Truncate 7}', { F: 'Octopus Deploy' }, 'Octopus...'],
  ['Truncate longer than value', '#{F | Truncate 50}', { F: 'Octopus Deploy' }, 'Octopus Deploy'],
  ['Truncate bad argument echoed', '#{F | Truncate a}', { F: 'x' }, '#{F | Truncate "a"}', ['#{F | Truncate "a"}']],
  ['Substring length', '#{F | Substring 7}', { F: 'Octopus Deploy' }, 'Octopus'],
  ['Substring start length', '#{F | Substring 8 6}', { F: 'Octopus Deploy' }, 'Deploy'],
  // 3.9.3 FiltersFixture.SubstringTruncatesLengthWhenExceedingStringBoundary / SubstringHandlesStartIndexExceedsLengthWithTwoOptions
  ['Substring length past the end is cut', '#{F | Substring 8 7}', { F: 'Octopus Deploy' }, 'Deploy'],
  ['Substring start past the end echoed', '#{F | Substring 20 5}', { F: 'Octopus Deploy' }, '#{F | Substring "20" "5"}', ['#{F | Substring "20" "5"}']],
  ['Replace', '#{F | Replace abc def}', { F: 'abc' }, 'def'],
  ['Replace with empty', '#{F | Replace a}', { F: 'abc' }, 'bc'],
  ['Replace regex groups', '#{F | Replace "o(.+)o([a-z]*)s" "o$2o$1s"}', { F: 'opuocts' }, 'octopus'],
  ['Replace quoted with spaces', '#{F | Replace "ab c" "d ef"}', { F: 'ab c' }, 'd ef'],
  ['Replace with nested arguments', '#{F | Replace #{R}#{S}}', { F: 'abc', R: 'b', S: 'x' }, 'axc'],
  ['Append', '#{F | Append " " #{F} " " v}', { F: 'bar' }, 'bar bar v'],
  ['Prepend', '#{F | Prepend a b}', { F: 'bar' }, 'abbar'],
  ['Append on empty chain', '#{ | Append foo}', {}, 'foo'],
  ['Md5', '#{F | Md5}', { F: 'The quick brown fox jumps over the lazy dog' }, '9e107d9d372bb6826bd81d3542a419d6'],
  ['Md5 with size and encoding', '#{F | Md5 3 unicode}|#{F | Md5 utf8 2}', { F: '' }, 'd41d8c|d41d'],
  ['Sha1', '#{F | Sha1}', { F: 'The quick brown fox jumps over the lazy dog' }, '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'],
  ['Sha1 from base64', '#{F | Sha1 base64}', { F: 'VGhlIHF1aWNrIGJyb3duIGZveCBqdW1wcyBvdmVyIHRoZSBsYXp5IGRvZw==' }, '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'],
  ['Sha256', '#{F | Sha256}', { F: '' }, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['hash with invalid options echoed (options quoted, as 3.9.3 prints them)', '#{F | Sha256 0}', { F: 'bar' }, '#{F | Sha256 "0"}', ['#{F | Sha256 "0"}']],
  ['NowDateUtc default round-trip format', '#{ | NowDateUtc}', {}, '2030-05-22T09:05:07.1230000Z'],
  ['NowDateUtc custom format', '#{ | NowDateUtc "yyyy-MM-dd HH:mm"}', {}, '2030-05-22 09:05'],
  ['NowDateUtc chained', '#{ | NowDateUtc yyyyMMdd | Prepend v}', {}, 'v20300522'],
  ['NowDate with a value is invalid', '#{F | NowDate}', { F: 'x' }, '#{F | NowDate}', ['#{F | NowDate}']],
];

describe('evaluate: Octostache constructs', () => {
  it.each(cases)('%s', (_name, template, vars, expected, unresolved) => {
    const r = evaluate(template, vars, { now: fixedNow });
    expect(r.text).toBe(expected);
    expect(r.unresolved).toEqual(unresolved ?? []);
  });

  it('NowDate uses local time with .NET format strings', () => {
    const now = fixedNow();
    const r = evaluate('#{ | NowDate yyyy}/#{ | NowDate "dd MMM"}', {}, { now: () => now });
    expect(r.text).toBe(`${now.getFullYear()}/${String(now.getDate()).padStart(2, '0')} May`);
  });

  it('reports missing variable names separately from the echoed tokens', () => {
    const r = evaluate('#{Foo}#{Bar | ToUpper}', { Foo: '#{Inner}' });
    expect(r.text).toBe('#{Inner}#{Bar | ToUpper}');
    expect(r.missing).toEqual(['Inner', 'Bar']);
    expect(r.unresolved).toEqual(['#{Inner}', '#{Bar | ToUpper}']);
  });

  it('reports unknown filters and bad arguments with codes', () => {
    const r = evaluate('#{F | ToBazooka} #{F | Truncate x}', { F: 'v' });
    expect(r.errors.map((e) => e.code)).toEqual(['TEMPLATE_UNKNOWN_FILTER', 'TEMPLATE_FILTER_ARGUMENTS']);
  });

  it('reports syntax problems but keeps the text', () => {
    const r = evaluate('a #{if X}b', { X: 'true' });
    expect(r.text).toBe('a #{if X}b');
    expect(r.errors[0]?.code).toBe('TEMPLATE_SYNTAX');
  });

  it('detects a self-reference loop and names the cycle', () => {
    const r = evaluate('#{Foo}', { Foo: '#{Fox}', Fox: '#{Fax}', Fax: '#{Foo}' });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.code).toBe('VARIABLE_CYCLE');
    expect(r.errors[0]!.message).toContain('Foo → Fox → Fax → Foo');
    expect(r.errors[0]!.details).toEqual({ cycle: ['Foo', 'Fox', 'Fax', 'Foo'] });
    expect(r.unresolved).toContain('#{Foo}');
  });

  it('detects a direct self reference', () => {
    const r = evaluate('x#{Foo}', { Foo: 'a#{Foo}' });
    expect(r.errors[0]!.code).toBe('VARIABLE_CYCLE');
    expect(r.text).toBe('xa#{Foo}');
  });

  it('a syntax problem inside a sensitive value never quotes the value', () => {
    const vars = new VariableDictionary();
    vars.set('Pw', 'se#{cret', { sensitive: true });
    const r = evaluate('#{Pw}', vars);
    expect(r.text).toBe('se#{cret');
    expect(JSON.stringify(r.errors)).not.toContain('se#{cret');
    expect(r.errors[0]!.code).toBe('TEMPLATE_SYNTAX');
  });
});

describe('evaluateVariable and resolveAll', () => {
  it('resolves every variable with its unresolved tokens', () => {
    const vars = new VariableDictionary({ Server: 'db01', Conn: 'Server=#{Server};Database=#{Db}' });
    vars.set('Pw', 'x', { sensitive: true });
    const all = resolveAll(vars);
    expect([...all.keys()]).toEqual(['Server', 'Conn', 'Pw']);
    expect(all.get('Conn')).toMatchObject({ value: 'Server=db01;Database=#{Db}', unresolved: ['#{Db}'], missing: ['Db'] });
    expect(all.get('Pw')!.sensitive).toBe(true);
  });

  it('returns undefined for an undefined variable, and is case-insensitive', () => {
    expect(evaluateVariable('nope', {})).toBeUndefined();
    expect(evaluateVariable('SERVER', { Server: 'a' })!.value).toBe('a');
  });

  it('sees dictionary changes made after a first evaluation', () => {
    const vars = new VariableDictionary({ A: '1' });
    expect(evaluate('#{A}#{B}', vars).text).toBe('1#{B}');
    vars.set('b', '2');
    expect(evaluate('#{A}#{B}', vars).text).toBe('12');
  });
});
