/**
 * ODBC has no named parameters and no named-procedure RPC: a client sends `?` placeholders, which the
 * ODBC driver turns into an sp_executesql call with positional @P1, @P2 …, and the text around them
 * assigns variables and calls procedures. SQL Server runs that text; the double has no variables and no
 * interpreter, so it recognises the shapes the product's ODBC paths send and answers them as if the
 * values had been sent by name:
 *  - Drop Runner's ODBC session: `DECLARE @db nvarchar(max) = @P1, …;` then the statement;
 *  - mssql's msnodesqlv8 driver, for a query: `declare @f nvarchar (128);set @f=@P1;` then the statement;
 *  - mssql's msnodesqlv8 driver, for a procedure: `declare @___return___ int, @out bigint;set @out=@P2;
 *    exec @___return___ = SSISDB.catalog.create_folder @folder_name=@P1, @out=@out output;
 *    select @___return___ as '___return___', @out as 'out';` — answered like the RPC it stands for, with
 *    the return value and OUTPUT values in the final result set, as SQL Server would produce them.
 */
import type { RpcParam } from './rpc-parser';
import { parseSqlType, type TypeInfo } from './type-info';
import type { SqlValue } from './value-codec';

/** A variable of the script's prelude: its declared type and the value assigned to it. */
interface Variable {
  name: string;
  type: TypeInfo;
  value: SqlValue;
  /** The parameter it was assigned from, whose wire type is what a procedure would have received. */
  from?: RpcParam;
}

export type UnwrappedScript =
  /** A statement whose @variables are bound to the values assigned to them. */
  | { kind: 'statement'; text: string; declared: RpcParam[] }
  /** A procedure call: its arguments as RPC parameters, and how the final SELECT reports the outputs. */
  | { kind: 'exec'; procedure: string; args: RpcParam[]; outputs: Array<{ alias: string; parameter: string; type: TypeInfo }> };

/** Splits on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let piece = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(piece);
      piece = '';
    } else piece += ch;
  }
  if (piece.trim()) parts.push(piece);
  return parts;
}

function paramNamed(params: RpcParam[], name: string): RpcParam | undefined {
  return params.find((p) => p.name.toLowerCase() === name.toLowerCase());
}

/**
 * Recognises a declare/set prelude (and a procedure call after it); undefined for any other text, which
 * is then answered as before. Only @P-style parameters and declared variables are accepted as sources.
 */
export function unwrapScript(text: string, params: RpcParam[]): UnwrappedScript | undefined {
  const declare = /^\s*declare\s+([^;']*);/i.exec(text);
  if (!declare) return undefined;
  const variables = new Map<string, Variable>();
  for (const item of splitTopLevel(declare[1]!)) {
    const m = /^\s*(@\w+)\s+([a-z_][\w]*\s*(?:\(\s*(?:max|\d+)\s*(?:,\s*\d+\s*)?\))?)\s*(?:=\s*(@\w+))?\s*$/i.exec(item);
    if (!m) return undefined;
    let type: TypeInfo;
    try {
      type = parseSqlType(m[2]!);
    } catch {
      return undefined;
    }
    const source = m[3] ? paramNamed(params, m[3]) : undefined;
    if (m[3] && !source) return undefined;
    variables.set(m[1]!.toLowerCase(), { name: m[1]!, type, value: source ? source.value : null, ...(source ? { from: source } : {}) });
  }
  let rest = text.slice(declare[0].length);
  for (;;) {
    const empty = /^\s*;/.exec(rest);
    if (empty) {
      rest = rest.slice(empty[0].length);
      continue;
    }
    const set = /^\s*set\s+(@\w+)\s*=\s*(@\w+)\s*;/i.exec(rest);
    if (!set) break;
    const variable = variables.get(set[1]!.toLowerCase());
    const source = paramNamed(params, set[2]!);
    if (!variable || !source) return undefined;
    variable.value = source.value;
    variable.from = source;
    rest = rest.slice(set[0].length);
  }
  const exec = /^\s*exec\s+@___return___\s*=\s*([\w.[\]]+)\s*(.*?);\s*select\s+(.*?);?\s*$/is.exec(rest);
  if (exec) return unwrapExec(exec, variables, params);
  const declared: RpcParam[] = [...variables.values()].map((v) => ({ name: v.name, output: false, useDefault: false, type: v.from?.type ?? v.type, value: v.value }));
  return { kind: 'statement', text: rest.replace(/^\s+/, ''), declared };
}

function unwrapExec(exec: RegExpExecArray, variables: Map<string, Variable>, params: RpcParam[]): UnwrappedScript | undefined {
  const args: RpcParam[] = [];
  const parameterOf = new Map<string, string>();
  for (const item of splitTopLevel(exec[2]!)) {
    const m = /^\s*(@\w+)\s*=\s*(@\w+)\s*(output|out)?\s*$/i.exec(item);
    if (!m) return undefined;
    const variable = variables.get(m[2]!.toLowerCase());
    const source = variable ? undefined : paramNamed(params, m[2]!);
    if (!variable && !source) return undefined;
    const output = m[3] !== undefined;
    if (output) parameterOf.set(m[2]!.toLowerCase(), m[1]!);
    args.push({ name: m[1]!, output, useDefault: false, type: variable ? (output ? variable.type : (variable.from?.type ?? variable.type)) : source!.type, value: variable ? variable.value : source!.value });
  }
  const outputs: Array<{ alias: string; parameter: string; type: TypeInfo }> = [];
  for (const item of splitTopLevel(exec[3]!)) {
    const m = /^\s*(@\w+)\s+as\s+'([^']+)'\s*$/i.exec(item);
    if (!m) return undefined;
    if (m[1]!.toLowerCase() === '@___return___') continue;
    const variable = variables.get(m[1]!.toLowerCase());
    if (!variable) return undefined;
    outputs.push({ alias: m[2]!, parameter: parameterOf.get(m[1]!.toLowerCase()) ?? m[1]!, type: variable.type });
  }
  return { kind: 'exec', procedure: exec[1]!, args, outputs };
}

/** The names declared in sp_executesql's @params (`@a int, @b nvarchar(10)`), in order. */
function declaredNames(declaration: string): string[] {
  return splitTopLevel(declaration).flatMap((piece) => {
    const name = /^\s*(@\w+)/.exec(piece)?.[1];
    return name ? [name] : [];
  });
}

/** sp_executesql's user parameters with the unnamed (positional) ones named from the @params declaration. */
export function nameFromDeclaration(params: RpcParam[], declaration: unknown): RpcParam[] {
  if (typeof declaration !== 'string' || params.every((p) => p.name !== '')) return params;
  const names = declaredNames(declaration);
  return params.map((p, i) => (p.name === '' && names[i] ? { ...p, name: names[i]! } : p));
}
