// The layer table for the engine's domains (main/<domain>/) and the lint rule that enforces it.
// A file may import its own domain and any domain in a LOWER layer; an import of the same layer's other
// domains or of a higher layer is an error. docs/architecture.md §1a shows the same table in prose; the
// test test/architecture/layers.test.ts proves every rule fires and that the folder graph has no cycle.
import { dirname, relative, resolve, sep } from 'node:path';

/** Highest first. `service` is main/service.ts (the composition root), the only file directly in main/. */
export const LAYERS = [
  { name: 'command line', domains: ['cli'] },
  { name: 'hosts', domains: ['electron', 'web'] },
  { name: 'composition root', domains: ['service'] },
  { name: 'request handlers', domains: ['handlers'] },
  { name: 'dispatch and diagnostics', domains: ['hosting', 'diagnostics'] },
  { name: 'deploy', domains: ['deploy'] },
  { name: 'steps', domains: ['steps'] },
  { name: 'importers and SSIS', domains: ['octopus', 'ssis'] },
  { name: 'drops, reports, tenants', domains: ['drop', 'report', 'tenants'] },
  { name: 'the journal', domains: ['journal'] },
  { name: 'foundations', domains: ['sql', 'variables', 'platform'] },
];

const rankOf = new Map(LAYERS.flatMap((layer, index) => layer.domains.map((d) => [d, index])));

/** main/<domain>/… → domain; main/service.ts → 'service'; anything outside main/ → null. */
export function domainOf(file, root) {
  const rel = relative(resolve(root, 'main'), file).split(sep);
  if (rel[0] === '..' || rel[0] === '') return null;
  if (rel.length === 1) return rel[0].replace(/\.[cm]?[jt]sx?$/, '') === 'service' ? 'service' : null;
  return rel[0];
}

/** null when `from` may import `to`; otherwise the sentence that says why not. */
export function layerViolation(from, to) {
  if (from === null || to === null || from === to) return null;
  const a = rankOf.get(from);
  const b = rankOf.get(to);
  if (a === undefined) return `main/${from} is not in the layer table (eslint-rules/layers.js): add it before importing other domains.`;
  if (b === undefined) return `main/${to} is not in the layer table (eslint-rules/layers.js): add it before importing it.`;
  if (b > a) return null;
  const where = b === a ? `the same layer ("${LAYERS[a].name}")` : `a higher layer ("${LAYERS[b].name}" above "${LAYERS[a].name}")`;
  return `main/${from} may not import main/${to}: ${where}. Pass what you need in from the composition root (main/service.ts or the CLI command) instead.`;
}

const rule = {
  meta: { type: 'problem', docs: { description: 'main/ domains import only lower layers (eslint-rules/layers.js)' }, schema: [] },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const from = domainOf(file, root);
    if (from === null) return {};
    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      const message = layerViolation(from, domainOf(target, root));
      if (message) context.report({ node, message });
    }
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export const layersPlugin = { rules: { 'no-upward-import': rule } };
