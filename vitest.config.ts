import { defineConfig } from 'vitest/config';

/** Vitest settings: Node environment, forks (workers need real threads and SharedArrayBuffer). */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'out/vitest.json' },
  },
});
