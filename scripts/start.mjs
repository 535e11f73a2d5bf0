// `npm start`: build when the sources are newer than dist/, then open the desktop app; where no Electron
// binary is installed (as on the build machines), say so in one line and start the browser host instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { distIsStale } from './build-freshness.mjs';

if (distIsStale()) {
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const passThrough = process.argv.slice(2);
const electron = electronBinary();
const child = electron
  ? spawn(electron, ['.', ...passThrough], { stdio: 'inherit' })
  : (console.log('No Electron binary is installed here (npm cannot download it on this machine); starting the browser host instead.'),
    spawn(process.execPath, ['dist/main/cli.js', 'serve', ...passThrough], { stdio: 'inherit' }));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
