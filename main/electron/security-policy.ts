import { app, session, type WebContents } from 'electron';
import { APP_ORIGIN } from './app-protocol';

/** True when a URL belongs to our own UI (the only content any window may show). */
export function isAppUrl(url: string): boolean {
  try {
    return new URL(url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}

/**
 * Locks every web contents down: no navigation away from app://, no new windows, no <webview>, and
 * every permission request denied.
 */
export function applySecurityPolicy(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    // The UI never needs another window or the OS browser: nothing is opened, not even https links.
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
