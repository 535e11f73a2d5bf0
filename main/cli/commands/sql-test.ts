/**
 * `drop-runner sql test --connection-stdin [--json]`: logs in with a connection string and says what
 * the server reports (name, version, login, database, authentication, encryption). The string is
 * read from standard input only: on a command line it would sit in shell history and in every
 * process listing on a shared hospital VM, password included.
 */
import { AppError, toErrorShape } from '../../../common/errors';
import { resolveConnectionSettings } from '../../sql/connection-settings';
import { testSqlConnection, type SqlConnectionTestResult } from '../../sql/connection-test';
import { EXIT, type CliContext } from '../cli-types';
import { printFailure } from '../failure';

export const SQL_TEST_USAGE = "drop-runner sql test --connection-stdin [--json]   (e.g. printf '%s' \"$CONN\" | drop-runner sql test --connection-stdin)";

/** Connection strings are short; anything larger is a mistake (a file piped in), not a connection. */
const MAX_STDIN_BYTES = 64 * 1024;

async function readBounded(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_STDIN_BYTES) throw new AppError('INVALID_ARGUMENTS', `Standard input is larger than ${MAX_STDIN_BYTES / 1024} KB; a connection string is expected.`, 'Pipe only the connection string into --connection-stdin.');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Exit 0 connected; 2 bad input (no stdin flag, unusable string); 3 the server could not be used. */
export async function runSqlTest(ctx: CliContext, extra: string[]): Promise<number> {
  const json = ctx.flags.has('json');
  // The exit code comes from the CLI's one table (main/cli/failure.ts): a bad string is 2, a server that
  // cannot be used (unreachable, login, certificate, database) is 3.
  const fail = (error: unknown): number => {
    if (json) ctx.stdout(`${JSON.stringify({ ok: false, error: toErrorShape(error) }, null, 2)}\n`);
    return printFailure(ctx, error);
  };
  if (extra.length > 0 || !ctx.flags.has('connection-stdin')) {
    return fail(
      new AppError('INVALID_ARGUMENTS', extra.length > 0 ? 'The connection string is not taken from the command line.' : 'Say where the connection string comes from: --connection-stdin.', `Usage: ${SQL_TEST_USAGE}`),
    );
  }
  let settings;
  try {
    const text = (await readBounded(ctx.stdin)).replace(/\r?\n$/, '');
    if (!text.trim()) throw new AppError('INVALID_ARGUMENTS', 'Standard input held no connection string.', `Usage: ${SQL_TEST_USAGE}`);
    if (/#\{[^}]*\}/.test(text)) throw new AppError('SQL_SETTINGS_INVALID', 'The connection string still holds #{…} templates.', 'Test the resolved string (the app resolves the drop defaults before testing).');
    settings = resolveConnectionSettings({ connectionString: text });
  } catch (error) {
    return fail(error);
  }
  let result: SqlConnectionTestResult;
  try {
    result = await testSqlConnection(settings);
  } catch (error) {
    return fail(error);
  }
  if (json) {
    ctx.stdout(`${JSON.stringify({ ok: true, result }, null, 2)}\n`);
    return EXIT.ok;
  }
  ctx.stdout(
    [
      `connected   ${result.target}`,
      `server      ${result.serverName} (SQL Server ${result.productVersion})`,
      `login       ${result.login}`,
      `database    ${result.database}`,
      `auth        ${result.authScheme}`,
      `encrypted   ${result.encrypted ? `yes${result.tlsProtocol ? ` (${result.tlsProtocol})` : settings.encrypt === 'strict' ? ' (TDS 8 strict)' : ''}` : 'no'}`,
    ].join('\n') + '\n',
  );
  return EXIT.ok;
}
