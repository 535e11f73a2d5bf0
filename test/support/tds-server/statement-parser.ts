import { lexSql, type SqlToken } from './sql-lexer';

/** A value expression the double can evaluate. */
export type Expr =
  | { kind: 'literal'; value: null | number | string | Buffer }
  | { kind: 'param'; name: string }
  | { kind: 'now' }
  | { kind: 'newid' }
  | { kind: 'global'; name: string }
  | { kind: 'fn'; name: 'DB_NAME' | 'OBJECT_ID' | 'COL_LENGTH' | 'SCOPE_IDENTITY' | 'SUSER_SNAME' | 'SERVERPROPERTY' | 'CONNECTIONPROPERTY'; args: Expr[] };

/** A parsed column definition of CREATE TABLE / ALTER TABLE ADD. */
export interface ColumnDef {
  name: string;
  typeText: string;
  nullable: boolean;
  identity?: { seed: number; increment: number };
  default?: Expr;
}

/** One `col = value` / `col IS [NOT] NULL` term of a WHERE clause (terms are AND-ed). */
export interface Condition {
  column: string;
  op: '=' | 'is null' | 'is not null';
  value?: Expr;
}

/** A SELECT list item. */
export type SelectItem = { kind: 'star' } | { kind: 'count'; alias: string } | { kind: 'column'; name: string; alias: string } | { kind: 'expr'; expr: Expr; alias: string };

/** A statement shape the double understands; anything else is `other` and succeeds silently. */
export type Statement = { line: number } & (
  | { kind: 'other'; text: string }
  | { kind: 'begin-tran'; name?: string }
  | { kind: 'commit'; name?: string }
  | { kind: 'rollback'; name?: string }
  | { kind: 'save-tran'; name: string }
  | { kind: 'use'; database: string }
  | { kind: 'set-nocount'; on: boolean }
  | { kind: 'create-table'; table: string; columns: ColumnDef[] | undefined }
  | { kind: 'drop-table'; table: string; ifExists: boolean }
  | { kind: 'alter-add'; table: string; columns: ColumnDef[] }
  | { kind: 'insert'; table: string; columns: string[] | undefined; rows: Expr[][] }
  | { kind: 'select'; table: string | undefined; items: SelectItem[]; distinct: boolean; top?: number; where: Condition[]; orderBy: Array<{ column: string; desc: boolean }> }
  | { kind: 'update'; table: string; set: Array<{ column: string; value: Expr }>; where: Condition[] }
  | { kind: 'delete'; table: string; where: Condition[] }
  | { kind: 'if'; test: IfTest; then: Statement[]; else: Statement[] }
);

/** The conditions an IF may test: object/column existence, or EXISTS over an emulated SELECT. */
export type IfTest =
  | { kind: 'object-null'; negate: boolean; name: Expr; type?: Expr }
  | { kind: 'col-length-null'; negate: boolean; table: Expr; column: Expr }
  | { kind: 'exists'; negate: boolean; select: Extract<Statement, { kind: 'select' }> }
  | { kind: 'trancount'; op: '>' | '<' | '=' | '>=' | '<=' | '<>'; value: number };

const STATEMENT_STARTS = new Set([
  'CREATE', 'ALTER', 'DROP', 'INSERT', 'UPDATE', 'DELETE', 'IF', 'ELSE', 'EXEC', 'EXECUTE', 'DECLARE', 'PRINT', 'USE', 'TRUNCATE',
  'MERGE', 'BEGIN', 'END', 'COMMIT', 'ROLLBACK', 'SAVE', 'SET', 'RAISERROR', 'THROW', 'RETURN', 'WHILE', 'GRANT', 'DENY', 'REVOKE',
  'WAITFOR', 'SELECT', 'WITH',
]);
const NOT_A_NAME = new Set([...STATEMENT_STARTS, 'TRY', 'CATCH']);

class Fail extends Error {}

/** Recursive-descent parser over the token list of one batch. */
class Parser {
  i = 0;
  private depthCatch = 0;

  constructor(
    readonly t: SqlToken[],
    private readonly text: string,
  ) {}

  private peek(k = 0): SqlToken | undefined {
    return this.t[this.i + k];
  }

  private isWord(w: string, k = 0): boolean {
    const tok = this.peek(k);
    return tok?.kind === 'word' && tok.value === w;
  }

