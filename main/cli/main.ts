import { toErrorShape } from '../../common/errors';
import { appPackage } from '../platform/app-version';
import { resolveDataDir } from '../platform/data-dir';
import type { CliCommand, CliContext } from './cli-types';
import { EXIT } from './cli-types';
import { commands } from './commands/index';
import { doctorCommand } from './commands/doctor';
import { serveCommand } from './commands/serve';
import { closest, flagsInUsage } from './did-you-mean';
import { FlagError, parseFlags } from './parse-flags';

/** Flags every command understands that take a value. */
const GLOBAL_VALUE_FLAGS = ['data-dir', 'var', 'var-file', 'tenant'];

function allCommands(): CliCommand[] {
  const builtIn = [doctorCommand, serveCommand];
  return [...builtIn, ...commands.filter((c) => !builtIn.some((b) => b.name === c.name))];
}

function helpText(list: CliCommand[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return [
    `${appPackage().name} ${appPackage().version} — run offline release drops on hospital VMs`,
    '',
    'Usage: drop-runner <command> [options]',
    '',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --data-dir <dir> (or DROP_RUNNER_DATA_DIR) to choose where settings, drops and journals live.',
    'Run `drop-runner <command> --help` for a command’s options.',
    '',
  ].join('\n');
}

/** Runs the CLI with the given arguments and returns the exit code; the bin wrapper only calls this. */
export async function runCli(argv: string[], io: Pick<CliContext, 'stdout' | 'stderr' | 'stdin'> = defaultIo()): Promise<number> {
  const list = allCommands();
  const first = argv[0];
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout(`${appPackage().version}\n`);
    return EXIT.ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(helpText(list));
    return first === undefined ? EXIT.invalidInput : EXIT.ok;
  }
  const command = list.find((c) => c.name === first);
  if (!command) {
    const guess = closest(first, list.map((c) => c.name));
    io.stderr(`error UNKNOWN_COMMAND: There is no command "${first}".\nhint: ${guess ? `Did you mean \`drop-runner ${guess}\`? ` : ''}Run \`drop-runner help\` to list the commands.\n`);
    return EXIT.invalidInput;
  }
  let flags;
  try {
    flags = parseFlags(argv.slice(1), new Set([...GLOBAL_VALUE_FLAGS, ...(command.valueFlags ?? [])]));
  } catch (error) {
    if (error instanceof FlagError) {
      io.stderr(`error INVALID_ARGUMENTS: ${error.message}.\nhint: Usage: ${command.usage}\n`);
      return EXIT.invalidInput;
    }
    throw error;
  }
  const known = new Set(['data-dir', 'help', ...flagsInUsage(command.usage), ...(command.valueFlags ?? []), ...(command.extraFlags ?? [])]);
  const unknown = flags.names().find((name) => !known.has(name));
  if (unknown !== undefined) {
    const guess = closest(unknown, [...known]);
    io.stderr(`error UNKNOWN_FLAG: drop-runner ${command.name} has no flag --${unknown}; nothing was done.\nhint: ${guess ? `Did you mean --${guess}? ` : ''}Usage: ${command.usage}\n`);
    return EXIT.invalidInput;
  }
  if (flags.has('help')) {
    io.stdout(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return EXIT.ok;
  }
  const dataDir = resolveDataDir(flags.get('data-dir'));
  try {
    return await command.run({ args: flags.positionals, flags, dataDir, ...io, services: { dataDir } });
  } catch (error) {
    const shape = toErrorShape(error);
    io.stderr(`error ${shape.code}: ${shape.message}\nhint: ${shape.hint}\n`);
    return shape.code === 'SECRETS_UNAVAILABLE' ? EXIT.environment : shape.code === 'INTERNAL' ? EXIT.failed : EXIT.invalidInput;
  }
}

function defaultIo(): Pick<CliContext, 'stdout' | 'stderr' | 'stdin'> {
  return { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), stdin: process.stdin };
}
