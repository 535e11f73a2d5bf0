import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitSqlSource, type SqlBatch, type TextSource } from '../../../main/sql/batch-splitter';
import { scanSqlFile, splitSqlBytes, splitSqlFile, streamSqlFile } from '../../../main/sql/script-file';
import { codeOf, rejectionOf } from '../../support/app-error-code';

const work = mkdtempSync(path.join(tmpdir(), 'dr-sql-stream-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let n = 0;
function writeScript(bytes: Buffer | string, name = `s${++n}.sql`): string {
  const file = path.join(work, name);
  writeFileSync(file, bytes);
  return file;
}

// Everything a batch carries, so streamed and whole-text splits are compared field by field.
const shape = (b: SqlBatch) => ({ text: b.text, first: [b.file, b.firstLine], last: [b.lastFile, b.lastLine], repeat: b.repeat, onError: b.onError, lineMap: b.lineMap });

const SCRIPT = [
  "/* header /* nested */ still comment\nGO\n*/\nSELECT N'Zürich 😀', [a]]b] FROM t -- GO\n",
  ':setvar Db "Hosp ital"\n',
  "SELECT '$(Db)', \"x\ny\" \nGO 3\n",
  ':on error ignore\n',
  "INSERT t VALUES ('multi\nline ✓\nstring')\n\n\nGO\n",
  'SELECT 1\nRESET\nSELECT 2 -- kept\nGO\n',
  'PRINT 1\n',
].join('');

describe('the streaming splitter gives the whole-text result at any chunk size', () => {
  const variants: Array<[string, Buffer]> = [
    ['UTF-8, LF', Buffer.from(SCRIPT, 'utf8')],
    ['UTF-8 with BOM, CRLF', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SCRIPT.replace(/\n/g, '\r\n'), 'utf8')])],
    ['UTF-8, lone CR', Buffer.from(SCRIPT.replace(/\n/g, '\r'), 'utf8')],
    ['UTF-16 LE with BOM, CRLF', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SCRIPT.replace(/\n/g, '\r\n'), 'utf16le')])],
    ['UTF-16 BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(SCRIPT, 'utf16le').swap16()])],
    ['Windows-1252 (invalid UTF-8 from the start)', Buffer.from([...SCRIPT].map((ch) => (ch.charCodeAt(0) > 127 ? 'é' : ch)).join(''), 'latin1')],
  ];
  for (const [name, bytes] of variants) {
    it(name, async () => {
      const file = writeScript(bytes);
      const whole = splitSqlBytes(bytes, file);
      expect(whole.batches.length).toBeGreaterThanOrEqual(4);
      // Chunk sizes that cut CRLFs, UTF-8 sequences and UTF-16 surrogate pairs at every position.
      for (const chunkBytes of [4, 5, 6, 7, 11, 64, 1 << 16]) {
        const streamed = [...streamSqlFile(file, { chunkBytes })];
        expect(streamed.map(shape), `chunk ${chunkBytes}`).toEqual(whole.batches.map(shape));
      }
      const collected = await splitSqlFile(file);
      expect(collected.encoding).toBe(whole.encoding);
      expect(collected.warnings).toEqual(whole.warnings);
      expect(collected.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    });
  }
});

describe('decoding late surprises', () => {
  it('an invalid byte after only ASCII switches to Windows-1252 in place, with the warning', async () => {
    const bytes = Buffer.concat([Buffer.from('SELECT 1\nGO\n'.repeat(50)), Buffer.from([0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0xe9, 0x27, 0x0a])]);
    const file = writeScript(bytes);
    const streamed = [...streamSqlFile(file, { chunkBytes: 16 })];
    expect(streamed.at(-1)!.text).toBe("SELECT 'é'");
    const r = await splitSqlFile(file);
    expect(r.encoding).toBe('windows-1252');
    expect(r.warnings[0]!.message).toMatch(/Windows-1252/);
  });

  it('an invalid byte after UTF-8 text reads the whole file again as Windows-1252, as the whole-text reading does', async () => {
    const bytes = Buffer.concat([Buffer.from("SELECT N'Zürich'\nGO\n"), Buffer.from('SELECT 2\nGO\n'.repeat(20)), Buffer.from([0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0xe9, 0x27])]);
    const file = writeScript(bytes);
    const whole = splitSqlBytes(bytes, file);
    expect(whole.batches[0]!.text).toBe("SELECT N'ZÃ¼rich'");
    const r = await splitSqlFile(file);
    expect(r.encoding).toBe('windows-1252');
    expect(r.batches.map(shape)).toEqual(whole.batches.map(shape));
    const scan = scanSqlFile(file);
    expect([scan.encoding, scan.batchCount]).toEqual(['windows-1252', whole.batches.length]);
    // The second read is told the encoding, so it never has to restart after sending.
    expect([...streamSqlFile(file, { expect: scan })].map((b) => b.text)).toEqual(whole.batches.map((b) => b.text));
  });
});