  private isPunct(p: string, k = 0): boolean {
    const tok = this.peek(k);
    return tok?.kind === 'punct' && tok.value === p;
  }

  private word(w: string): void {
    if (!this.isWord(w)) throw new Fail();
    this.i++;
  }

  private punct(p: string): void {
    if (!this.isPunct(p)) throw new Fail();
    this.i++;
  }

  private optWord(w: string): boolean {
    if (this.isWord(w)) {
      this.i++;
      return true;
    }
    return false;
  }

  private atEnd(): boolean {
    return this.i >= this.t.length;
  }

  private lineStarts: number[] | undefined;

  /** 1-based line of a token; line starts are computed once so long batches stay linear. */
  private lineOf(tok: SqlToken | undefined): number {
    if (!tok) return 1;
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let p = 0; p < this.text.length; p++) if (this.text.charCodeAt(p) === 10) this.lineStarts.push(p + 1);
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= tok.pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private identifier(): string {
    const tok = this.peek();
    if (!tok || (tok.kind !== 'ident' && tok.kind !== 'word')) throw new Fail();
    this.i++;
    return tok.kind === 'ident' ? tok.value : tok.text;
  }

  /** A (multi-part) object name, normalised to `schema.name` in lower case; the database part is ignored. */
  objectName(): string {
    const parts = [this.identifier()];
    while (this.isPunct('.')) {
      this.i++;
      parts.push(this.isPunct('.') ? 'dbo' : this.identifier());
    }
    return normaliseTableName(parts.join('.'));
  }

  /** Column reference: the last part of a possibly qualified name. */
  columnRef(): string {
    let name = this.identifier();
    while (this.isPunct('.')) {
      this.i++;
      name = this.identifier();
    }
    return name;
  }

  expr(): Expr {
    const tok = this.peek();
    if (!tok) throw new Fail();
    if (tok.kind === 'punct' && tok.value === '(') {
      this.i++;
      const e = this.expr();
      this.punct(')');
      return e;
    }
    if (tok.kind === 'punct' && tok.value === '-' && this.peek(1)?.kind === 'number') {
      this.i += 2;
      return { kind: 'literal', value: -Number(this.t[this.i - 1]!.value) };
    }
    this.i++;
    switch (tok.kind) {
      case 'string':
        return { kind: 'literal', value: tok.value };
      case 'number':
        return { kind: 'literal', value: Number(tok.value) };
      case 'binary':
        return { kind: 'literal', value: Buffer.from(tok.value.length % 2 ? `0${tok.value}` : tok.value, 'hex') };
      case 'variable':
        if (tok.text.startsWith('@@')) return { kind: 'global', name: tok.text.toUpperCase() };
        return { kind: 'param', name: tok.text };
      case 'word': {
        const w = tok.value;
        if (w === 'NULL') return { kind: 'literal', value: null };
        if (w === 'CURRENT_TIMESTAMP') return { kind: 'now' };
        if (w === 'CAST' || w === 'TRY_CAST') {
          this.punct('(');
          const e = this.expr();
          this.word('AS');
          this.skipType();
          this.punct(')');
          return e;
        }
        if (w === 'CONVERT' || w === 'TRY_CONVERT') {
          this.punct('(');
          this.skipType();
          this.punct(',');
          const e = this.expr();
          if (this.isPunct(',')) {
            this.i++;
            this.expr();
          }
          this.punct(')');
          return e;
        }
        if (!this.isPunct('(')) throw new Fail();
        this.i++;
        const args: Expr[] = [];
        while (!this.isPunct(')')) {
          args.push(this.expr());
          if (this.isPunct(',')) this.i++;
          else break;
        }
        this.punct(')');
        if (['GETDATE', 'GETUTCDATE', 'SYSDATETIME', 'SYSUTCDATETIME', 'SYSDATETIMEOFFSET'].includes(w)) return { kind: 'now' };
        if (w === 'NEWID' || w === 'NEWSEQUENTIALID') return { kind: 'newid' };
        if (w === 'DB_NAME' || w === 'OBJECT_ID' || w === 'COL_LENGTH' || w === 'SCOPE_IDENTITY' || w === 'SUSER_SNAME' || w === 'SERVERPROPERTY' || w === 'CONNECTIONPROPERTY') return { kind: 'fn', name: w, args };
        throw new Fail();
      }
      default:
        throw new Fail();
    }
  }

