import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { locateBatchLine, splitSqlText, type SplitResult } from '../../../main/sql/batch-splitter';
import { codeOf } from '../../support/app-error-code';

// One table per sqlcmd command. Recognition facts follow sqlcmd's documentation and go-sqlcmd's
// command patterns (pkg/sqlcmd/commands.go, TestCommandParsing); what each command does to a
// deployment is Drop Runner's decision, documented in main/sql/batch-splitter.ts and
// docs/operations.md "Differences from sqlcmd".

interface Row {
  name: string;
  script: string;
  variables?: Record<string, string>;
  /** Included files by :r spec. */
  files?: Record<string, string>;
  batches?: string[];
  code?: string;
  /** Substrings expected in the warnings, in order (none when absent). */
  warnings?: string[];
  exitedAt?: { file: string; line: number };
}

function split(row: Row): SplitResult {
  return splitSqlText(row.script, {
    file: 's.sql',
    ...(row.variables ? { variables: row.variables } : {}),
    ...(row.files ? { resolveInclude: (spec: string) => ({ file: spec, key: spec, text: row.files![spec]! }) } : {}),
  });
}

function check(rows: Row[]): void {
  for (const row of rows) {
    it(row.name, () => {
      if (row.code) {
        expect(codeOf(() => split(row))).toBe(row.code);
        return;
      }
      const r = split(row);
      expect(r.batches.map((b) => b.text)).toEqual(row.batches);
      expect(r.warnings.map((w) => w.message)).toEqual((row.warnings ?? []).map((w) => expect.stringContaining(w)));
      if (row.exitedAt) expect(r.exitedAt).toEqual(row.exitedAt);
      else expect(r.exitedAt).toBeUndefined();
    });
  }
}

describe('[:]EXIT', () => {
  check([
    { name: 'EXIT ends the script and discards the unsent batch, with a warning', script: 'SELECT 1\nGO\nSELECT 2\nEXIT\nSELECT 3\nGO\n', batches: ['SELECT 1'], warnings: ['EXIT ends the script and discards the unsent SQL since the last GO (from s.sql line 3)'], exitedAt: { file: 's.sql', line: 4 } },
    { name: ':exit after GO ends the script silently (nothing unsent)', script: 'SELECT 1\nGO\n  :exit\nSELECT 2\n', batches: ['SELECT 1'], exitedAt: { file: 's.sql', line: 3 } },
    { name: 'EXIT() sends the batch built so far, then ends', script: 'SELECT 1\nEXIT()\nSELECT 2\n', batches: ['SELECT 1'], exitedAt: { file: 's.sql', line: 2 } },
    { name: 'EXIT ( ) with spaces is EXIT()', script: 'SELECT 1\n\tEXIT ( ) -- bye\nSELECT 2\n', batches: ['SELECT 1'], exitedAt: { file: 's.sql', line: 2 } },
    {
      name: ':EXIT(query) sends the batch and the query as one batch, and warns that no exit code is taken',
      script: 'SELECT 1\n:EXIT (SELECT COUNT(*) FROM t) -- done\nSELECT 2\n',
      batches: ['SELECT 1\nSELECT COUNT(*) FROM t'],
      warnings: ['is not used as an exit code'],
      exitedAt: { file: 's.sql', line: 2 },
    },
    { name: 'EXIT(query) right after GO is a batch of its own, with $(var) substituted', script: 'SELECT 1\nGO\nexit(SELECT $(v))\n', variables: { v: '5' }, batches: ['SELECT 1', 'SELECT 5'], warnings: ['exit code'], exitedAt: { file: 's.sql', line: 3 } },
    { name: 'EXIT inside an included file ends the whole script', script: 'SELECT 1\nGO\n:r inc.sql\nSELECT 3\nGO\n', files: { 'inc.sql': 'SELECT 2\nGO\nEXIT\nSELECT 99\n' }, batches: ['SELECT 1', 'SELECT 2'], exitedAt: { file: 'inc.sql', line: 3 } },
    { name: 'EXIT with text that is not (…) is SQL_INVALID_COMMAND', script: 'SELECT 1\nEXIT now\n', code: 'SQL_INVALID_COMMAND' },
    { name: 'EXIT( without its closing parenthesis is SQL_INVALID_COMMAND', script: 'EXIT(SELECT 1\n', code: 'SQL_INVALID_COMMAND' },
    { name: 'EXIT(query) with an undefined variable is SQL_UNDEFINED_VARIABLE', script: 'EXIT(SELECT $(nope))\n', code: 'SQL_UNDEFINED_VARIABLE' },
    { name: 'EXITS, exit_code and EXIT inside strings or comments are SQL', script: "SELECT 1 AS\nexit_code\nEXITS\nSELECT '\nEXIT\n' /*\nEXIT\n*/\n", batches: ["SELECT 1 AS\nexit_code\nEXITS\nSELECT '\nEXIT\n' /*\nEXIT\n*/"] },
  ]);

  it('the query of EXIT(query) maps back to its own line', () => {
    const r = splitSqlText('SELECT 1\n\n:setvar x 1\nEXIT(SELECT 2)\n', { file: 's.sql' });
    const batch = r.batches[0]!;
    expect(batch.text).toBe('SELECT 1\n\n\nSELECT 2');
    expect(locateBatchLine(batch, 4)).toEqual({ file: 's.sql', line: 4 });
    expect([batch.firstLine, batch.lastLine]).toEqual([1, 4]);
  });
});

