import type { CliCommand } from '../cli-types';
import { tenantCommand } from './tenant';
import { sqlCommand } from './sql';
import { reportCommand } from './report';

/** Every command the CLI knows, in the order `drop-runner help` lists them. */
export const commands: CliCommand[] = [tenantCommand, sqlCommand, reportCommand];
