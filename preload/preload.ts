// The sandboxed preload: exposes exactly the contract (invoke, on, fileToPath) and nothing of Node or Electron.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { DropRunnerApi, EventName } from '../common/contract';
import { EVENT_NAMES, REQUEST_NAMES } from '../common/contract-names';

const INVOKE_CHANNEL = 'drop-runner:invoke';
const EVENT_CHANNEL = 'drop-runner:event';
const known = new Set<string>(REQUEST_NAMES);
const knownEvents = new Set<string>(EVENT_NAMES);

const api: DropRunnerApi = {
  invoke: (name, params) => {
    if (!known.has(name)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_REQUEST', message: `There is no request named "${String(name)}".`, hint: 'Restart Drop Runner.' } });
    }
    return ipcRenderer.invoke(INVOKE_CHANNEL, name, params);
  },
  on: (name, listener) => {
    if (!knownEvents.has(name)) return () => {};
    const relay = (_event: unknown, eventName: EventName, payload: unknown) => {
      if (eventName === name) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, relay);
  },
  fileToPath: async (file) => {
    const path = webUtils.getPathForFile(file);
    return path ? { ok: true, path } : { ok: false, error: { code: 'FILE_HAS_NO_PATH', message: 'The dropped item is not a file on disk.', hint: 'Drop the .zip file itself, or use File › Open drop….' } };
  },
};

contextBridge.exposeInMainWorld('dropRunner', api);
