/**
 * Chooses which .sql files of a package folder a `sql-scripts` step runs, and in what order.
 * Order is natural ("2-x.sql" before "10-y.sql") and independent of the machine's locale, so the
 * plan shown on the laptop is the order run on the hospital VM.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../common/errors';

export interface ScriptSelectionSettings {
  /** Explicit list of paths relative to the package folder; run in the order given. Wins over `include`. */
  scripts?: string[];
  /** Glob patterns (`**`, `*`, `?`; case-insensitive); default every .sql file. */
  include?: string[];
  exclude?: string[];
  /** Patterns of scripts that run on every deployment (never journaled); files under `always/` always are. */
  runAlways?: string[];
}

export interface SelectedScript {
  /** Relative to the package folder, forward slashes: the name recorded in the journal table. */
  name: string;
  path: string;
  runAlways: boolean;
}

/** Lists the scripts to consider, journaled ones first (natural order), then run-always ones. */
export function selectScripts(packageRoot: string, settings: ScriptSelectionSettings): SelectedScript[] {
  const root = path.resolve(packageRoot);
  let rootStat;
  try {
    rootStat = statSync(root);
  } catch {
    rootStat = undefined;
  }
  if (!rootStat?.isDirectory()) {
    throw new AppError('SQL_SCRIPTS_FOLDER_MISSING', `The scripts folder ${root} does not exist.`, 'Check the step\'s package folder in the drop.', { path: root });
  }
  const always = (settings.runAlways ?? []).map(globToRegExp);
  const isAlways = (name: string) => /^always\//i.test(name) || always.some((r) => r.test(name));

  if (settings.scripts && settings.scripts.length > 0) {
    const seen = new Set<string>();
    return settings.scripts.map((entry) => {
      const name = entry.replace(/\\/g, '/').replace(/^\.\//, '');
      const full = path.resolve(root, name);
      const rel = path.relative(root, full);
      if (rel.startsWith('..') || path.isAbsolute(rel)) {
        throw new AppError('SQL_SCRIPT_OUTSIDE_PACKAGE', `The script "${entry}" is outside the package folder.`, 'List scripts by their path inside the package.', { script: entry });
      }
      const normal = rel.split(path.sep).join('/');
      if (seen.has(normal.toLowerCase())) throw new AppError('SQL_SCRIPT_DUPLICATE', `The script "${entry}" is listed twice.`, 'List each script once.', { script: entry });
      seen.add(normal.toLowerCase());
      let isFile: boolean;
      try {
        isFile = statSync(full).isFile();
      } catch {
        isFile = false;
      }
      if (!isFile) throw new AppError('SQL_SCRIPT_MISSING', `The script "${entry}" listed in the step does not exist in the package.`, 'Check the script list against the files in the drop.', { script: entry });
      return { name: normal, path: full, runAlways: isAlways(normal) };
    });
  }

  const include = (settings.include && settings.include.length > 0 ? settings.include : ['**/*.sql']).map(globToRegExp);
  const exclude = (settings.exclude ?? []).map(globToRegExp);
  const names = listFiles(root).filter((n) => include.some((r) => r.test(n)) && !exclude.some((r) => r.test(n)));
  const selected = names.map((name) => ({ name, path: path.join(root, ...name.split('/')), runAlways: isAlways(name) }));
  return [...selected.filter((s) => !s.runAlways).sort((a, b) => naturalCompare(a.name, b.name)), ...selected.filter((s) => s.runAlways).sort((a, b) => naturalCompare(a.name, b.name))];
}

/** Natural, locale-independent comparison: digit runs compare as numbers, letters case-insensitively, then ordinal. */
export function naturalCompare(a: string, b: string): number {
  const ra = /(\d+)|(\D+)/g;
  const rb = /(\d+)|(\D+)/g;
  for (;;) {
    const ma = ra.exec(a);
    const mb = rb.exec(b);
    if (!ma || !mb) return ma ? 1 : mb ? -1 : a < b ? -1 : a > b ? 1 : 0;
    if (ma[1] !== undefined && mb[1] !== undefined) {
      const na = ma[1].replace(/^0+/, '');
      const nb = mb[1].replace(/^0+/, '');
      if (na.length !== nb.length) return na.length - nb.length;
      if (na !== nb) return na < nb ? -1 : 1;
      continue;
    }
    const sa = ma[0].toLowerCase();
    const sb = mb[0].toLowerCase();
    if (sa !== sb) {
      // '/' sorts before anything so a folder's files stay together ahead of longer sibling names.
      const ca = sa.replace(/\//g, '\u0000');
      const cb = sb.replace(/\//g, '\u0000');
      return ca < cb ? -1 : 1;
    }
  }
}

/** Compiles a glob (`**`, `*`, `?`, case-insensitive, `/` or `\` separators) to an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  const g = glob.replace(/\\/g, '/').replace(/^\.\//, '');
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slash = g[i + 2] === '/';
        re += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  walk(root, '');
  return out;
}