  /** Skips a type name with optional (n[,m]) or (max); returns its text. */
  skipType(): string {
    const start = this.peek();
    this.identifier();
    if (this.isPunct('(')) {
      while (!this.atEnd() && !this.isPunct(')')) this.i++;
      this.punct(')');
    }
    const end = this.t[this.i - 1]!;
    return this.text.slice(start!.pos, end.pos + end.text.length);
  }

  /** One column definition; stops before ',' or ')' at its own nesting level. */
  columnDef(stopAtStatement: boolean): ColumnDef | undefined {
    const first = this.peek();
    if (first?.kind === 'word' && ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK', 'INDEX'].includes(first.value)) {
      this.skipEntry(stopAtStatement);
      return undefined;
    }
    const name = this.identifier();
    if (this.isWord('AS')) throw new Fail(); // computed column
    const typeText = this.skipType();
    const def: ColumnDef = { name, typeText, nullable: true };
    while (!this.atEnd() && !this.isPunct(',') && !this.isPunct(')') && !this.isPunct(';')) {
      if (stopAtStatement && this.peek()?.kind === 'word' && STATEMENT_STARTS.has(this.peek()!.value)) break;
      if (this.optWord('IDENTITY')) {
        def.nullable = false;
        def.identity = { seed: 1, increment: 1 };
        if (this.isPunct('(')) {
          this.i++;
          const seed = this.expr();
          this.punct(',');
          const inc = this.expr();
          this.punct(')');
          def.identity = { seed: Number(seed.kind === 'literal' ? seed.value : 1), increment: Number(inc.kind === 'literal' ? inc.value : 1) };
        }
      } else if (this.isWord('NOT') && this.isWord('NULL', 1)) {
        this.i += 2;
        def.nullable = false;
      } else if (this.optWord('NULL')) {
        def.nullable = true;
      } else if (this.optWord('DEFAULT')) {
        def.default = this.expr();
      } else if (this.optWord('CONSTRAINT') || this.optWord('COLLATE')) {
        this.identifier();
      } else if (this.isPunct('(')) {
        this.skipParens();
      } else {
        this.i++;
      }
    }
    return def;
  }

  private skipParens(): void {
    let depth = 0;
    do {
      if (this.isPunct('(')) depth++;
      if (this.isPunct(')')) depth--;
      this.i++;
    } while (!this.atEnd() && depth > 0);
  }

  private skipEntry(stopAtStatement: boolean): void {
    while (!this.atEnd() && !this.isPunct(',') && !this.isPunct(')') && !this.isPunct(';')) {
      if (stopAtStatement && this.peek()?.kind === 'word' && STATEMENT_STARTS.has(this.peek()!.value)) break;
      if (this.isPunct('(')) this.skipParens();
      else this.i++;
    }
  }

  conditions(): Condition[] {
    const out: Condition[] = [];
    if (!this.optWord('WHERE')) return out;
    do {
      const column = this.columnRef();
      if (this.optWord('IS')) {
        const not = this.optWord('NOT');
        this.word('NULL');
        out.push({ column, op: not ? 'is not null' : 'is null' });
      } else {
        this.punct('=');
        out.push({ column, op: '=', value: this.expr() });
      }
    } while (this.optWord('AND'));
    return out;
  }

