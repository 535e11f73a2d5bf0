import { defineConfig } from 'vitest/config';

// Unit and integration tests (Node). Browser tests live in test/e2e and run under Playwright.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Rebuilds a stale dist/ first: tests of the built CLI and UI must not run against an old build.
    globalSetup: ['test/support/global-setup.ts'],
    // Two cores: keep the suite's own parallelism modest so TDS-double and keyring tests are not starved.
    maxWorkers: 2,
  },
});
