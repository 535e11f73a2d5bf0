import type { CliCommand } from '../cli-types';

/** Every command the CLI knows, in the order `drop-runner help` lists them. */
export const commands: CliCommand[] = [];
