/**
 * What the deploy runner hands the SSIS step, and the preparation both the run and the dry run do
 * first: settings checked, .ispac read and matched, connection resolved — all before connecting.
 */
import type { JournalEventInput } from '../../common/journal-events';
import { AppError } from '../../common/errors';
import { resolveConnectionSettings, type SqlConnectionSettings } from '../sql/connection-settings';
import { parseSsisSettings } from './ssis-settings';
import { loadSsisTarget, type SsisTarget } from './ssis-target';

/** Options of runSsisStep and planSsisStep. */
export interface SsisStepOptions {
  stepId: string;
  /** Absolute root of the extracted drop. */
  dropRoot: string;
  /** The step's package folder relative to the drop root (DropStep.package); the .ispac is named relative to it. */
  packagePath?: string;
  /** The step's settings after #{…} evaluation (shape of drop.json's ssis-project settings). */
  settings: unknown;
  /** Resolved connection; when absent, settings.connection (a connection string) is used. */
  connection?: SqlConnectionSettings;
  signal?: AbortSignal;
  onEvent?: (event: JournalEventInput) => void;
  /** Masks secrets in everything the step emits or throws (the deployment's Redactor). */
  redact?: (text: string) => string;
  /** How often catalog.operations is polled; default 1000 ms. */
  pollIntervalMs?: number;
}

/** The checked inputs of one SSIS step. */
export interface PreparedSsisStep {
  target: SsisTarget;
  connection: SqlConnectionSettings;
  redact: (text: string) => string;
}

/** Checks settings, reads the .ispac and resolves the connection; throws AppError before anything is sent. */
export async function prepareSsisStep(options: SsisStepOptions): Promise<PreparedSsisStep> {
  const redact = options.redact ?? ((s: string) => s);
  try {
    const settings = parseSsisSettings(options.settings);
    const target = await loadSsisTarget(settings, options.dropRoot, options.packagePath ?? '');
    let connection = options.connection;
    if (!connection) {
      if (!settings.connection?.trim()) {
        throw new AppError('SSIS_SETTINGS_INVALID', 'The SSIS step settings are invalid at connection: no connection is given.', 'Set "connection" to the SSISDB server\'s connection string (Windows authentication).', { path: 'connection' });
      }
      connection = resolveConnectionSettings({ connectionString: settings.connection });
    }
    return { target, connection, redact };
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.code, redact(error.message), redact(error.hint), error.details);
    throw error;
  }
}
