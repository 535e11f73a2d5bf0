// What `npm test` needs from the machine beyond node_modules, and bringing it up: Debian packages
// (installed when we run as root on Debian, as CI does; otherwise named in one command), and on Linux
// a private D-Bus session with an unlocked gnome-keyring so the Secret Service suites run for real.
// Used by scripts/test-all.mjs and .ci/run; the package list lives here only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Debian packages the suites use: the browser, the keyring, PDF text extraction, zip tools, a TDS client,
 * and for the ODBC session suite unixODBC with FreeTDS's ODBC driver plus what builds msnodesqlv8
 * (scripts/build-odbc-driver.mjs).
 */
export const DEBIAN_PACKAGES = ['chromium', 'xvfb', 'xauth', 'dbus', 'gnome-keyring', 'libsecret-tools', 'poppler-utils', 'fonts-dejavu-core', 'fonts-liberation', 'zip', 'unzip', 'freetds-bin', 'unixodbc-dev', 'tdsodbc', 'g++', 'make', 'python3'];

/** The packages dpkg does not know as installed; empty off Debian (dpkg absent). */
export function missingDebianPackages() {
  if (process.platform !== 'linux' || !hasCommand('dpkg')) return [];
  return DEBIAN_PACKAGES.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
}

export function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Installs the missing packages when we are root on Debian; otherwise returns the one command to run. */
export function ensureDebianPackages(log = console.log) {
  const missing = missingDebianPackages();
  if (missing.length === 0) return { ok: true };
  const command = `sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !hasCommand('apt-get')) return { ok: false, missing, command };
  log(`Installing Debian packages the tests use: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env }) : update;
  const still = missingDebianPackages();
  return install.status === 0 && still.length === 0 ? { ok: true, installed: missing } : { ok: false, missing: still, command };
}

/** True when a private keyring session can be started here (and we are not in one already). */
export function canStartKeyringSession() {
  return process.platform === 'linux' && hasCommand('dbus-run-session') && hasCommand('gnome-keyring-daemon') && existsSync('scripts/with-keyring.sh');
}
