import { app, BrowserWindow, dialog, safeStorage } from 'electron';
import { join } from 'node:path';
import { resolveDataDir } from '../platform/data-dir';
import { findChromium } from '../platform/find-chromium';
import { createKeychainSecretStore } from '../platform/secret-store';
import type { Service } from '../service';
import { APP_ORIGIN, registerAppScheme, rendererDirFrom, serveRenderer } from './app-protocol';
import { installMenu } from './app-menu';
import { createElectronSettingsStore } from './electron-settings-store';
import { bridgeIpc } from './ipc-bridge';
import { printHtmlToPdf } from './print-pdf';
import { applySecurityPolicy } from './security-policy';

// The Electron shell: one window, our own protocol, the contract over IPC. Everything else is the engine.
registerAppScheme();
void safeStorage; // not used: secrets go to the OS keychain through @napi-rs/keyring, one item per secret (docs/security.md)

/** `--name value` or `--name=value` from Electron's command line (npm start and npm run demo pass either form). */
function argValue(name: string): string | undefined {
  const argv = process.argv;
  const i = argv.indexOf(`--${name}`);
  if (i !== -1) return argv[i + 1];
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const dataDirFlag = argValue('data-dir');
// `npm run demo` points the app at the TDS double; the UI labels the server as simulated.
const simulatedPort = Number(argValue('simulated-port'));
const simulatedServer =
  Number.isInteger(simulatedPort) && simulatedPort > 0 && simulatedPort < 65536
    ? { port: simulatedPort, note: `Simulated SQL Server (the Drop Runner TDS test double) on 127.0.0.1:${simulatedPort}: nothing is deployed to a real server.` }
    : undefined;
if (dataDirFlag || process.env.DROP_RUNNER_DATA_DIR) app.setPath('userData', resolveDataDir(dataDirFlag));

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  let service: Service | null = null;

  app.on('second-instance', () => {
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => void service?.close());

  void app.whenReady().then(async () => {
    applySecurityPolicy();
    serveRenderer(rendererDirFrom(app.getAppPath()));
    const dataDir = app.getPath('userData');
    const secrets = createKeychainSecretStore();
    window = new BrowserWindow({
      width: 1280,
      height: 800,
      minWidth: 1024,
      minHeight: 640,
      title: 'Drop Runner',
      show: false,
      webPreferences: {
        preload: join(app.getAppPath(), 'dist', 'preload', 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
        // DevTools would let anyone at the hospital VM run code in the UI of an installed build.
        devTools: !app.isPackaged,
        navigateOnDragDrop: false,
        // Middle-click would otherwise try to open links in a new window (denied anyway; this stops the attempt).
        disableBlinkFeatures: 'Auxclick',
      },
    });
    const owner = window;
    // The engine (SQL driver, zip readers, schemas) loads while the window paints; IPC requests wait for it.
    const engine = import('../service').then(({ createService }) =>
      createService({
        dataDir,
        host: 'electron',
        settingsFor: (name) => createElectronSettingsStore(dataDir, name),
        secrets,
        printPdf: printHtmlToPdf,
        ...(simulatedServer ? { simulatedServer } : {}),
        findChromium: () => findChromium(),
        pickDropFile: async () => {
          const result = await dialog.showOpenDialog(owner, { title: 'Open a drop', properties: ['openFile'], filters: [{ name: 'Drops', extensions: ['zip'] }] });
          return result.canceled ? null : (result.filePaths[0] ?? null);
        },
      }),
    );
    bridgeIpc(engine, window);
    void engine.then((loaded) => {
      service = loaded;
      if (!owner.isDestroyed()) installMenu(loaded, owner);
    });
    window.once('ready-to-show', () => window?.show());
    await window.loadURL(`${APP_ORIGIN}/index.html`);
  });
}
