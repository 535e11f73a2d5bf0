import { defineConfig } from 'vitest/config';

// Unit and integration tests (Node). Browser tests live in test/e2e and run under Playwright.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    // The drop worker thread is started from a built file; this builds it from the current sources.
    globalSetup: ['test/support/build-drop-worker.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: keep the suite's own parallelism modest so TDS-double and keyring tests are not starved.
    maxWorkers: 2,
  },
});
