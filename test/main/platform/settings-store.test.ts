import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../common/errors';
import { createConfSettingsStore } from '../../../main/platform/settings-store';
import { scratchDir } from '../tenants/tenant-test-support';

describe('createConfSettingsStore', () => {
  it('stores JSON under <dataDir>/<name>.json, readable by a second instance', () => {
    const dir = scratchDir('settings');
    const a = createConfSettingsStore(dir, 'prefs');
    expect(a.path).toBe(path.join(dir, 'prefs.json'));
    expect(a.has('x')).toBe(false);
    a.set('x', { n: 1, list: ['a'] });
    const b = createConfSettingsStore(dir, 'prefs');
    expect(b.get('x')).toEqual({ n: 1, list: ['a'] });
    expect(b.has('x')).toBe(true);
    expect(b.keys()).toEqual(['x']);
    b.delete('x');
    expect(a.get('x')).toBeUndefined();
    expect(JSON.parse(readFileSync(a.path, 'utf8'))).toEqual({});
  });

  it('treats keys literally: a dotted tenant id is one key, not a path', () => {
    const dir = scratchDir('settings');
    const s = createConfSettingsStore(dir, 'prefs');
    s.set('tenant:st.marys', { a: 1 });
    expect(JSON.parse(readFileSync(s.path, 'utf8'))).toEqual({ 'tenant:st.marys': { a: 1 } });
    expect(s.get('tenant:st')).toBeUndefined();
  });

  it('writes the file readable by its owner only', () => {
    const dir = scratchDir('settings');
    const s = createConfSettingsStore(dir, 'prefs');
    s.set('k', 'v');
    expect(statSync(s.path).mode & 0o077).toBe(0);
  });

  it('reports a corrupt file as SETTINGS_CORRUPT naming the file', () => {
    const dir = scratchDir('settings');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'prefs.json'), '{"half": ');
    let caught: unknown;
    try {
      createConfSettingsStore(dir, 'prefs').get('half');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('SETTINGS_CORRUPT');
    expect((caught as AppError).message).toContain(path.join(dir, 'prefs.json'));
  });

  it('rejects a relative data folder with SETTINGS_PATH_INVALID', () => {
    expect(() => createConfSettingsStore('relative/dir', 'prefs')).toThrowError(expect.objectContaining({ code: 'SETTINGS_PATH_INVALID' }));
  });
});
