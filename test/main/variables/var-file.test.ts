import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { parseVarAssignments, parseVarFile, readVarFile } from '../../../main/variables/var-file';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as AppError).code;
  }
  return 'no error';
};

describe('var files', () => {
  it('parses NAME=VALUE lines, skipping blanks and comments, keeping = in values', () => {
    expect(parseVarFile('\uFEFF# comment\nA=1\r\n\nConn=Server=x;Database=y\nEmpty=\n', 'f')).toEqual([
      ['A', '1'],
      ['Conn', 'Server=x;Database=y'],
      ['Empty', ''],
    ]);
  });

  it('parses a JSON object', () => {
    expect(parseVarFile('{"A": "x", "N": 3, "B": true, "Z": null}', 'f')).toEqual([
      ['A', 'x'],
      ['N', '3'],
      ['B', 'true'],
      ['Z', ''],
    ]);
  });

  it('rejects bad lines and bad JSON with VAR_FILE_INVALID, naming the line but not its text', () => {
    try {
      parseVarFile('A=1\nsecretvalue\n', 'vars.txt');
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('VAR_FILE_INVALID');
      expect((e as AppError).message).toBe('vars.txt line 2 is not NAME=VALUE');
    }
    expect(codeOf(() => parseVarFile('{"A": ', 'f'))).toBe('VAR_FILE_INVALID');
    expect(codeOf(() => parseVarFile('{"A": {"b": 1}}', 'f'))).toBe('VAR_FILE_INVALID');
    expect(() => parseVarFile('{"Password": hunter2}', 'f')).toThrow(/^f is not valid JSON$/);
  });

  it('parses --var assignments and rejects ones without a name', () => {
    expect(parseVarAssignments(['A=1', 'B=x=y'])).toEqual([
      ['A', '1'],
      ['B', 'x=y'],
    ]);
    expect(codeOf(() => parseVarAssignments(['novalue']))).toBe('INVALID_VAR');
    expect(codeOf(() => parseVarAssignments(['=x']))).toBe('INVALID_VAR');
  });

  it('reads a file from disk and reports a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'varfile-'));
    const file = join(dir, 'v.env');
    await writeFile(file, 'X=1\n');
    expect(await readVarFile(file)).toEqual([['X', '1']]);
    await expect(readVarFile(join(dir, 'missing.env'))).rejects.toMatchObject({ code: 'VAR_FILE_UNREADABLE' });
  });
});
