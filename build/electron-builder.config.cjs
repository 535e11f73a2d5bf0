// electron-builder configuration. Offline builds: point DROP_RUNNER_ELECTRON_DIST at an unpacked Electron
// (the folder holding electron.exe / electron) and no download happens.
const { FuseV1Options, FuseVersion, flipFuses } = require('@electron/fuses');
const path = require('node:path');

const electronDist = process.env.DROP_RUNNER_ELECTRON_DIST || undefined;

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'com.meridian.droprunner',
  productName: 'Drop Runner',
  directories: { output: 'out', buildResources: 'build' },
  electronDist,
  files: ['dist/**/*', 'bin/**/*', 'package.json', '!**/*.map'],
  // The keyring binding is a native module: it must live outside the asar archive to be loadable. It is
  // N-API, so the prebuilt binary loads in Electron as in Node and nothing needs rebuilding. The drop worker
  // thread is started from a file path, which must be a real file too (it is bundled, so it needs no node_modules).
  // msnodesqlv8 (Windows integrated authentication) is a native module too; its win32-x64 prebuilt declares
  // Node-API 10, which Electron's Node provides.
  asarUnpack: ['node_modules/@napi-rs/keyring*/**', 'node_modules/msnodesqlv8/**', 'dist/main/drop-worker.cjs'],
  npmRebuild: false,
  // Hospitals change software through their own change control: no auto-update feed.
  publish: null,
  win: {
    target: [
      { target: 'nsis', arch: ['x64'] },
      { target: 'zip', arch: ['x64'] },
    ],
  },
  nsis: {
    // Per-machine: hospital IT installs once for every engineer who logs on to the VM.
    perMachine: true,
    oneClick: false,
    allowElevation: true,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
  },
  linux: {
    target: ['dir', 'tar.gz'],
    category: 'Development',
  },
  // Fuses are flipped in the packaged binary after packing, before signing.
  afterPack: async (context) => {
    const ext = { darwin: '.app', win32: '.exe', linux: '' }[context.electronPlatformName];
    const name = context.electronPlatformName === 'linux' ? context.packager.executableName : context.packager.appInfo.productFilename;
    await flipFuses(path.join(context.appOutDir, `${name}${ext}`), {
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    });
  },
};
