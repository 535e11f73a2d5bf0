/**
 * Shared pieces of the tenant and keychain tests: Drop objects for two releases, child-process
 * bundles (a fresh process is the only honest "restart", and libsecret caches its D-Bus connection
 * per process), scratch data folders, and the "no secret in any file" scan.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Drop, VariableTemplate } from '../../../common/drop-model';

/** The shared leak scan (test/support/secret-scan.ts), re-exported for this folder's tests. */
export { filesContaining } from '../../support/secret-scan';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Keyring tests run only inside scripts/with-keyring.sh (or a desktop session). */
export const keyringAvailable = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
export const keyringSkipMessage = 'SKIPPED: no D-Bus session (DBUS_SESSION_BUS_ADDRESS unset) — run under `bash scripts/with-keyring.sh npx vitest run test/main/tenants`';

const hasTool = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
/** Tests that build their own D-Bus session need these binaries, not the outer keyring. */
export const sessionToolsAvailable = hasTool('dbus-run-session') && hasTool('gnome-keyring-daemon') && hasTool('dbus-send');

/** A scratch data folder under the OS temp dir. */
export { scratchDir } from '../../support/scratch-dir';

/** A secret value no other test output could contain by accident. */
export function uniqueSecret(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}-S3cr3t!`;
}

/** The built child programs: the real CLI and a small driver of the tenant store. */
export interface Children {
  cli: string;
  driver: string;
}

let children: Promise<Children> | undefined;

/** Bundles the CLI entry and the tenant driver once per test file (inside the repo, so node_modules resolve). */
export function buildChildren(): Promise<Children> {
  children ??= (async () => {
    const outDir = path.join(repoRoot, '.tmp', `tenant-tests-${process.pid}-${Date.now()}`);
    mkdirSync(outDir, { recursive: true });
    const common = { bundle: true, platform: 'node' as const, format: 'esm' as const, packages: 'external' as const, logLevel: 'warning' as const };
    await build({ ...common, entryPoints: [path.join(repoRoot, 'main/cli/cli-entry.ts')], outfile: path.join(outDir, 'cli.mjs') });
    await build({ ...common, entryPoints: [path.join(repoRoot, 'test/main/tenants/tenant-driver.ts')], outfile: path.join(outDir, 'driver.mjs') });
    return { cli: path.join(outDir, 'cli.mjs'), driver: path.join(outDir, 'driver.mjs') };
  })();
  return children;
}

/** Removes this process's bundles. */
export function removeChildren(c: Children | undefined): void {
  if (c) rmSync(path.dirname(c.cli), { recursive: true, force: true });
}

/** Runs `node <script> args…` with extra env, optionally wrapped (e.g. in dbus-run-session). */
export function runNode(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; wrap?: string[] } = {}): SpawnSyncReturns<string> {
  const command = options.wrap ? options.wrap[0]! : process.execPath;
  const argv = options.wrap ? [...options.wrap.slice(1), process.execPath, script, ...args] : [script, ...args];
  return spawnSync(command, argv, {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** A D-Bus session config with no service files at all: the bus runs, but nothing provides org.freedesktop.secrets. */
export function writeNoProviderBusConfig(dir: string): string {
  const file = path.join(dir, 'no-secret-service.conf');
  writeFileSync(
    file,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=${dir}</listen>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`,
  );
  return file;
}

/**
 * A wrapper that starts a private D-Bus session with gnome-keyring unlocked, stores whatever the
 * given shell snippet does, then LOCKS the login collection before running the command: the state
 * of a desktop whose keyring was locked (screen lock, timeout) after secrets were saved.
 */
export function lockedKeyringWrap(dir: string, beforeLock = ''): string[] {
  mkdirSync(path.join(dir, 'xdg-data'), { recursive: true });
  mkdirSync(path.join(dir, 'xdg-run'), { recursive: true, mode: 0o700 });
  const script = `
    printf %s locked-keyring-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    ${beforeLock}
    dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
      org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null
    exec "$@"`;
  return ['env', `XDG_DATA_HOME=${path.join(dir, 'xdg-data')}`, `XDG_RUNTIME_DIR=${path.join(dir, 'xdg-run')}`, 'dbus-run-session', '--', 'bash', '-c', script, 'bash'];
}

/** A template with the fields the tests care about. */
export function template(name: string, extra: Partial<VariableTemplate> = {}): VariableTemplate {
  return { name, label: extra.label ?? name, type: 'text', required: false, sensitive: false, ...extra };
}

/** A native Drop with the given templates; only the parts tenant code reads are meaningful. */
export function makeDrop(version: string, variables: VariableTemplate[], tenantId = 'st-marys'): Drop {
  return {
    id: `drop-${version}`,
    format: 'native',
    formatVersion: '1',
    project: { id: 'pas', name: 'Patient Admin' },
    release: { version },
    target: { tenantId, tenantName: "St Mary's Hospital", environment: 'Production' },
    variables,
    baked: [],
    steps: [],
    files: [],
    packages: [],
    provenance: { sourcePath: `/drops/pas-${version}.zip`, sourceKind: 'zip', sha256: null, signature: { state: 'unsigned' }, fileCount: 0, totalSize: 0 },
    root: `/data/drops/drop-${version}`,
  };
}

/**
 * Two releases of the same drop, built so that release 2 against a tenant that deployed release 1
 * yields every diff status once (see the expectations in the tests).
 */
export function twoReleases(): { r1: Drop; r2: Drop } {
  const r1 = makeDrop('1.0.0', [
    template('DbServer', { required: true, group: 'Database' }),
    template('DbPassword', { type: 'sensitive', sensitive: true, required: true, group: 'Database' }),
    template('BatchSize', { type: 'text', default: '100' }),
    template('Timeout', { type: 'number', default: '30' }),
    template('LegacyShare', { default: '\\\\fs01\\legacy' }),
    template('ReportTitle', { default: 'Admissions' }),
  ]);
  const r2 = makeDrop('2.0.0', [
    template('DbServer', { required: true, group: 'Database' }), // remembered
    template('DbPassword', { type: 'sensitive', sensitive: true, required: true, group: 'Database' }), // remembered (secret)
    template('BatchSize', { type: 'number', default: '100' }), // type-changed: text → number
    template('Timeout', { type: 'number', default: '60' }), // default-changed: 30 → 60
    template('ReportTitle', { default: 'Admissions' }), // unchanged: drop default, same as before
    template('AuditDb', { default: 'Audit' }), // new (has a default)
    template('SmtpHost', { required: true }), // new and required, no value: missing-required
    // LegacyShare is gone: the tenant's remembered value is "removed"
  ]);
  return { r1, r2 };
}
