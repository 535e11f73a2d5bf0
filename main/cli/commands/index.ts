import type { CliCommand } from '../cli-types';
import { tenantCommand } from './tenant';
import { sqlCommand } from './sql';
import { inspectCommand } from './inspect';
import { packCommand } from './pack';
import { keygenCommand } from './keygen';
import { trustCommand } from './trust';
import { reportCommand } from './report';
import { evalCommand } from './eval';
import { planCommand } from './plan';
import { deployCommand } from './deploy';
import { resumeCommand } from './resume';
import { rollbackCommand } from './rollback';
import { historyCommand } from './history';
import { dropsCommand } from './drops';

/** Every command the CLI knows, in the order `drop-runner help` lists them. */
export const commands: CliCommand[] = [tenantCommand, sqlCommand, inspectCommand, packCommand, keygenCommand, trustCommand, reportCommand, evalCommand, planCommand, deployCommand, resumeCommand, rollbackCommand, historyCommand, dropsCommand];
