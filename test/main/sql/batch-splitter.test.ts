import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { locateBatchLine, splitSqlText, type SplitResult } from '../../../main/sql/batch-splitter';
import { splitSqlBytes, splitSqlFile } from '../../../main/sql/script-file';
import { codeOf } from '../../support/app-error-code';

const split = (text: string, variables?: Record<string, string>): SplitResult => splitSqlText(text, { file: 's.sql', ...(variables ? { variables } : {}) });
const texts = (text: string, variables?: Record<string, string>) => split(text, variables).batches.map((b) => b.text);

describe('GO recognition', () => {
  it('splits on GO alone on a line in any case, with surrounding whitespace and a trailing comment', () => {
    const r = split('SELECT 1\nGO\nSELECT 2\n  go  \nSELECT 3\n\tGo -- done\nSELECT 4\nGO\t\n');
    expect(r.batches.map((b) => b.text)).toEqual(['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 4']);
    expect(r.batches.map((b) => [b.firstLine, b.lastLine, b.repeat])).toEqual([
      [1, 1, 1],
      [3, 3, 1],
      [5, 5, 1],
      [7, 7, 1],
    ]);
  });

  it('takes a repeat count, also from a variable and with a comment after it', () => {
    const r = split('INSERT t DEFAULT VALUES\nGO 5\nSELECT 1\nGO $(n) -- twice\nSELECT 2\nGO\t3', { n: '2' });
    expect(r.batches.map((b) => b.repeat)).toEqual([5, 2, 3]);
  });

  it('rejects GO 0, negative and non-numeric counts like sqlcmd', () => {
    expect(codeOf(() => split('SELECT 1\nGO 0\n'))).toBe('SQL_INVALID_GO_COUNT');
    expect(codeOf(() => split('SELECT 1\nGO -1\n'))).toBe('SQL_INVALID_GO_COUNT');
    expect(codeOf(() => split('SELECT 1\nGO x\n'))).toBe('SQL_INVALID_GO_COUNT');
    try {
      split('SELECT 1\n\nGO 0\n');
    } catch (error) {
      expect((error as AppError).details).toMatchObject({ line: 3, file: 's.sql' });
    }
  });

  it('does not split on GO; (sqlcmd does not either) and warns about it', () => {
    const r = split('SELECT 1\nGO;\nSELECT 2\n');
    expect(r.batches).toHaveLength(1);
    expect(r.batches[0]!.text).toBe('SELECT 1\nGO;\nSELECT 2');
    expect(r.warnings).toEqual([expect.objectContaining({ line: 2, message: expect.stringContaining('GO;') })]);
  });

  it('does not split on GOTO, GO--x or GO inside a line', () => {
    expect(texts('GOTO done\nGO--x\nSELECT 1 GO\ndone: PRINT 1\n')).toEqual(['GOTO done\nGO--x\nSELECT 1 GO\ndone: PRINT 1']);
  });

  it('ignores GO inside strings, double quotes and brackets spanning lines', () => {
    const sql = "SELECT 'a\nGO\nb'\nSELECT \"x\nGO\ny\"\nSELECT [c\nGO\n]]d]\nGO\nSELECT 'it''s'\nGO\n";
    expect(texts(sql)).toEqual(["SELECT 'a\nGO\nb'\nSELECT \"x\nGO\ny\"\nSELECT [c\nGO\n]]d]", "SELECT 'it''s'"]);
  });

  it('ignores GO inside -- comments and nested block comments spanning lines', () => {
    const sql = 'SELECT 1 -- GO\n/* outer\n/* inner\nGO\n*/\nGO\n*/\nSELECT 2\nGO\nSELECT 3';
    const r = split(sql);
    expect(r.batches.map((b) => b.text)).toEqual(['SELECT 1 -- GO\n/* outer\n/* inner\nGO\n*/\nGO\n*/\nSELECT 2', 'SELECT 3']);
    expect(r.batches[1]!.firstLine).toBe(10);
  });

  it('handles a nested comment closed on one line (/* a /* b */ c */)', () => {
    expect(texts('/* a /* b */ c */ SELECT 1\nGO\nSELECT 2')).toEqual(['/* a /* b */ c */ SELECT 1', 'SELECT 2']);
  });

  it('treats a quote inside a comment and a comment opener inside a string as plain text', () => {
    expect(texts("-- don't\nSELECT '/*'\nGO\nSELECT 2")).toEqual(["-- don't\nSELECT '/*'", 'SELECT 2']);
  });

  it('drops empty and comment-only batches (consecutive GOs)', () => {
    const r = split('SELECT 1\nGO\nGO\n-- just a note\nGO\n\n\nSELECT 2\n\n');
    expect(r.batches.map((b) => [b.index, b.text, b.firstLine, b.lastLine])).toEqual([
      [1, 'SELECT 1', 1, 1],
      [2, 'SELECT 2', 8, 8],
    ]);
  });

  it('keeps a batch that starts with a comment and has code after it on the same line', () => {
    expect(texts('/* x */ SELECT 1\nGO\n-- y\n/* z */ SELECT 2\n')).toEqual(['/* x */ SELECT 1', '-- y\n/* z */ SELECT 2']);
  });

  it('keeps the last batch when the file has no trailing newline, after GO too', () => {
    expect(texts('SELECT 1\nGO\nSELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(texts('SELECT 1\nGO')).toEqual(['SELECT 1']);
  });

  it('handles CRLF, LF and lone CR line breaks and keeps them in the text', () => {
    expect(texts('SELECT 1\r\nGO\r\nSELECT 2\r\n')).toEqual(['SELECT 1', 'SELECT 2']);
    const cr = split('SELECT 1\rGO\r\rSELECT 2\rFROM t\rGO\rSELECT 3');
    expect(cr.batches.map((b) => [b.text, b.firstLine, b.lastLine])).toEqual([
      ['SELECT 1', 1, 1],
      ['SELECT 2\rFROM t', 4, 5],
      ['SELECT 3', 7, 7],
    ]);
    // A file whose first break is a lone CR counts CR, LF and CRLF alike.
    const mixed = split('SELECT 1\rGO\r\nSELECT 2\nGO\rSELECT\n3\r\nGO');
    expect(mixed.batches.map((b) => [b.text, b.firstLine])).toEqual([
      ['SELECT 1', 1],
      ['SELECT 2', 3],
      ['SELECT\n3', 5],
    ]);
    expect(split("SELECT 'a\r\nb'\r\nGO").batches[0]!.text).toBe("SELECT 'a\r\nb'");
  });

  it('in an LF or CRLF file a stray CR inside a line is text, as in go-sqlcmd', () => {
    expect(texts('SELECT 1\r\nGO\r\nSELECT 2\rGO\r\n')).toEqual(['SELECT 1', 'SELECT 2\rGO']);
  });

  it('warns when the script ends inside a string or comment', () => {
    const r = split("SELECT 1\nGO\nSELECT 'oops\nGO\n");
    expect(r.batches).toHaveLength(2);
    expect(r.warnings[0]!.message).toMatch(/inside a quoted string that starts on line 3/);
  });
});

describe('sqlcmd variables and commands', () => {
  it('substitutes $(name) in code, strings and brackets but not comments, case-insensitively', () => {
    const r = split("SELECT '$(Db)', [$(db)] FROM $(DB).dbo.t -- $(nope)\n/* $(nope) */\nGO", { db: 'Hosp' });
    expect(r.batches[0]!.text).toBe("SELECT 'Hosp', [Hosp] FROM Hosp.dbo.t -- $(nope)\n/* $(nope) */");
  });

  it(':setvar defines, overrides passed values, handles quotes and clears', () => {
    const sql = ':setvar A "x y"\n:setvar B plain\n:setvar Q "say ""hi"""\n:setvar Path "C:\\Data\\"\nSELECT \'$(a)\', \'$(b)\', \'$(q)\', \'$(path)\', \'$(given)\'\nGO\n:setvar given\nSELECT $(given)';
    expect(codeOf(() => split(sql, { given: 'g', a: 'from-step' }))).toBe('SQL_UNDEFINED_VARIABLE');
    const r = split(sql.replace('SELECT $(given)', 'SELECT 1'), { given: 'g', a: 'from-step' });
    expect(r.batches[0]!.text).toBe('\n\n\n\nSELECT \'x y\', \'plain\', \'say "hi"\', \'C:\\Data\\\', \'g\''.trimStart());
    expect(r.variables.get('given')).toBeUndefined();
  });

  it('uses the value in effect when the GO is reached, as sqlcmd does', () => {
    expect(texts(':setvar v 1\nSELECT $(v)\n:setvar v 2\nGO\nSELECT $(v)', {})).toEqual(['SELECT 2', 'SELECT 2']);
  });

  it('keeps line numbers when command lines sit inside a batch', () => {
    const r = split('SELECT 1\n:setvar x 1\n:on error ignore\nSELECT bad\nGO');
    const b = r.batches[0]!;
    expect(b.text).toBe('SELECT 1\n\n\nSELECT bad');
    expect(locateBatchLine(b, 4)).toEqual({ file: 's.sql', line: 4 });
  });

  it('an undefined $(x) is SQL_UNDEFINED_VARIABLE naming the variable and its line', () => {
    try {
      split('SELECT 1\nGO\n\nSELECT $(Missing)\nGO');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      const e = error as AppError;
      expect(e.code).toBe('SQL_UNDEFINED_VARIABLE');
      expect(e.message).toContain('$(Missing)');
      expect(e.message).toContain('line 4');
      expect(e.details).toMatchObject({ variable: 'Missing', line: 4 });
    }
  });

  it('leaves a malformed $( as text', () => {
    expect(texts("SELECT '$(' + '$(1x)' + '$ (a)'")).toEqual(["SELECT '$(' + '$(1x)' + '$ (a)'"]);
  });

  it(':on error sets the mode of the following batches; default exit', () => {
    const r = split('SELECT 1\nGO\n:on error ignore\nSELECT 2\nGO\n:ON ERROR EXIT\nSELECT 3');
    expect(r.batches.map((b) => b.onError)).toEqual(['exit', 'ignore', 'exit']);
    expect(codeOf(() => split(':on error maybe\n'))).toBe('SQL_INVALID_COMMAND');
  });

  it('refuses unsupported sqlcmd commands and malformed :setvar', () => {
    expect(codeOf(() => split('SELECT 1\n:connect other\n'))).toBe('SQL_UNSUPPORTED_COMMAND');
    expect(codeOf(() => split('!! dir\n'))).toBe('SQL_UNSUPPORTED_COMMAND');
    expect(codeOf(() => split(':out result.txt\n'))).toBe('SQL_UNSUPPORTED_COMMAND');
    expect(codeOf(() => split(':setvar 1x "a"\n'))).toBe('SQL_INVALID_COMMAND');
    expect(codeOf(() => split(':setvar x "a\n'))).toBe('SQL_INVALID_COMMAND');
  });

  it('does not treat commands inside strings or comments as commands', () => {
    expect(texts("SELECT '\n:setvar x 1\n'\n/*\n:connect y\n*/")).toEqual(["SELECT '\n:setvar x 1\n'\n/*\n:connect y\n*/"]);
  });

  it(':r is refused when no include resolver is given', () => {
    expect(codeOf(() => split(':r other.sql\n'))).toBe('SQL_INCLUDE_NOT_ALLOWED');
  });
});

describe('encodings (file level)', () => {
  const sql = "SELECT N'Zürich'\r\nGO\r\nSELECT 2\r\n";
  it('reads UTF-8 without and with BOM', () => {
    const plain = splitSqlBytes(Buffer.from(sql, 'utf8'), '/x/a.sql');
    const bom = splitSqlBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sql, 'utf8')]), '/x/a.sql');
    expect(plain.encoding).toBe('utf-8');
    expect(bom.encoding).toBe('utf-8-bom');
    expect(bom.batches.map((b) => b.text)).toEqual(["SELECT N'Zürich'", 'SELECT 2']);
    expect(plain.batches.map((b) => b.text)).toEqual(bom.batches.map((b) => b.text));
  });

  it('reads UTF-16 LE and BE with BOM', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sql, 'utf16le')]);
    const beBody = Buffer.from(sql, 'utf16le').swap16();
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), beBody]);
    expect(splitSqlBytes(le, '/x/a.sql').batches.map((b) => b.text)).toEqual(["SELECT N'Zürich'", 'SELECT 2']);
    const rb = splitSqlBytes(be, '/x/a.sql');
    expect(rb.encoding).toBe('utf-16be');
    expect(rb.batches.map((b) => b.text)).toEqual(["SELECT N'Zürich'", 'SELECT 2']);
  });

  it('falls back to Windows-1252 with a warning for invalid UTF-8', () => {
    const r = splitSqlBytes(Buffer.from([0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0xe9, 0x27]), '/x/a.sql');
    expect(r.encoding).toBe('windows-1252');
    expect(r.batches[0]!.text).toBe("SELECT 'é'");
    expect(r.warnings[0]!.message).toMatch(/Windows-1252/);
  });
});

