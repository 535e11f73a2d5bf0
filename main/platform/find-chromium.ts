import { join } from 'node:path';
import { findOnPath, isExecutableFile } from './find-executable';

/** Overrides where Chromium/Edge is looked for (PDF export outside Electron). */
export const CHROMIUM_ENV = 'DROP_RUNNER_CHROMIUM';

/** Finds a Chromium-family browser for headless PDF printing: the override, PATH, then standard installs; null when none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = env[CHROMIUM_ENV];
  if (explicit) return isExecutableFile(explicit) ? explicit : null;
  if (process.platform === 'win32') {
    const roots = [env.ProgramFiles, env['ProgramFiles(x86)'], env.LOCALAPPDATA].filter((p): p is string => Boolean(p));
    const candidates = roots.flatMap((root) => [
      join(root, 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
      join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'),
      join(root, 'Chromium', 'Application', 'chrome.exe'),
    ]);
    return candidates.find(isExecutableFile) ?? null;
  }
  if (process.platform === 'darwin') {
    const apps = ['/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium'];
    return apps.find(isExecutableFile) ?? null;
  }
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge']) {
    const found = findOnPath(name, env);
    if (found) return found;
  }
  return null;
}
