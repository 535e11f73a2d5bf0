/**
 * sp_getapplock / sp_releaseapplock with @LockOwner = 'Session', answered as SQL Server documents them
 * (learn.microsoft.com, "sp_getapplock"): 0 granted at once, 1 granted after waiting, -1 timed out,
 * -999 a parameter problem; sp_releaseapplock 0 released, -999 not held. A session's locks end with
 * the session. The double understands the call shapes clients send: literal arguments in a batch, or
 * `@Resource = @p` with the value passed as a parameter (sp_executesql). The result is returned the
 * way `DECLARE @r int; EXEC @r = sp_getapplock …; SELECT @r AS result` returns it: one row, one int.
 * Only exclusive locks are modelled; a shared request is treated as exclusive.
 */
import type { ConnectionInfo, ResponderSpec, TdsRequest } from './responder-types';

/** Reads a named argument from the call text: a literal (N'…', number) or a @parameter passed with the request. */
function argument(req: TdsRequest, name: string): string | undefined {
  const text = req.text ?? '';
  const literal = new RegExp(`@${name}\\s*=\\s*N?'((?:[^']|'')*)'`, 'i').exec(text);
  if (literal) return literal[1]!.replace(/''/g, "'");
  const number = new RegExp(`@${name}\\s*=\\s*(-?\\d+)`, 'i').exec(text);
  if (number) return number[1];
  const reference = new RegExp(`@${name}\\s*=\\s*@(\\w+)`, 'i').exec(text);
  if (reference) {
    const value = req.param(reference[1]!);
    return value === null || value === undefined ? undefined : String(value);
  }
  return undefined;
}

const result = (code: number) => ({ rows: [{ result: code }], columns: [{ name: 'result', type: 'int' }] });

/** The responder the double installs by default; `connections` lists every session it has seen. */
export function appLockResponder(connections: () => readonly ConnectionInfo[]): ResponderSpec {
  const holders = new Map<string, number>();
  const heldByOther = (resource: string, me: number): boolean => {
    const holder = holders.get(resource);
    if (holder === undefined || holder === me) return false;
    if (connections().some((c) => c.id === holder && c.open)) return true;
    // The holder's session ended: its locks went with it.
    holders.delete(resource);
    return false;
  };
  return {
    name: 'app locks (sp_getapplock / sp_releaseapplock)',
    sql: /\bsp_(get|release)applock\b/i,
    respond: async (req) => {
      const resource = argument(req, 'Resource');
      if (resource === undefined || resource.length > 255) return result(-999);
      const key = resource.toLowerCase();
      const me = req.connection.id;
      if (/\bsp_releaseapplock\b/i.test(req.text ?? '')) {
        if (holders.get(key) !== me) return result(-999);
        holders.delete(key);
        return result(0);
      }
      const timeout = Number(argument(req, 'LockTimeout') ?? -1);
      const started = Date.now();
      let waited = false;
      while (heldByOther(key, me)) {
        if (timeout === 0 || (timeout > 0 && Date.now() - started >= timeout) || req.signal.aborted) return result(-1);
        waited = true;
        await new Promise((r) => setTimeout(r, 10));
      }
      holders.set(key, me);
      return result(waited ? 1 : 0);
    },
  };
}
