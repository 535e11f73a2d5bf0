import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, hostname, platform, release, userInfo } from 'node:os';
import { join } from 'node:path';
import type { DiagnosticItem, Diagnostics } from '../../common/contract';
import { toErrorShape } from '../../common/errors';
import { appPackage } from '../platform/app-version';
import { ensureDirSync } from '../platform/ensure-dir';
import { integratedAuthAvailability } from '../sql/sql-driver';
import type { SecretStoreInfo } from '../platform/secret-store';

/** The machine-specific probes; injected so each host passes its real ones (Electron, Node) and tests stay honest. */
export interface DiagnosticProbes {
  dataDir: string;
  /** A real keychain round trip on a throw-away item; throws SECRETS_UNAVAILABLE when it cannot, else says which store answered. */
  probeKeychain: () => Promise<SecretStoreInfo | void>;
  /** Path of a Chromium-family browser usable for PDF export, or null. */
  findChromium: () => string | null;
  /** Path of SqlPackage, or null. */
  findSqlPackage: () => string | null;
  host: 'electron' | 'web' | 'cli';
}

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function probeWritable(dir: string): DiagnosticItem {
  try {
    ensureDirSync(dir);
    const probe = join(dir, `.write-probe-${process.pid}-${Date.now()}`);
    writeFileSync(probe, 'probe');
    rmSync(probe);
    return { id: 'data-dir', label: 'Data folder', status: 'ok', value: `${dir} (writable)`, required: true };
  } catch (error) {
    return {
      id: 'data-dir',
      label: 'Data folder',
      status: 'fail',
      value: `${dir} (not writable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      required: true,
      hint: 'Choose a folder you can write to with --data-dir (or DROP_RUNNER_DATA_DIR), or fix its permissions.',
    };
  }
}

/** Answers "is this machine ready?" and gathers the support facts hospital IT asks for. */
export async function collectDiagnostics(probes: DiagnosticProbes): Promise<Diagnostics> {
  const app = appPackage();
  const items: DiagnosticItem[] = [];
  items.push({ id: 'app', label: 'Drop Runner', status: 'ok', value: `${app.version} (${probes.host} host)`, required: false });
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // some service accounts have no passwd entry; the name is informational only
  }
  items.push({ id: 'os', label: 'Operating system', status: 'ok', value: `${platform()} ${release()} ${arch()} — ${hostname()} — user ${user}`, required: false });
  items.push({ id: 'node', label: 'Runtime', status: 'ok', value: `Node ${process.versions.node}${process.versions.electron ? `, Electron ${process.versions.electron}` : ''}`, required: false });
  items.push(probeWritable(probes.dataDir));

  try {
    const info = await probes.probeKeychain();
    const where = info ? `${info.description}; ` : '';
    // A store that forgets at reboot works for today's deployment, so it is a warning, not a failure.
    items.push(
      info && !info.lasting
        ? { id: 'keychain', label: 'OS keychain', status: 'warn', value: `${where}write, read and delete of a test item succeeded`, required: true, ...(info.hint ? { hint: info.hint } : {}) }
        : { id: 'keychain', label: 'OS keychain', status: 'ok', value: `reachable (${where}write, read and delete of a test item succeeded)`, required: true },
    );
  } catch (error) {
    const shape = toErrorShape(error);
    items.push({ id: 'keychain', label: 'OS keychain', status: 'fail', value: `${shape.code}: ${shape.message}`, required: true, hint: shape.hint });
  }

  items.push({ id: 'sql-client', label: 'SQL client library', status: 'ok', value: `mssql ${packageVersion('mssql')}, tedious ${packageVersion('tedious')}`, required: false });
  const integrated = integratedAuthAvailability();
  items.push({
    id: 'integrated-auth',
    label: 'Windows integrated authentication',
    status: integrated.available ? 'ok' : 'warn',
    value: integrated.available ? `${integrated.text} (msnodesqlv8 ${packageVersion('msnodesqlv8')})` : integrated.text,
    required: false,
    ...(integrated.hint ? { hint: integrated.hint } : {}),
  });

  const chromium = probes.findChromium();
  items.push(
    chromium
      ? { id: 'chromium', label: 'Chromium for PDF export', status: 'ok', value: chromium, required: false }
      : { id: 'chromium', label: 'Chromium for PDF export', status: 'warn', value: 'not found', required: false, hint: 'PDF export from the CLI and browser host needs Chromium or Edge; HTML and JSON reports still work. Set DROP_RUNNER_CHROMIUM to its path.' },
  );
  const sqlPackage = probes.findSqlPackage();
  items.push(
    sqlPackage
      ? { id: 'sqlpackage', label: 'SqlPackage (for .dacpac steps)', status: 'ok', value: sqlPackage, required: false }
      : { id: 'sqlpackage', label: 'SqlPackage (for .dacpac steps)', status: 'warn', value: 'not found', required: false, hint: 'Only needed for drops with dacpac steps: install SqlPackage or set its path in DROP_RUNNER_SQLPACKAGE.' },
  );

  const ready = items.every((item) => !item.required || item.status !== 'fail');
  return { ready, generatedAt: new Date().toISOString(), items };
}
