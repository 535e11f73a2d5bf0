// Lint: TypeScript rules plus the import boundaries of docs/architecture.md, enforced rather than hoped for.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { layersPlugin } from './eslint-rules/layers.js';

const electronOnly = { name: 'electron', message: 'Only main/electron/ and preload/ may import electron: the engine must run under plain Node.' };
const electronStore = { name: 'electron-store', message: 'electron-store loads electron at import time: use it only from main/electron/.' };
const nodeBuiltins = { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'net'], message: 'No Node built-ins here: this code runs in the sandboxed renderer (or must stay pure).' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'test-results/**', 'playwright-report/**', 'examples/dist/**', 'out/**', 'build/**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnly, electronStore],
        patterns: [nodeBuiltins, { group: ['**/main/**', '**/renderer/**', '**/preload/**', '**/test/**'], message: 'common/ imports nothing of ours: it is shared by every side.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnly, electronStore],
        patterns: [nodeBuiltins, { group: ['**/main/**', '**/preload/**', '**/test/**'], message: 'The renderer may import only common/ (and itself): it talks to the engine through the contract.' }],
      }],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [electronOnly, electronStore],
        patterns: [{ group: ['**/renderer/**', '**/preload/**', '**/test/**'], message: 'The engine does not import the UI, the preload or tests.' }],
      }],
    },
  },
  {
    // A function one can hold in one's head: nothing in the engine or the shared code over 150 lines (issue 16).
    files: ['main/**/*.ts', 'common/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 150 }] },
  },
  {
    // The layer table (eslint-rules/layers.js): a domain imports only lower layers, never upward or sideways.
    files: ['main/**/*.ts'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/no-upward-import': 'error' },
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/renderer/**', '**/preload/**', '**/test/**'], message: 'The shell does not import the UI or tests.' }] }],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/main/**', '**/renderer/**', '**/test/**'], message: 'The preload exposes the contract only: it may import common/ and electron.' }] }],
    },
  },
);
