/**
 * Variable names seen as paths: `Octopus.Action[Step A].Output.X` is the path
 * octopus → action → [step a] → output → x. The tree lets `#{each a in Octopus.Action}` enumerate the
 * indexed children and lets a lookup fall back to JSON navigation inside a value. All keys are
 * compared case-insensitively, like Octostache.
 */
import type { VariableDictionary } from './variable-dictionary';

export type PathStep = { kind: 'id'; name: string } | { kind: 'index'; key: string };

export interface NameNode {
  /** The segment as first written (for indexers: the index text, e.g. `Step A`). */
  label: string;
  /** Set when a variable ends exactly at this node. */
  variable?: string;
  children: Map<string, NameNode>;
  indexes: Map<string, NameNode>;
}

/** Splits a variable name into path steps; null when the name is not a well-formed path. */
export function splitName(name: string): PathStep[] | null {
  const steps: PathStep[] = [];
  let i = 0;
  const n = name.length;
  if (n === 0) return null;
  while (i < n) {
    if (name[i] === '[') {
      let depth = 1;
      let j = i + 1;
      for (; j < n && depth > 0; j++) {
        if (name[j] === '[') depth++;
        else if (name[j] === ']') depth--;
      }
      if (depth !== 0) return null;
      steps.push({ kind: 'index', key: name.slice(i + 1, j - 1) });
      i = j;
      if (i < n && name[i] === '.') {
        i++;
        if (i >= n) return null;
      } else if (i < n && name[i] !== '[') return null;
      continue;
    }
    let j = i;
    while (j < n && name[j] !== '.' && name[j] !== '[') j++;
    const id = name.slice(i, j).trim();
    if (!id) return null;
    steps.push({ kind: 'id', name: id });
    i = j;
    if (i < n && name[i] === '.') {
      i++;
      if (i >= n) return null;
    }
  }
  return steps;
}

/** The canonical lookup key of a path (case-folded, whitespace around identifiers ignored). */
export function pathKey(steps: PathStep[]): string {
  return steps.map((s, i) => (s.kind === 'id' ? (i === 0 ? '' : '.') + s.name.toLowerCase() : `[${s.key.toLowerCase()}]`)).join('');
}

export class NameTree {
  readonly root: NameNode = newNode('');
  /** Canonical path key → variable name (for direct hits without walking). */
  readonly byPath = new Map<string, string>();

  constructor(vars: VariableDictionary) {
    for (const name of vars.names()) {
      const steps = splitName(name);
      if (!steps) continue;
      this.byPath.set(pathKey(steps), name);
      let node = this.root;
      for (const step of steps) {
        const map = step.kind === 'id' ? node.children : node.indexes;
        const label = step.kind === 'id' ? step.name : step.key;
        const key = label.toLowerCase();
        let next = map.get(key);
        if (!next) {
          next = newNode(label);
          map.set(key, next);
        }
        node = next;
      }
      node.variable = name;
    }
  }

  /** Walks from `from` (default: the root) along steps; `*` as an index picks the first index that completes the path. */
  walk(steps: PathStep[], from: NameNode = this.root): NameNode | undefined {
    let node: NameNode | undefined = from;
    for (let k = 0; k < steps.length; k++) {
      if (!node) return undefined;
      const step: PathStep = steps[k]!;
      if (step.kind === 'index' && step.key === '*') {
        for (const candidate of node.indexes.values()) {
          const found = this.walk(steps.slice(k + 1), candidate);
          if (found && (found.variable !== undefined || found.children.size || found.indexes.size)) return found;
        }
        return undefined;
      }
      const map: Map<string, NameNode> = step.kind === 'id' ? node.children : node.indexes;
      node = map.get((step.kind === 'id' ? step.name : step.key).toLowerCase());
    }
    return node;
  }
}

function newNode(label: string): NameNode {
  return { label, children: new Map(), indexes: new Map() };
}
