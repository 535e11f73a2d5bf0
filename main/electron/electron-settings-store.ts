/**
 * The Electron host's SettingsStore: electron-store (conf underneath, same file format), so the
 * settings written by the desktop app and by the CLI are interchangeable. electron-store imports
 * `electron` at load time, which is why this file lives under main/electron/ only.
 */
import Store from 'electron-store';
import { wrapConfLike, type ConfLike, type SettingsStore } from '../platform/settings-store';

/** Opens `<dataDir>/<name>.json` through electron-store (dataDir is normally app.getPath('userData')). */
export function createElectronSettingsStore(dataDir: string, name: string): SettingsStore {
  const store = new Store<Record<string, unknown>>({
    cwd: dataDir,
    name,
    accessPropertiesByDotNotation: false,
    configFileMode: 0o600,
    clearInvalidConfig: false,
  });
  return wrapConfLike(store as unknown as ConfLike);
}