describe('[:]QUIT', () => {
  check([
    { name: 'QUIT ends the script and discards the unsent batch, with a warning', script: 'SELECT 1\nGO\nSELECT 2\nquit\nSELECT 3\n', batches: ['SELECT 1'], warnings: ['QUIT ends the script and discards the unsent SQL since the last GO (from s.sql line 3)'], exitedAt: { file: 's.sql', line: 4 } },
    { name: ':QUIT with a trailing comment', script: 'SELECT 1\nGO\n:QUIT -- stop here\nSELECT 2\n', batches: ['SELECT 1'], exitedAt: { file: 's.sql', line: 3 } },
    { name: 'QUIT with extra text is SQL_INVALID_COMMAND (as go-sqlcmd)', script: 'QUIT now\n', code: 'SQL_INVALID_COMMAND' },
    { name: 'quite and QUIT( are SQL', script: 'SELECT 1 AS\nquite\n', batches: ['SELECT 1 AS\nquite'] },
  ]);
});

describe('[:]RESET', () => {
  check([
    { name: 'RESET discards the batch built so far and the script goes on', script: 'SELECT 1\nRESET\nSELECT 2\nGO\nSELECT 3\n', batches: ['SELECT 2', 'SELECT 3'], warnings: ['RESET discards the unsent SQL since the last GO (from s.sql line 1)'] },
    { name: ':reset right after GO changes nothing and says nothing', script: 'SELECT 1\nGO\n:reset\nSELECT 2\n', batches: ['SELECT 1', 'SELECT 2'] },
    { name: 'RESET drops references to undefined variables with the batch', script: 'SELECT $(nope)\nRESET\nSELECT 1\n', batches: ['SELECT 1'], warnings: ['RESET discards'] },
    { name: 'RESET with extra text is SQL_INVALID_COMMAND', script: 'SELECT 1\nRESET all\n', code: 'SQL_INVALID_COMMAND' },
    { name: 'resets and RESET_x are SQL', script: 'SELECT\nresets\n, RESET_x\n', batches: ['SELECT\nresets\n, RESET_x'] },
  ]);

  it('the batch after RESET starts at its own line', () => {
    const r = splitSqlText('SELECT 1\nRESET\n\nSELECT 2\nGO\n', { file: 's.sql' });
    expect([r.batches[0]!.firstLine, r.batches[0]!.lastLine]).toEqual([4, 4]);
  });
});

describe('!!, :!! and [:]ED (run a program)', () => {
  check([
    { name: '!! dir', script: 'SELECT 1\n!! dir\n', code: 'SQL_UNSUPPORTED_COMMAND' },
    { name: '!!dir without a space', script: '!!dir c:\\\n', code: 'SQL_UNSUPPORTED_COMMAND' },
    { name: ':!! notepad', script: 'SELECT 1\n:!! notepad\n', code: 'SQL_UNSUPPORTED_COMMAND' },
    { name: ':!!notepad indented', script: '\t:!!notepad\n', code: 'SQL_UNSUPPORTED_COMMAND' },
    { name: 'ED', script: 'SELECT 1\nED\n', code: 'SQL_UNSUPPORTED_COMMAND' },
    { name: ':ed file', script: ':ed file.sql\n', code: 'SQL_UNSUPPORTED_COMMAND' },
    { name: '!! and :!! inside strings and comments, EDIT and edition are SQL', script: "SELECT '\n!! dir\n:!! x\n' -- !! y\n/*\n:!! z\n*/\nEDIT\nedition\n", batches: ["SELECT '\n!! dir\n:!! x\n' -- !! y\n/*\n:!! z\n*/\nEDIT\nedition"] },
  ]);

  it('names the command as written in the error', () => {
    try {
      splitSqlText('SELECT 1\n:!! del x\n', { file: 's.sql' });
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).details).toMatchObject({ command: ':!!', line: 2 });
    }
  });
});