  select(): Extract<Statement, { kind: 'select' }> {
    const line = this.lineOf(this.peek());
    this.word('SELECT');
    const distinct = this.optWord('DISTINCT');
    let top: number | undefined;
    if (this.optWord('TOP')) {
      const e = this.expr();
      if (e.kind !== 'literal' || typeof e.value !== 'number') throw new Fail();
      top = e.value;
    }
    const items: SelectItem[] = [];
    do {
      if (this.isPunct('*')) {
        this.i++;
        items.push({ kind: 'star' });
      } else if (this.isWord('COUNT') && this.isPunct('(', 1)) {
        this.i += 2;
        if (this.isPunct('*')) this.i++;
        else this.expr();
        this.punct(')');
        items.push({ kind: 'count', alias: this.alias() ?? '' });
      } else if ((this.peek()?.kind === 'ident' || this.peek()?.kind === 'word') && !this.isPunct('(', 1) && !['NULL', 'CURRENT_TIMESTAMP', 'CAST', 'CONVERT'].includes(this.peek()!.value)) {
        const name = this.columnRef();
        items.push({ kind: 'column', name, alias: this.alias() ?? name });
      } else {
        const expr = this.expr();
        items.push({ kind: 'expr', expr, alias: this.alias() ?? '' });
      }
    } while (this.isPunct(',') && ++this.i);
    let table: string | undefined;
    let where: Condition[] = [];
    const orderBy: Array<{ column: string; desc: boolean }> = [];
    if (this.optWord('FROM')) {
      table = this.objectName();
      if (this.isWord('WITH') && this.isPunct('(', 1)) {
        this.i++;
        this.skipParens();
      }
      where = this.conditions();
      if (this.optWord('ORDER')) {
        this.word('BY');
        do {
          const column = this.columnRef();
          const desc = this.optWord('DESC');
          if (!desc) this.optWord('ASC');
          orderBy.push({ column, desc });
        } while (this.isPunct(',') && ++this.i);
      }
    }
    return { kind: 'select', line, table, items, distinct, top, where, orderBy };
  }

  private alias(): string | undefined {
    if (this.optWord('AS')) return this.identifier();
    const tok = this.peek();
    if (tok?.kind === 'ident') {
      this.i++;
      return tok.value;
    }
    if (tok?.kind === 'word' && !NOT_A_NAME.has(tok.value) && !['FROM', 'WHERE', 'ORDER', 'GROUP', 'UNION', 'INTO', 'ELSE'].includes(tok.value)) {
      this.i++;
      return tok.text;
    }
    return undefined;
  }

  private txName(): string | undefined {
    const tok = this.peek();
    if (!tok) return undefined;
    if (tok.kind === 'ident' || tok.kind === 'variable' || (tok.kind === 'word' && !NOT_A_NAME.has(tok.value))) {
      this.i++;
      return tok.kind === 'ident' ? tok.value : tok.text;
    }
    return undefined;
  }

  ifTest(): IfTest {
    const first = this.peek();
    if (first?.kind === 'variable' && first.text.toUpperCase() === '@@TRANCOUNT') {
      this.i++;
      const opTok = this.peek();
      if (opTok?.kind !== 'punct') throw new Fail();
      let op = opTok.value;
      this.i++;
      if ((op === '>' || op === '<') && this.isPunct('=')) {
        op += '=';
        this.i++;
      }
      if (op === '!=') op = '<>';
      if (!['>', '<', '=', '>=', '<=', '<>'].includes(op)) throw new Fail();
      const value = this.expr();
      if (value.kind !== 'literal' || typeof value.value !== 'number') throw new Fail();
      return { kind: 'trancount', op: op as '>', value: value.value };
    }
    const negateExists = this.optWord('NOT');
    if (this.optWord('EXISTS')) {
      this.punct('(');
      const select = this.select();
      this.punct(')');
      return { kind: 'exists', negate: negateExists, select };
    }
    if (negateExists) throw new Fail();
    const fn = this.expr();
    if (fn.kind !== 'fn' || (fn.name !== 'OBJECT_ID' && fn.name !== 'COL_LENGTH')) throw new Fail();
    this.word('IS');
    const negate = this.optWord('NOT');
    this.word('NULL');
    if (fn.name === 'OBJECT_ID') return { kind: 'object-null', negate, name: fn.args[0]!, type: fn.args[1] };
    if (fn.args.length < 2) throw new Fail();
    return { kind: 'col-length-null', negate, table: fn.args[0]!, column: fn.args[1]! };
  }

  /** Parses a statement or BEGIN...END block as the body of IF/ELSE. */
  body(): Statement[] {
    if (this.isWord('BEGIN') && !['TRAN', 'TRANSACTION', 'TRY', 'CATCH', 'DISTRIBUTED'].includes(this.peek(1)?.value ?? '')) {
      this.i++;
      const out: Statement[] = [];
      while (!this.atEnd() && !this.isWord('END')) {
        const s = this.statement();
        if (s) out.push(s);
      }
      this.optWord('END');
      return out;
    }
    const s = this.statement();
    return s ? [s] : [];
  }

