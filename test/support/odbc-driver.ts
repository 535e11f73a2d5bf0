/**
 * Whether the ODBC path (msnodesqlv8 through unixODBC and FreeTDS's ODBC driver) can run here, and if
 * not, exactly why — so an ODBC suite that cannot run says so in its title instead of passing.
 * The driver is probed in a child process: a native module that crashes while loading (msnodesqlv8's
 * own Linux prebuilt does, on Node 20) must not take the test worker down with it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** The FreeTDS ODBC driver as Debian's tdsodbc registers it in /etc/odbcinst.ini. */
export const FREETDS_DRIVER = 'FreeTDS';

function registeredDrivers(): string {
  const run = spawnSync('odbcinst', ['-q', '-d'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout : '';
}

/** Undefined when msnodesqlv8 loads and FreeTDS's ODBC driver is registered; otherwise the reason. */
export function whyNoOdbcPath(): string | undefined {
  const probe = spawnSync(process.execPath, ['-e', "require('msnodesqlv8'); console.log('loaded')"], { encoding: 'utf8' });
  if (probe.status !== 0 || !probe.stdout.includes('loaded')) {
    const status = '.tmp/odbc-driver/status.json';
    const built = existsSync(status) ? (JSON.parse(readFileSync(status, 'utf8')) as { ok: boolean; reason?: string }) : undefined;
    const cause = probe.signal ? `loading it crashed with ${probe.signal}` : (probe.stderr.split('\n').find((l) => /Error/.test(l)) ?? 'it does not load').trim();
    return `msnodesqlv8 is not usable here (${cause}); ${built && !built.ok ? `npm run odbc-driver said: ${built.reason}` : 'build it with npm run odbc-driver (needs unixodbc-dev, tdsodbc, g++, make)'}`;
  }
  if (!new RegExp(`^\\[${FREETDS_DRIVER}\\]`, 'm').test(registeredDrivers())) {
    return `FreeTDS's ODBC driver is not registered with unixODBC (odbcinst -q -d does not list [${FREETDS_DRIVER}]); install Debian's tdsodbc`;
  }
  return undefined;
}
