import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { SECRET_MAX_BYTES, classifyKeychainFailure, createKeychainSecretStore, secretsHint, secretsUnavailable } from '../../../main/platform/secret-store';
import { keyringAvailable, keyringSkipMessage, uniqueSecret } from '../tenants/tenant-test-support';

async function codeOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

describe('keychain failure classification', () => {
  // The messages the keychain libraries really produced on the build machine (reference doc §2 and our own runs).
  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'no-dbus'],
    ['Could not connect: No such file or directory', 'no-dbus'],
    ['Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead', 'no-dbus'],
    ['Platform failure: DBus error: Failed to connect to socket /nonexistent: No such file or directory', 'no-dbus'],
    ['Disk quota exceeded (os error 122)', 'quota'],
    ['Error spawning command line “dbus-launch --autolaunch=abc --binary-syntax --close-stderr”: Child process exited with code 1', 'no-dbus'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'no-provider'],
    ['Cannot create an item in a locked collection', 'locked'],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'no-collection'],
    ['A specified logon session does not exist. It may already have been terminated.', 'no-logon-session'],
    ['User interaction is not allowed.', 'locked'],
    ['something else entirely', 'unknown'],
  ] as const)('%s → %s', (message, reason) => {
    expect(classifyKeychainFailure(message)).toBe(reason);
  });

  it('gives a platform-specific hint', () => {
    expect(secretsHint('linux', 'no-dbus')).toMatch(/gnome-keyring.*unlock the login keyring.*D-Bus session/);
    expect(secretsHint('win32', 'unknown')).toContain('Credential Manager');
    expect(secretsHint('darwin', 'locked')).toContain('Keychain');
    const err = secretsUnavailable('locked', 'win32', 'detail');
    expect(err.code).toBe('SECRETS_UNAVAILABLE');
    expect(err.message).toContain('Windows Credential Manager');
    expect(err.details).toEqual({ reason: 'locked', platform: 'win32' });
  });
});

describe('createKeychainSecretStore without a keychain', () => {
  it('rejects a value over 2,560 bytes with SECRET_TOO_LARGE, without echoing it', async () => {
    const store = createKeychainSecretStore({ moduleId: 'keytar-module-that-does-not-exist' });
    const big = 'é'.repeat(1281); // 2,562 UTF-8 bytes but only 1,281 characters: the cap is in bytes
    const err = await codeOf(store.set('drop-runner/t', 'Big', big));
    expect(err.code).toBe('SECRET_TOO_LARGE');
    expect(err.details).toMatchObject({ account: 'Big', bytes: 2562, maxBytes: SECRET_MAX_BYTES });
    expect(err.message).not.toContain(big);
  });

  it('maps a missing native module to SECRETS_UNAVAILABLE (module-missing), loaded only on first use', async () => {
    const store = createKeychainSecretStore({ moduleId: 'keytar-module-that-does-not-exist', platform: 'linux' });
    const err = await codeOf(store.get('drop-runner/t', 'X'));
    expect(err.code).toBe('SECRETS_UNAVAILABLE');
    expect(err.details).toMatchObject({ reason: 'module-missing' });
    expect(err.hint).toContain('Reinstall');
  });

  it("classifies the binding's real dead-socket failure as no-dbus (child process exits normally)", () => {
    // The binding itself in a fresh process, pinned to the Secret Service so it cannot fall back.
    const code = "const {AsyncEntry}=require('@napi-rs/keyring');Promise.resolve().then(()=>new AsyncEntry('s','a',{linux:{store:'secret-service'}}).getPassword()).then(v=>console.log('value',v),e=>console.log('error',e.message))";
    const r = spawnSync(process.execPath, ['-e', code], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/drop-runner-test-bus' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(classifyKeychainFailure(r.stdout.replace(/^error /, ''))).toBe('no-dbus');
  });
});

describe.skipIf(!keyringAvailable)('createKeychainSecretStore against gnome-keyring', () => {
  it('stores, reads, deletes; get of an absent item is null', async () => {
    const store = createKeychainSecretStore({ linuxStore: 'secret-service' });
    const service = `drop-runner/test-${process.pid}`;
    const value = uniqueSecret('rt');
    await store.set(service, 'Password', value);
    expect(await store.get(service, 'Password')).toBe(value);
    expect(await store.delete(service, 'Password')).toBe(true);
    expect(await store.get(service, 'Password')).toBeNull();
    expect(await store.delete(service, 'Password')).toBe(false);
  });

  it('accepts exactly 2,560 bytes', async () => {
    const store = createKeychainSecretStore({ linuxStore: 'secret-service' });
    const service = `drop-runner/test-${process.pid}`;
    const value = 'x'.repeat(SECRET_MAX_BYTES);
    await store.set(service, 'Max', value);
    expect(await store.get(service, 'Max')).toBe(value);
    await store.delete(service, 'Max');
  });

  it('auto picks the running Secret Service, which lasts', async () => {
    expect(await createKeychainSecretStore({ linuxStore: 'auto' }).probe()).toMatchObject({ backend: 'secret-service', lasting: true });
  });

  it('probe() does a round trip and leaves nothing behind', async () => {
    const store = createKeychainSecretStore({ linuxStore: 'secret-service' });
    const search = () => {
      const r = spawnSync('secret-tool', ['search', '--all', 'service', 'drop-runner/probe'], { encoding: 'utf8' });
      return r.stdout + r.stderr;
    };
    // Control: the search really sees items of this service, so "nothing found" below means something.
    await store.set('drop-runner/probe', 'control', 'c');
    expect(search()).toContain('attribute.username = control');
    await store.delete('drop-runner/probe', 'control');
    await store.probe();
    expect(search()).not.toContain('attribute.username');
  });
});

if (!keyringAvailable) {
  console.warn(keyringSkipMessage);
  describe('createKeychainSecretStore against gnome-keyring', () => {
    it.skip(keyringSkipMessage, () => undefined);
  });
}
