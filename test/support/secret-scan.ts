import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Every file under `dir` whose bytes contain one of the values, raw or JSON-escaped (as a settings or
 * journal file would hold it); the list is empty when nothing leaked. Hits name the file and only the
 * first characters of the value, so a failing test does not print the secret itself.
 */
export function filesContaining(dir: string, values: string[]): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const bytes = readFileSync(p);
        for (const v of values) {
          if (bytes.includes(Buffer.from(v, 'utf8')) || bytes.includes(Buffer.from(JSON.stringify(v).slice(1, -1), 'utf8'))) hits.push(`${p}: ${v.slice(0, 4)}…`);
        }
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return hits;
}
