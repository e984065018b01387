/**
 * The browser build: bundles game/web (the page, the engine and the worker pool) with Vite into a folder of static
 * files that the game server serves (`stratum serve` builds it when it is missing). Node-side only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InlineConfig } from 'vite';

/** The page's source folder (game/web). */
export const WEB_ROOT = fileURLToPath(new URL('.', import.meta.url));

/** Where `npm start` puts the build by default (dist/web at the repository root). */
export const DEFAULT_WEB_OUT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** The Vite settings of the build: ES module workers, modern target, no public folder, quiet logs. */
export function webBuildConfig(outDir: string): InlineConfig {
  return {
    configFile: false,
    root: WEB_ROOT,
    base: './',
    logLevel: 'warn',
    publicDir: false,
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096, reportCompressedSize: false },
    worker: { format: 'es' },
  };
}

/** True when `outDir` holds a build (its index.html). */
export function webBuildExists(outDir: string): boolean {
  return existsSync(join(outDir, 'index.html'));
}

/** Builds the page into `outDir`; resolves when the files are written. */
export async function buildWeb(outDir: string = DEFAULT_WEB_OUT): Promise<void> {
  const { build } = await import('vite');
  await build(webBuildConfig(outDir));
}

// `node game/web/build.ts [outDir]` rebuilds the page (npm run build:web).
if (import.meta.main) {
  const out = process.argv[2] ?? DEFAULT_WEB_OUT;
  buildWeb(out).then(() => console.log(`browser client built into ${out}`), (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
