import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { dispatch } from '../hosting/dispatch';
import type { Service } from '../service';
import { isAppUrl } from './security-policy';

/** The IPC channel names; the preload uses the same two and nothing else. */
export const INVOKE_CHANNEL = 'drop-runner:invoke';
export const EVENT_CHANNEL = 'drop-runner:event';

function senderIsTrusted(event: IpcMainInvokeEvent, window: BrowserWindow): boolean {
  // Only our own window's top frame, showing our own UI, may talk to the engine.
  return event.sender === window.webContents && event.senderFrame !== null && event.senderFrame === window.webContents.mainFrame && isAppUrl(event.senderFrame.url);
}

/**
 * Wires the contract to IPC: validated senders, validated payloads, events pushed to the window.
 * The engine may still be loading (the window is shown first); requests wait for it, none is refused.
 */
export function bridgeIpc(engine: Service | Promise<Service>, window: BrowserWindow): () => void {
  const ready = Promise.resolve(engine);
  ipcMain.handle(INVOKE_CHANNEL, async (event, name: unknown, params: unknown) => {
    if (!senderIsTrusted(event, window)) {
      return { ok: false, error: { code: 'IPC_SENDER_REFUSED', message: 'This request did not come from the Drop Runner window.', hint: 'Restart Drop Runner.' } };
    }
    const service = await ready;
    return dispatch(service.handlers, typeof name === 'string' ? name : '', params, service.redact);
  });
  let unsubscribe: (() => void) | undefined;
  let closed = false;
  void ready.then((service) => {
    if (closed) return;
    unsubscribe = service.events.subscribe((name, payload) => {
      if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, name, payload);
    });
  });
  return () => {
    closed = true;
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe?.();
  };
}
