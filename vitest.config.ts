import { defineConfig } from 'vitest/config';

/**
 * Vitest settings: Node environment, forks (workers need real threads and SharedArrayBuffer). The examples' own
 * tests run too; they import the engine by its package name, which the `stratum-source` condition resolves to the
 * sources here (package.json exports; the installed package resolves it to dist/).
 */
export default defineConfig({
  ssr: { resolve: { conditions: ['stratum-source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'out/vitest.json' },
  },
});
