import { describe, expect, it } from 'vitest';
import { chooseHost, electronBinary } from './app-host';

describe('the end-to-end host fixture', () => {
  it('picks Electron when a binary is installed, the browser host otherwise, and says why', () => {
    expect(chooseHost({}, '/opt/electron/electron')).toEqual({ kind: 'electron', reason: 'Electron binary at /opt/electron/electron', electronBinary: '/opt/electron/electron' });
    expect(chooseHost({}, null)).toMatchObject({ kind: 'browser', reason: expect.stringContaining('no Electron binary is installed') });
  });

  it('DROP_RUNNER_E2E_HOST forces a host; forcing Electron without a binary is an error, not a silent fallback', () => {
    expect(chooseHost({ DROP_RUNNER_E2E_HOST: 'browser' }, '/opt/electron/electron')).toMatchObject({ kind: 'browser' });
    expect(chooseHost({ DROP_RUNNER_E2E_HOST: 'electron' }, '/opt/electron/electron')).toMatchObject({ kind: 'electron' });
    expect(() => chooseHost({ DROP_RUNNER_E2E_HOST: 'electron' }, null)).toThrow(/no Electron binary is installed/);
    expect(() => chooseHost({ DROP_RUNNER_E2E_HOST: 'firefox' }, null)).toThrow(/neither "browser" nor "electron"/);
  });

  it('on this machine the choice follows what npm installed', () => {
    expect(chooseHost({}).kind).toBe(electronBinary() ? 'electron' : 'browser');
  });
});