describe(':setvar', () => {
  const value = (script: string) => splitSqlText(`${script}\nSELECT '$(A)'\n`, { file: 's.sql' }).batches[0]!.text.trim();
  check([
    { name: 'an unquoted value with a space is SQL_INVALID_COMMAND (:setvar NAME a b)', script: ':setvar A a b\n', code: 'SQL_INVALID_COMMAND' },
    { name: 'text after a quoted value is SQL_INVALID_COMMAND', script: ':setvar A "a" b\n', code: 'SQL_INVALID_COMMAND' },
    { name: 'two quoted values are SQL_INVALID_COMMAND', script: ':setvar A "a" "b"\n', code: 'SQL_INVALID_COMMAND' },
    { name: 'a name starting with a digit is SQL_INVALID_COMMAND', script: ':setvar 1x a\n', code: 'SQL_INVALID_COMMAND' },
    { name: 'an unclosed quote is SQL_INVALID_COMMAND', script: ':setvar A "a\n', code: 'SQL_INVALID_COMMAND' },
  ]);
  it('takes one token, a quoted value with spaces and "" escapes, and drops a trailing -- comment', () => {
    expect(value(':setvar A plain')).toBe("SELECT 'plain'");
    expect(value(':setvar A "a b"')).toBe("SELECT 'a b'");
    expect(value(':setvar A "say ""hi"""')).toBe('SELECT \'say "hi"\'');
    expect(value(':setvar A b -- why')).toBe("SELECT 'b'");
    expect(value(':setvar A "x -- y"')).toBe("SELECT 'x -- y'");
    expect(value(':SETVAR\tA\tt')).toBe("SELECT 't'");
  });
  it(':setvar NAME clears it, so a later use is SQL_UNDEFINED_VARIABLE', () => {
    expect(codeOf(() => splitSqlText(':setvar A x\n:setvar A\nSELECT $(A)\n', { file: 's.sql' }))).toBe('SQL_UNDEFINED_VARIABLE');
  });
});

describe('$(NAME) and environment variables', () => {
  it('never reads the environment: a name only the environment defines is SQL_UNDEFINED_VARIABLE, and the hint says why', () => {
    const name = 'DROP_RUNNER_SPLITTER_TEST_ENV';
    process.env[name] = 'from-the-vm';
    try {
      const error = (() => {
        try {
          splitSqlText(`SELECT '$(${name})'\n`, { file: 's.sql' });
        } catch (e) {
          return e as AppError;
        }
        throw new Error('expected SQL_UNDEFINED_VARIABLE');
      })();
      expect(error.code).toBe('SQL_UNDEFINED_VARIABLE');
      expect(error.hint).toMatch(/never reads environment variables/);
      expect(JSON.stringify(error)).not.toContain('from-the-vm');
    } finally {
      delete process.env[name];
    }
  });
  it('names that the environment also defines (PATH) take the step\'s value', () => {
    expect(splitSqlText("SELECT '$(PATH)'\n", { file: 's.sql', variables: { Path: 'given' } }).batches[0]!.text).toBe("SELECT 'given'");
  });
});

describe('GO, :on error and the other colon commands', () => {
  check([
    { name: 'GO with a count and a comment', script: 'SELECT 1\nGO 2 -- twice\n', batches: ['SELECT 1'] },
    { name: ':on error ignore with a trailing comment', script: ':on error ignore -- keep going\nSELECT 1\n', batches: ['SELECT 1'] },
    { name: ':on error with anything else is SQL_INVALID_COMMAND', script: ':on error continue\n', code: 'SQL_INVALID_COMMAND' },
    ...['connect srv', 'out file.txt', 'error err.txt', 'listvar', 'list', 'xml on', 'help', 'serverlist', 'perftrace x', 'out(x)'].map(
      (cmd): Row => ({ name: `:${cmd} is SQL_UNSUPPORTED_COMMAND`, script: `SELECT 1\n:${cmd}\n`, code: 'SQL_UNSUPPORTED_COMMAND' }),
    ),
    { name: 'an unknown colon word is left to the server (as sqlcmd does)', script: ':connectx\n', batches: [':connectx'] },
  ]);
});
