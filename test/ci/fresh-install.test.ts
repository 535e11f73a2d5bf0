/**
 * A fresh Debian machine with Node and nothing else must install and test as the README says
 * (issue 14): no dependency may need a compiler or a -dev package, and CI runs the README's commands.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; dev?: boolean; optional?: boolean; os?: string[] }> };
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; allowScripts: Record<string, boolean> };

describe('npm install on a fresh machine', () => {
  it('no runtime dependency runs an install script (nothing is compiled; keytar and its libsecret build are gone)', () => {
    // msnodesqlv8 (optional, for Windows integrated authentication) has one, and allowScripts denies it: its
    // prebuilt binaries are used as shipped, and `npm run odbc-driver` builds it on purpose where needed.
    const denied = new Set(Object.entries(pkg.allowScripts).filter(([, allowed]) => allowed === false).map(([name]) => `node_modules/${name}`));
    const scripted = Object.entries(lock.packages).filter(([name, p]) => name && p.hasInstallScript && !p.dev && !denied.has(name));
    expect(scripted.map(([name]) => name)).toEqual([]);
    expect(denied).toContain('node_modules/msnodesqlv8');
    expect(lock.packages['node_modules/msnodesqlv8']).toMatchObject({ optional: true });
    expect(Object.keys(lock.packages).filter((n) => n.endsWith('/keytar'))).toEqual([]);
    expect(pkg.allowScripts).not.toHaveProperty('keytar');
  });

  it('the keychain binding ships prebuilt binaries for Windows, macOS and Linux in the registry', () => {
    expect(pkg.dependencies).toHaveProperty('@napi-rs/keyring');
    const prebuilt = Object.entries(lock.packages).filter(([name, p]) => name.startsWith('node_modules/@napi-rs/keyring-') && p.optional);
    const platforms = prebuilt.flatMap(([, p]) => p.os ?? []);
    expect(platforms).toEqual(expect.arrayContaining(['win32', 'darwin', 'linux']));
  });

  it('.ci/run installs with pkg-config blinded and then runs plain `npm test`', () => {
    const ci = readFileSync(path.join(root, '.ci', 'run'), 'utf8').split('\n').map((l) => l.trim());
    expect(ci).toContain('PKG_CONFIG_PATH=/nonexistent PKG_CONFIG_LIBDIR=/nonexistent npm ci --no-audit --no-fund');
    expect(ci).toContain('npm test 2>&1 | tee test-results/ci-output.txt');
    expect(ci.join('\n')).not.toMatch(/with-keyring|apt-get|libsecret-1-dev/);
  });
});