describe('streaming holds one batch, not the script', () => {
  it('yields the first batch after reading only what it needs', () => {
    let reads = 0;
    const source: TextSource = { read: () => (++reads > 10_000 ? null : `SELECT ${reads}\nGO\n`) };
    const batches = splitSqlSource(source, { file: 'endless.sql' });
    const first = batches.next();
    expect(first.done).toBe(false);
    expect((first.value as SqlBatch).text).toBe('SELECT 1');
    expect(reads).toBeLessThanOrEqual(2);
    batches.return(undefined as never);
  });

  it('a line longer than many chunks is carried whole', () => {
    const long = `SELECT '${'x'.repeat(5000)}'`;
    const file = writeScript(`${long}\r\nGO\r\nSELECT 2`);
    expect([...streamSqlFile(file, { chunkBytes: 7 })].map((b) => b.text)).toEqual([long, 'SELECT 2']);
  });
});

describe('reading again after a scan (the script runner)', () => {
  const body = (marker: string) => `SELECT '${marker}'\nGO\n${'-- filler\n'.repeat(20)}SELECT 2\nGO\n`;

  it('the scan counts repeats and hashes the whole file, also when EXIT stops the split early', () => {
    const text = `${body('a')}INSERT t DEFAULT VALUES\nGO 4\nEXIT\n${'SELECT 9\n'.repeat(100)}`;
    const file = writeScript(text);
    const scan = scanSqlFile(file, { chunkBytes: 32 });
    expect(scan.batchCount).toBe(6);
    expect(scan.exitedAt).toEqual({ file: path.basename(file), line: 27 });
    expect(scan.sha256).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('a file whose size changed is SQL_SCRIPT_CHANGED before any batch', () => {
    const file = writeScript(body('a'));
    const scan = scanSqlFile(file);
    writeFileSync(file, body('longer'));
    const run = streamSqlFile(file, { expect: scan });
    expect(codeOf(() => run.next())).toBe('SQL_SCRIPT_CHANGED');
  });

  it('same size and time but other bytes is SQL_SCRIPT_CHANGED once the file is read', () => {
    // A whole-second time survives utimes exactly, so only the bytes differ.
    const file = writeScript(body('a'));
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const scan = scanSqlFile(file);
    writeFileSync(file, body('b'));
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect(statSync(file).mtimeMs).toBe(scan.stamp.mtimeMs);
    const run = streamSqlFile(file, { expect: scan, chunkBytes: 16 });
    expect(run.next().value).toMatchObject({ text: "SELECT 'b'" });
    expect(codeOf(() => [...run])).toBe('SQL_SCRIPT_CHANGED');
  });

  it('an included file that changed is SQL_SCRIPT_CHANGED', () => {
    const pkg = path.join(work, 'pkg-inc');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, 'part.sql'), 'SELECT 2\n');
    const main = path.join(pkg, 'main.sql');
    writeFileSync(main, 'SELECT 1\nGO\n:r part.sql\nGO\n');
    const scan = scanSqlFile(main, { packageRoot: pkg });
    expect(scan.batchCount).toBe(2);
    expect([...streamSqlFile(main, { packageRoot: pkg, expect: scan })].map((b) => b.text)).toEqual(['SELECT 1', 'SELECT 2']);
    writeFileSync(path.join(pkg, 'part.sql'), 'SELECT 3\n');
    expect(codeOf(() => [...streamSqlFile(main, { packageRoot: pkg, expect: scan })])).toBe('SQL_SCRIPT_CHANGED');
    expect(readFileSync(main, 'utf8')).toContain(':r part.sql');
  });

  it('a folder or a missing file is SQL_SCRIPT_UNREADABLE', async () => {
    expect((await rejectionOf(splitSqlFile(work))).code).toBe('SQL_SCRIPT_UNREADABLE');
    expect((await rejectionOf(splitSqlFile(path.join(work, 'absent.sql')))).code).toBe('SQL_SCRIPT_UNREADABLE');
  });
});
