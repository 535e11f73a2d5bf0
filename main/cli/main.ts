import { appPackage } from '../platform/app-version';
import { resolveDataDir } from '../platform/data-dir';
import type { CliCommand, CliContext } from './cli-types';
import { EXIT } from './cli-types';
import { commandEntries } from './commands/index';
import { printFailure, printUsage } from './failure';
import { closest, flagsInUsage } from './did-you-mean';
import { FlagError, parseFlags } from './parse-flags';

/** Flags every command understands that take a value. */
const GLOBAL_VALUE_FLAGS = ['data-dir', 'var', 'var-file', 'tenant'];

/** Only `help` loads every command module (it lists their summaries); a command loads just its own. */
async function allCommands(): Promise<CliCommand[]> {
  return Promise.all(commandEntries.map((e) => e.load()));
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
  const first = argv[0];
  if (first === '--version' || first === '-v' || first === 'version') {
    io.stdout(`${appPackage().version}\n`);
    return EXIT.ok;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(helpText(await allCommands()));
    return first === undefined ? EXIT.invalidInput : EXIT.ok;
  }
  const entry = commandEntries.find((c) => c.name === first);
  if (!entry) {
    const guess = closest(first, commandEntries.map((c) => c.name));
    return printFailure(io, { code: 'UNKNOWN_COMMAND', message: `There is no command "${first}".`, hint: `${guess ? `Did you mean \`drop-runner ${guess}\`? ` : ''}Run \`drop-runner help\` to list the commands.` });
  }
  const command = await entry.load();
  let flags;
  try {
    flags = parseFlags(argv.slice(1), new Set([...GLOBAL_VALUE_FLAGS, ...(command.valueFlags ?? [])]));
  } catch (error) {
    if (error instanceof FlagError) {
      return printUsage(io, `${error.message}.`, command.usage);
    }
    throw error;
  }
  const known = new Set(['data-dir', 'help', ...flagsInUsage(command.usage), ...(command.valueFlags ?? []), ...(command.extraFlags ?? [])]);
  const unknown = flags.names().find((name) => !known.has(name));
  if (unknown !== undefined) {
    const guess = closest(unknown, [...known]);
    return printFailure(io, { code: 'UNKNOWN_FLAG', message: `drop-runner ${command.name} has no flag --${unknown}; nothing was done.`, hint: `${guess ? `Did you mean --${guess}? ` : ''}Usage: ${command.usage}` });
  }
  if (flags.has('help')) {
    io.stdout(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return EXIT.ok;
  }
  const dataDir = resolveDataDir(flags.get('data-dir'));
  try {
    return await command.run({ args: flags.positionals, flags, dataDir, ...io, services: { dataDir } });
  } catch (error) {
    return printFailure(io, error);
  }
}

function defaultIo(): Pick<CliContext, 'stdout' | 'stderr' | 'stdin'> {
  return { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), stdin: process.stdin };
}
