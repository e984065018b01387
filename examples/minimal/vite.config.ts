/**
 * The page's build (`npx --no-install vite build`): into dist/, which server.ts serves. Nothing Stratum-specific is
 * needed for a build: the engine's pool starts its worker as `new Worker(new URL('./pool.browser-worker.js',
 * import.meta.url), { type: 'module' })`, which Vite bundles from the package. What is set here:
 * - `worker.format: 'es'`: the pool worker is a module worker (and Vite's default, iife, cannot split code);
 * - `build.target: 'es2022'`: top-level await in main.ts;
 * - `optimizeDeps.exclude`: for `vite dev` only (the check in CI uses `vite build`), so that the pre-bundler leaves the
 *   engine's worker URL alone.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['stratum-voxel'] },
});
