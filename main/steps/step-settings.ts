/**
 * Small readers for evaluated step settings. Drop manifests are checked at open time, but Octopus
 * imports and hand-edited drops can still carry odd shapes, so each reader names the step and key.
 */
import { AppError } from '../../common/errors';
import { resolveConnectionSettings, type SqlConnectionSettings } from '../sql/connection-settings';

/** STEP_SETTINGS_INVALID naming the step and key. */
export function settingsError(stepId: string, key: string, problem: string, hint: string): AppError {
  return new AppError('STEP_SETTINGS_INVALID', `Step ${stepId}: the setting "${key}" ${problem}.`, hint, { stepId, key });
}

/** A required non-empty string setting. */
export function requireString(settings: Record<string, unknown>, stepId: string, key: string, hint: string): string {
  const v = settings[key];
  if (typeof v !== 'string' || v.trim() === '') throw settingsError(stepId, key, v === undefined ? 'is missing' : 'is empty or not text', hint);
  return v;
}

/** An optional string setting. */
export function optionalString(settings: Record<string, unknown>, key: string): string | undefined {
  const v = settings[key];
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** A string → string map setting (sqlcmd variables, environment variables). */
export function stringMap(settings: Record<string, unknown>, stepId: string, key: string): Record<string, string> {
  const v = settings[key];
  if (v === undefined) return {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw settingsError(stepId, key, 'is not an object of NAME: value pairs', `Write "${key}": { "Name": "value" }.`);
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(v)) out[k] = value === null || value === undefined ? '' : String(value);
  return out;
}

/** The SQL Server connection a step names in `connection` (plus optional `commandTimeoutSeconds`). */
export function stepConnection(settings: Record<string, unknown>, stepId: string): SqlConnectionSettings {
  const connectionString = requireString(settings, stepId, 'connection', 'Set "connection" to a SQL Server connection string (usually a #{…} reference to a tenant variable).');
  const timeout = settings.commandTimeoutSeconds;
  return resolveConnectionSettings({
    connectionString,
    ...(typeof timeout === 'string' || typeof timeout === 'number' ? { commandTimeoutSeconds: timeout } : {}),
  });
}