  /** Parses one statement at the cursor; returns undefined for separators and ignored keywords. */
  statement(): Statement | undefined {
    const tok = this.peek();
    if (!tok) return undefined;
    if (tok.kind === 'punct' && tok.value === ';') {
      this.i++;
      return undefined;
    }
    const start = this.i;
    try {
      const s = this.shape();
      if (s && this.depthCatch > 0 && s.kind !== 'other') return { kind: 'other', line: s.line, text: '(inside CATCH, not run)' };
      return s;
    } catch (e) {
      if (!(e instanceof Fail)) throw e;
      this.i = start;
      return this.other();
    }
  }

  private other(): Statement {
    const start = this.peek()!;
    this.i++;
    let depth = 0;
    while (!this.atEnd()) {
      const tok = this.peek()!;
      if (tok.kind === 'punct' && tok.value === '(') depth++;
      if (tok.kind === 'punct' && tok.value === ')') depth--;
      if (depth <= 0 && tok.kind === 'punct' && tok.value === ';') break;
      if (depth <= 0 && tok.kind === 'word' && STATEMENT_STARTS.has(tok.value) && tok.value !== 'SELECT' && tok.value !== 'WITH' && tok.value !== 'SET') break;
      this.i++;
    }
    const end = this.t[this.i - 1]!;
    return { kind: 'other', line: this.lineOf(start), text: this.text.slice(start.pos, end.pos + end.text.length) };
  }

  private shape(): Statement | undefined {
    const tok = this.peek()!;
    const line = this.lineOf(tok);
    if (tok.kind !== 'word') throw new Fail();
    switch (tok.value) {
      case 'BEGIN': {
        const next = this.peek(1)?.value;
        if (next === 'TRAN' || next === 'TRANSACTION' || next === 'DISTRIBUTED') {
          this.i += next === 'DISTRIBUTED' ? 3 : 2;
          const name = this.txName();
          if (this.optWord('WITH')) {
            this.word('MARK');
            if (this.peek()?.kind === 'string') this.i++;
          }
          return { kind: 'begin-tran', line, name };
        }
        if (next === 'CATCH') this.depthCatch++;
        this.i += next === 'TRY' || next === 'CATCH' ? 2 : 1;
        return undefined;
      }
      case 'END': {
        const next = this.peek(1)?.value;
        if (next === 'CATCH') this.depthCatch = Math.max(0, this.depthCatch - 1);
        this.i += next === 'TRY' || next === 'CATCH' ? 2 : 1;
        return undefined;
      }
      case 'COMMIT':
      case 'ROLLBACK': {
        this.i++;
        const hasKeyword = this.optWord('TRAN') || this.optWord('TRANSACTION') || this.optWord('WORK');
        const name = hasKeyword ? this.txName() : undefined;
        return tok.value === 'COMMIT' ? { kind: 'commit', line, name } : { kind: 'rollback', line, name };
      }
      case 'SAVE': {
        this.i++;
        if (!this.optWord('TRAN') && !this.optWord('TRANSACTION')) throw new Fail();
        const name = this.txName();
        if (name === undefined) throw new Fail();
        return { kind: 'save-tran', line, name };
      }
      case 'USE':
        this.i++;
        return { kind: 'use', line, database: this.identifier() };
      case 'SET':
        if (this.isWord('NOCOUNT', 1)) {
          this.i += 2;
          if (this.optWord('ON')) return { kind: 'set-nocount', line, on: true };
          this.word('OFF');
          return { kind: 'set-nocount', line, on: false };
        }
        throw new Fail();
      case 'IF': {
        this.i++;
        const test = this.ifTest();
        const then = this.body();
        const otherwise = this.optWord('ELSE') ? this.body() : [];
        return { kind: 'if', line, test, then, else: otherwise };
      }
      case 'CREATE': {
        this.i++;
        this.word('TABLE');
        const table = this.objectName();
        this.punct('(');
        let columns: ColumnDef[] | undefined = [];
        const bodyStart = this.i;
        try {
          for (;;) {
            const def = this.columnDef(false);
            if (def) columns.push(def);
            if (this.isPunct(',')) {
              this.i++;
              continue;
            }
            this.punct(')');
            break;
          }
        } catch (e) {
          if (!(e instanceof Fail)) throw e;
          // Column syntax beyond the double: remember the table exists, with unknown columns.
          this.i = bodyStart - 1;
          this.skipParens();
          columns = undefined;
        }
        // Trailing table options such as ON [PRIMARY] or WITH (...).
        if (this.isWord('ON')) {
          this.i++;
          this.identifier();
        }
        return { kind: 'create-table', line, table, columns };
      }
      case 'DROP': {
        this.i++;
        this.word('TABLE');
        const ifExists = this.isWord('IF') && this.isWord('EXISTS', 1);
        if (ifExists) this.i += 2;
        return { kind: 'drop-table', line, table: this.objectName(), ifExists };
      }
      case 'ALTER': {
        this.i++;
        this.word('TABLE');
        const table = this.objectName();
        this.word('ADD');
        const columns: ColumnDef[] = [];
        do {
          const def = this.columnDef(true);
          if (def) columns.push(def);
        } while (this.isPunct(',') && ++this.i);
        return { kind: 'alter-add', line, table, columns };
      }
      case 'INSERT': {
        this.i++;
        this.optWord('INTO');
        const table = this.objectName();
        let columns: string[] | undefined;
        if (this.isPunct('(')) {
          this.i++;
          columns = [];
          do columns.push(this.columnRef());
          while (this.isPunct(',') && ++this.i);
          this.punct(')');
        }
        this.word('VALUES');
        const rows: Expr[][] = [];
        do {
          this.punct('(');
          const row: Expr[] = [];
          do row.push(this.expr());
          while (this.isPunct(',') && ++this.i);
          this.punct(')');
          rows.push(row);
        } while (this.isPunct(',') && ++this.i);
        return { kind: 'insert', line, table, columns, rows };
      }
      case 'SELECT':
        return this.select();
      case 'UPDATE': {
        this.i++;
        const table = this.objectName();
        this.word('SET');
        const set: Array<{ column: string; value: Expr }> = [];
        do {
          const column = this.columnRef();
          this.punct('=');
          set.push({ column, value: this.expr() });
        } while (this.isPunct(',') && ++this.i);
        return { kind: 'update', line, table, set, where: this.conditions() };
      }
      case 'DELETE': {
        this.i++;
        this.optWord('FROM');
        const table = this.objectName();
        return { kind: 'delete', line, table, where: this.conditions() };
      }
      default:
        throw new Fail();
    }
  }
}

