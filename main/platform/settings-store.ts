/**
 * Non-secret settings (remembered tenant values, preferences) behind one small interface, so the
 * Electron host can use electron-store while the CLI, the browser host and tests use `conf` —
 * the library electron-store is built on — with the same file format and the same semantics.
 */
import Conf from 'conf';
import path from 'node:path';
import { AppError } from '../../common/errors';
import { ensureDirSync } from './ensure-dir';

/** A JSON key/value file. Keys are literal (no dot-paths): tenant ids and variable names may contain dots. */
export interface SettingsStore {
  /** Absolute path of the backing file, for diagnostics and for the "no secret in any file" tests. */
  readonly path: string;
  get<T = unknown>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  has(key: string): boolean;
  /** Every top-level key currently stored. */
  keys(): string[];
}

/** The minimal surface of conf/electron-store we rely on; both classes satisfy it. */
export interface ConfLike {
  readonly path: string;
  readonly store: Record<string, unknown>;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  has(key: string): boolean;
}

/** Wraps a conf-compatible instance; a corrupt file becomes SETTINGS_CORRUPT instead of a bare SyntaxError. */
export function wrapConfLike(store: ConfLike): SettingsStore {
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      throw toSettingsError(error, store.path);
    }
  };
  return {
    path: store.path,
    get: <T>(key: string) => guard(() => store.get(key) as T | undefined),
    set: (key, value) => guard(() => store.set(key, value)),
    delete: (key) => guard(() => store.delete(key)),
    has: (key) => guard(() => store.has(key)),
    keys: () => guard(() => Object.keys(store.store)),
  };
}

/** Opens (creating on first write) `<dataDir>/<name>.json` with conf. */
export function createConfSettingsStore(dataDir: string, name: string): SettingsStore {
  if (!path.isAbsolute(dataDir)) {
    throw new AppError('SETTINGS_PATH_INVALID', `The data folder "${dataDir}" is not an absolute path.`, 'Pass an absolute --data-dir (or DROP_RUNNER_DATA_DIR).');
  }
  let conf: Conf<Record<string, unknown>>;
  try {
    // conf would make the folder with a recursive mkdir, which never returns on some file systems.
    ensureDirSync(dataDir);
    // conf reads the file in its constructor, so a corrupt file fails here already.
    conf = new Conf<Record<string, unknown>>({
      cwd: dataDir,
      configName: name,
      accessPropertiesByDotNotation: false,
      // The file holds no secrets, but it names hospitals' servers and databases: keep it to the owner.
      configFileMode: 0o600,
      clearInvalidConfig: false,
    });
  } catch (error) {
    throw toSettingsError(error, path.join(dataDir, `${name}.json`));
  }
  return wrapConfLike(conf as unknown as ConfLike);
}

function toSettingsError(error: unknown, file: string): unknown {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SyntaxError) {
    return new AppError(
      'SETTINGS_CORRUPT',
      `The settings file ${file} is not valid JSON (${message}).`,
      'Restore the file from a backup, or move it aside to start with empty settings (remembered values in it will be lost; keychain secrets stay).',
      { path: file },
    );
  }
  const code = (error as { code?: string } | null)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC' || code === 'ENOENT' || code === 'ENOTDIR') {
    return new AppError('SETTINGS_WRITE_FAILED', `Cannot read or write the settings file ${file}: ${message}`, 'Check that the data folder exists, is writable by this user and the disk is not full.', { path: file, errno: code });
  }
  return error;
}
