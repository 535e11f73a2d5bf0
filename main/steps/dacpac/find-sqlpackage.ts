import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath, isExecutableFile } from '../../platform/find-executable';

/** The environment variable (or setting) that points at SqlPackage when it is not in a standard place. */
export const SQLPACKAGE_ENV = 'DROP_RUNNER_SQLPACKAGE';

/** Standard install folders: the DacFx MSI, the dotnet global tool, and SSMS/Visual Studio's bundled copies. */
function standardLocations(env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  if (process.platform === 'win32') {
    const programFiles = [env.ProgramFiles, env['ProgramFiles(x86)']].filter((p): p is string => Boolean(p));
    for (const root of programFiles) {
      const dacRoot = join(root, 'Microsoft SQL Server');
      if (existsSync(dacRoot)) {
        // Newest version folder first (e.g. 170 before 160).
        for (const version of readdirSync(dacRoot).sort().reverse()) found.push(join(dacRoot, version, 'DAC', 'bin', 'SqlPackage.exe'));
      }
    }
    if (env.USERPROFILE) found.push(join(env.USERPROFILE, '.dotnet', 'tools', 'sqlpackage.exe'));
  } else if (env.HOME) {
    found.push(join(env.HOME, '.dotnet', 'tools', 'sqlpackage'), '/opt/sqlpackage/sqlpackage');
  }
  return found;
}

/** Finds SqlPackage: the configured path, then PATH, then the standard install folders; null when absent. */
export function findSqlPackage(configured?: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const explicit = configured ?? env[SQLPACKAGE_ENV];
  if (explicit) return isExecutableFile(explicit) ? explicit : null;
  return findOnPath('SqlPackage', env) ?? findOnPath('sqlpackage', env) ?? standardLocations(env).find(isExecutableFile) ?? null;
}
