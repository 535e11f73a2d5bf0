/**
 * ODBC has no named parameters: a client sends `?` placeholders, which the driver turns into an
 * sp_executesql call with @P1, @P2 …. Drop Runner's ODBC session keeps its statements' @names by
 * declaring them first — `DECLARE @db nvarchar(max) = ?;` then the statement — and SQL Server simply
 * assigns the variables. The double has no variables, so it binds such declarations as if the values
 * had been sent by name: responders and emulations keep reading `req.param('db')`, and the statement
 * they see is the one after the declaration.
 */
import type { RpcParam } from './rpc-parser';

const PREFIX = /^\s*DECLARE\s+(@\w+\s+\w+(?:\s*\([^)]*\))?\s*=\s*@\w+(?:\s*,\s*@\w+\s+\w+(?:\s*\([^)]*\))?\s*=\s*@\w+)*)\s*;\s*/i;
const ONE = /(@\w+)\s+\w+(?:\s*\([^)]*\))?\s*=\s*(@\w+)/gi;

/** The statement after a `DECLARE @x type = @Pn, …;` prefix and the declared names bound to their values; undefined without one. */
export function bindDeclaredParameters(text: string, params: RpcParam[]): { text: string; declared: RpcParam[] } | undefined {
  const prefix = PREFIX.exec(text);
  if (!prefix) return undefined;
  const declared: RpcParam[] = [];
  for (const [, name, source] of prefix[1]!.matchAll(ONE)) {
    const from = params.find((p) => p.name.toLowerCase() === source!.toLowerCase());
    if (!from) return undefined; // assigned from something that was not sent: not this pattern
    declared.push({ ...from, name: name!, output: false });
  }
  return { text: text.slice(prefix[0].length), declared };
}

/** The names declared in sp_executesql's @params (`@a int, @b nvarchar(10)`), in order. */
function declaredNames(declaration: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let piece = '';
  for (const ch of `${declaration},`) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      const name = /^\s*(@\w+)/.exec(piece)?.[1];
      if (name) names.push(name);
      piece = '';
    } else piece += ch;
  }
  return names;
}

/** sp_executesql's user parameters with the unnamed (positional) ones named from the @params declaration. */
export function nameFromDeclaration(params: RpcParam[], declaration: unknown): RpcParam[] {
  if (typeof declaration !== 'string' || params.every((p) => p.name !== '')) return params;
  const names = declaredNames(declaration);
  return params.map((p, i) => (p.name === '' && names[i] ? { ...p, name: names[i]! } : p));
}
