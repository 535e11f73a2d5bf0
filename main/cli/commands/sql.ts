import { AppError } from '../../../common/errors';
import { splitSqlFile } from '../../sql/script-file';
import { EXIT, type CliCommand, type CliContext } from '../cli-types';
import { printFailure } from '../failure';
import { runSqlTest, SQL_TEST_USAGE } from './sql-test';

const USAGE = `drop-runner sql batches <file.sql> [--var NAME=VALUE]... [--package-root <dir>] [--json] | ${SQL_TEST_USAGE}`;

/** `drop-runner sql batches <file>`: shows how a script splits into batches, exactly as a deployment would send them. */
export const sqlCommand: CliCommand = {
  name: 'sql',
  summary: 'SQL tools: `sql batches <file>` lists the batches a script splits into (sqlcmd rules); `sql test --connection-stdin` logs in and reports the session',
  usage: USAGE,
  valueFlags: ['package-root'],
  run: async (ctx) => {
    const [sub, file, ...extra] = ctx.args;
    if (sub === 'test') return runSqlTest(ctx, ctx.args.slice(1));
    if (sub !== 'batches' || !file || extra.length > 0) {
      return printFailure(ctx, { code: 'INVALID_ARGUMENTS', message: `${sub && sub !== 'batches' ? `Unknown sql subcommand "${sub}".` : 'Name the script file.'}`, hint: `Usage: ${USAGE}` });
    }
    try {
      return await listBatches(ctx, file);
    } catch (error) {
      return printFailure(ctx, error);
    }
  },
};

async function listBatches(ctx: CliContext, file: string): Promise<number> {
  const variables: Record<string, string> = {};
  for (const pair of ctx.flags.getAll('var')) {
    const eq = pair.indexOf('=');
    if (eq < 1) {
      throw new AppError('INVALID_ARGUMENTS', `--var "${pair}" is not NAME=VALUE.`, 'Write each variable as --var NAME=VALUE.', { flag: 'var' });
    }
    variables[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const root = ctx.flags.get('package-root');
  const result = await splitSqlFile(file, { variables, ...(root ? { packageRoot: root } : {}) });
  if (ctx.flags.has('json')) {
    const json = {
      file,
      encoding: result.encoding,
      batchCount: result.batches.length,
      batches: result.batches.map((b) => ({
        index: b.index,
        file: b.file,
        firstLine: b.firstLine,
        lastFile: b.lastFile,
        lastLine: b.lastLine,
        repeat: b.repeat,
        onError: b.onError,
        text: b.text,
      })),
      includes: result.includes,
      warnings: result.warnings,
    };
    ctx.stdout(JSON.stringify(json, null, 2) + '\n');
    return EXIT.ok;
  }
  const out: string[] = [];
  for (const b of result.batches) {
    const where = b.lastFile === b.file ? `${b.file}:${b.firstLine}-${b.lastLine}` : `${b.file}:${b.firstLine} - ${b.lastFile}:${b.lastLine}`;
    const firstText = b.text.split(/\r\n|\r|\n/, 1)[0]!.trim();
    const preview = firstText.length > 60 ? `${firstText.slice(0, 57)}...` : firstText;
    out.push(`batch ${String(b.index).padStart(4)}  lines ${where}  repeat ${b.repeat}${b.onError === 'ignore' ? '  on-error ignore' : ''}  ${preview}`);
  }
  for (const w of result.warnings) out.push(`warning: ${w.file} line ${w.line}: ${w.message}`);
  out.push(`${result.batches.length} batch${result.batches.length === 1 ? '' : 'es'} (${result.encoding})`);
  ctx.stdout(out.join('\n') + '\n');
  return EXIT.ok;
}