describe(':r includes (file level)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'dr-sql-inc-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const pkg = path.join(root, 'pkg');
  mkdirSync(path.join(pkg, 'lib'), { recursive: true });
  writeFileSync(path.join(pkg, 'lib', 'part.sql'), 'SELECT 2\nGO\nSELECT 3'); // no final newline on purpose
  writeFileSync(path.join(pkg, 'lib', 'self.sql'), ':r self.sql\n');
  writeFileSync(path.join(root, 'secret.sql'), 'SELECT 666\n');
  symlinkSync(path.join(root, 'secret.sql'), path.join(pkg, 'lib', 'link.sql'));

  it('includes a file relative to the script; its GOs split and its lines map back to it', async () => {
    writeFileSync(path.join(pkg, 'main.sql'), 'SELECT 1\n:r lib\\part.sql\nSELECT bad\nGO\n:r "lib/part.sql"\n');
    const r = await splitSqlFile(path.join(pkg, 'main.sql'), { packageRoot: pkg });
    expect(r.batches.map((b) => b.text)).toEqual(['SELECT 1\nSELECT 2', 'SELECT 3\nSELECT bad', 'SELECT 2', 'SELECT 3']);
    const second = r.batches[1]!;
    expect([second.file, second.firstLine, second.lastFile, second.lastLine]).toEqual(['lib/part.sql', 3, 'main.sql', 3]);
    expect(locateBatchLine(second, 1)).toEqual({ file: 'lib/part.sql', line: 3 });
    expect(locateBatchLine(second, 2)).toEqual({ file: 'main.sql', line: 3 });
    expect(locateBatchLine(r.batches[0]!, 2)).toEqual({ file: 'lib/part.sql', line: 1 });
    expect(r.includes).toEqual(['lib/part.sql']);
  });

  it('refuses includes that leave the package: ../, absolute paths and symlinks', async () => {
    for (const spec of ['..\\secret.sql', '../secret.sql', path.join(root, 'secret.sql'), 'C:\\Windows\\x.sql', 'lib/link.sql']) {
      writeFileSync(path.join(pkg, 'bad.sql'), `SELECT 1\n:r ${spec}\n`);
      await expect(splitSqlFile(path.join(pkg, 'bad.sql'), { packageRoot: pkg })).rejects.toMatchObject({ code: 'SQL_INCLUDE_OUTSIDE_PACKAGE', details: { line: 2 } });
    }
  });

  it('reports missing includes, include cycles and unreadable scripts', async () => {
    writeFileSync(path.join(pkg, 'missing.sql'), ':r nope.sql\n');
    await expect(splitSqlFile(path.join(pkg, 'missing.sql'), { packageRoot: pkg })).rejects.toMatchObject({ code: 'SQL_INCLUDE_NOT_FOUND' });
    await expect(splitSqlFile(path.join(pkg, 'lib', 'self.sql'), { packageRoot: pkg })).rejects.toMatchObject({ code: 'SQL_INCLUDE_CYCLE' });
    await expect(splitSqlFile(path.join(pkg, 'absent.sql'), { packageRoot: pkg })).rejects.toMatchObject({ code: 'SQL_SCRIPT_UNREADABLE' });
  });

  it('substitutes variables in the :r path', async () => {
    writeFileSync(path.join(pkg, 'var.sql'), ':setvar dir lib\n:r $(dir)/part.sql\n');
    const r = await splitSqlFile(path.join(pkg, 'var.sql'), { packageRoot: pkg });
    expect(r.batches.map((b) => b.text)).toEqual(['SELECT 2', 'SELECT 3']);
  });
});
