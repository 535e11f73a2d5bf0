/**
 * missingReferences reads templates without evaluating them (opening an Octopus drop uses it to find
 * the tenant prompts): no filter runs, each referenced value is read once, hostile values cost nothing.
 */
import { describe, expect, it } from 'vitest';
import { missingReferences } from '../../../main/variables/references';
import { VariableDictionary } from '../../../main/variables/variable-dictionary';

const dict = (vars: Record<string, string>) => new VariableDictionary(vars);

describe('missingReferences', () => {
  it('finds names no variable defines, through the values referenced, in both branches of a condition', () => {
    const vars = dict({ Conn: 'Server=#{SqlServer};Password=#{SqlPassword | UriDataEscape}', SqlServer: 'db01', Flag: 'true' });
    expect(missingReferences('#{Conn}#{if Flag}#{Extra}#{else}#{Other}#{/if}', vars)).toEqual(['SqlPassword', 'Extra', 'Other']);
  });

  it('counts JSON member access on a defined value and loop variables as defined; computed indexers judge only their inner names', () => {
    const vars = dict({ Json: '{"a": 1}', 'Servers[web].Port': '80' });
    expect(missingReferences('#{Json.a}#{each s in Servers}#{s.Port}#{Octopus.Template.Each.Index}#{/each}#{Servers[#{Which}].Port}', vars)).toEqual(['Which']);
  });

  it('runs no filter and builds no text: a self-doubling chain and a slow pattern are read once each', () => {
    const vars: Record<string, string> = { L0: 'x', Slow: `#{L0 | Replace "(a+)+$" y}` };
    for (let i = 1; i <= 60; i++) vars[`L${i}`] = `#{L${i - 1}}#{L${i - 1}}`;
    expect(missingReferences('#{L60}#{Slow}#{Nope | Format N999999999}', dict(vars))).toEqual(['Nope']);
  });
});
