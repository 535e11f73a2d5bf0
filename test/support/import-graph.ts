// The folder-level import graph of the sources, for the architecture tests: which folder imports which,
// and the cycles in that graph. Uses TypeScript's own pre-processor so dynamic and type imports count too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Folder (forward slashes, relative to the root) → folders it imports from. */
export type FolderGraph = Map<string, Set<string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const toKey = (root: string, dir: string): string => relative(root, dir).split(sep).join('/') || '.';

const nested = (a: string, b: string): boolean => a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/**
 * Edges between sibling folders: imports inside one folder, and between a folder and its own sub-folders
 * (a domain composing its parts, the parts using the domain's types), are not edges.
 */
export function folderGraph(root: string, top: readonly string[]): FolderGraph {
  const graph: FolderGraph = new Map();
  for (const file of top.flatMap((t) => sourceFiles(join(root, t)))) {
    const from = toKey(root, dirname(file));
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const imported of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const to = toKey(root, dirname(resolve(dirname(file), imported.fileName)));
      if (to !== from && !nested(to, from) && !to.startsWith('..')) edges.add(to);
    }
  }
  return graph;
}

/** Every elementary cycle's folders in order (one rotation each), found by depth-first search. */
export function findCycles(graph: FolderGraph): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (node: string): void => {
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onStack.has(next)) {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (!stack.includes(next)) visit(next);
    }
    stack.pop();
    onStack.delete(node);
  };
  for (const node of [...graph.keys()].sort()) visit(node);
  return cycles;
}