/** Normalises `[db].[dbo].[T]`, `dbo.T` and `T` to `dbo.t`; temp tables keep their `#name`. */
export function normaliseTableName(name: string): string {
  const parts = name
    .split('.')
    .map((p) => p.trim().replace(/^\[(.*)\]$/s, '$1').replace(/^"(.*)"$/s, '$1'))
    .filter((p, i, all) => p !== '' || i === all.length - 1);
  const table = parts[parts.length - 1] ?? '';
  if (table.startsWith('#')) return table.toLowerCase();
  const schema = parts.length >= 2 ? parts[parts.length - 2] || 'dbo' : 'dbo';
  return `${schema}.${table}`.toLowerCase();
}

/** Parses batch text into the statement shapes the double understands (see README). */
export function parseStatements(text: string): Statement[] {
  const tokens = lexSql(text);
  // SQL Server compiles CREATE/ALTER PROCEDURE, FUNCTION, TRIGGER and VIEW as the whole batch: the body
  // is stored, not run. Executing it here would fail on its parameters (Msg 137) where the server succeeds.
  if (isModuleDefinition(tokens)) return [{ kind: 'other', line: 1, text: text.trim() }];
  const p = new Parser(tokens, text);
  const out: Statement[] = [];
  let guard = 0;
  while (p.i < p.t.length && guard++ < 1_000_000) {
    const s = p.statement();
    if (s) out.push(s);
  }
  return out;
}

/** True for a batch that starts with CREATE [OR ALTER] | ALTER followed by PROC, PROCEDURE, FUNCTION, TRIGGER or VIEW. */
function isModuleDefinition(tokens: readonly { kind: string; text: string }[]): boolean {
  const words = tokens.slice(0, 4).map((t) => (t.kind === 'word' ? t.text.toUpperCase() : ''));
  if (words[0] !== 'CREATE' && words[0] !== 'ALTER') return false;
  const objectWord = words[0] === 'CREATE' && words[1] === 'OR' && words[2] === 'ALTER' ? words[3] : words[1];
  return ['PROC', 'PROCEDURE', 'FUNCTION', 'TRIGGER', 'VIEW'].includes(objectWord ?? '');
}
