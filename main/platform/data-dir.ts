import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The environment variable that sets the data folder for every command and host (tests use it for isolation). */
export const DATA_DIR_ENV = 'DROP_RUNNER_DATA_DIR';

/**
 * Where Drop Runner keeps settings, extracted drops and deployment journals. An explicit --data-dir wins,
 * then DROP_RUNNER_DATA_DIR, then the platform's per-user application-data folder (the same folder
 * Electron's app.getPath('userData') gives, so the CLI and the desktop app share one memory).
 */
export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const chosen = explicit ?? env[DATA_DIR_ENV];
  if (chosen && chosen.trim() !== '') return isAbsolute(chosen) ? chosen : resolve(chosen);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Drop Runner');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Drop Runner');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Drop Runner');
}
