/**
 * The few server-level statements the conformance kit sends, taught to the TDS double so one suite
 * runs on both targets: CREATE/DROP DATABASE with a sys.databases listing, THROW (a real error from
 * a script), WAITFOR DELAY (a real long-running batch that ATTENTION interrupts) and PRINT (an INFO
 * message). On SQL Server these are ordinary T-SQL; the double otherwise answers any statement it does
 * not know with a quiet success.
 */
import type { ResponseSpec, TdsRequest, TdsServer, TdsServerPlugin } from '../tds-server/index';

const CREATE_DB = /^\s*CREATE\s+DATABASE\s+\[([^\]]+)\]\s*;?\s*$/i;
const DROP_DB = /\bDROP\s+DATABASE\s+\[([^\]]+)\]/i;
const LIST_DBS = /^\s*SELECT\s+name\s+FROM\s+sys\.databases\s+WHERE\s+name\s+LIKE\s+N?'([^']*)'\s*;?\s*$/i;
const THROW = /^[ \t]*THROW\s+(\d+)\s*,\s*N?'((?:[^']|'')*)'\s*,\s*(\d+)\s*;?/im;
const PRINT = /^\s*PRINT\s+N?'((?:[^']|'')*)'\s*;?\s*$/i;
const WAITFOR = /^\s*WAITFOR\s+DELAY\s+'(\d\d):(\d\d):(\d\d)'\s*;?\s*$/i;

/** A LIKE pattern with `%`, `_` and `[x]` escapes as a regular expression (case-insensitive like the collation). */
function likeToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      out += `[${pattern.slice(i + 1, end).replace(/[\\^]/g, '\\$&')}]`;
      i = end;
    } else out += c.replace(/[.*+?^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'i');
}

/**
 * The double keeps one table namespace for the whole server; a dropped database takes the tables
 * created since it was created with it, which is exact when the kit runs its tests one at a time.
 */
export function kitStatements(): TdsServerPlugin {
  const databases = new Map<string, Set<string>>();
  return {
    name: 'conformance-kit-statements',
    install(server: TdsServer) {
      server.addResponder({
        name: 'kit-databases',
        respond: (req: TdsRequest): ResponseSpec | undefined => {
          const text = req.text ?? '';
          const create = CREATE_DB.exec(text);
          if (create) {
            const name = create[1]!;
            if ([...databases.keys()].some((d) => d.toLowerCase() === name.toLowerCase()) || /^(master|model|msdb|tempdb|ssisdb)$/i.test(name)) {
              return { error: { number: 1801, message: `Database '${name}' already exists. Choose a different database name.`, class: 16 } };
            }
            databases.set(name, new Set(server.tables.list()));
            return {};
          }
          const drop = DROP_DB.exec(text);
          if (drop) {
            const name = [...databases.keys()].find((d) => d.toLowerCase() === drop[1]!.toLowerCase());
            if (!name) return { error: { number: 3701, message: `Cannot drop the database '${drop[1]}', because it does not exist or you do not have permission.`, class: 11 } };
            const before = databases.get(name)!;
            for (const table of server.tables.list()) if (!before.has(table)) server.tables.drop(table);
            databases.delete(name);
            return {};
          }
          const list = LIST_DBS.exec(text);
          if (list) {
            const like = likeToRegExp(list[1]!);
            return { columns: [{ name: 'name', type: 'nvarchar(128)' }], rows: [...databases.keys()].filter((d) => like.test(d)).map((name) => ({ name })) };
          }
          const thrown = THROW.exec(text);
          if (thrown) {
            const lineNumber = text.slice(0, thrown.index).split('\n').length;
            return { error: { number: Number(thrown[1]), message: thrown[2]!.replace(/''/g, "'"), state: Number(thrown[3]), class: 16, lineNumber } };
          }
          const printed = PRINT.exec(text);
          if (printed) return { info: [{ message: printed[1]!.replace(/''/g, "'"), lineNumber: 1 }] };
          const wait = WAITFOR.exec(text);
          if (wait) return { delayMs: (Number(wait[1]) * 3600 + Number(wait[2]) * 60 + Number(wait[3])) * 1000 };
          return undefined;
        },
      });
    },
  };
}
