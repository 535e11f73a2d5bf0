import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { name: string; version: string } | null = null;

/** The application's name and version from the nearest package.json above this module (source or dist). */
export function appPackage(): { name: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; productName?: string; version?: string };
      if (pkg.name === 'drop-runner' && pkg.version) {
        cached = { name: pkg.productName ?? 'Drop Runner', version: pkg.version };
        return cached;
      }
    } catch {
      // not here; keep walking up
    }
    dir = dirname(dir);
  }
  cached = { name: 'Drop Runner', version: '0.0.0-unknown' };
  return cached;
}
