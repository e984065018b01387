/**
 * The browser build: bundles game/web (the page, the engine and the worker pool) with Vite into a folder of static
 * files that the game server serves (`stratum serve` builds it when it is missing). Node-side only.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InlineConfig } from 'vite';

/** The page's source folder (game/web; in the installed package, dist/game/web, which holds no page sources). */
export const WEB_ROOT = fileURLToPath(new URL('.', import.meta.url));

/** The repository root, or the installed package's root (this file is dist/game/web/build.js there). */
const ROOT = fileURLToPath(new URL(/\/dist\/game\/web\/[^/]*$/.test(import.meta.url) ? '../../../' : '../../', import.meta.url));

/** Where `npm start` puts the build by default: dist/web at the repository root (prebuilt in the package). */
export const DEFAULT_WEB_OUT = join(ROOT, 'dist/web/');

/** True when the page's sources are here to build from (the repository; the installed package has the build only). */
export function webSourcesExist(): boolean {
  return existsSync(join(WEB_ROOT, 'index.html'));
}

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

/** Folders whose files go into the page (relative to the repository root), and package.json. */
const SOURCES = ['engine', 'workers', 'game', 'package.json'];

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** True when `outDir` has no build, or one older than some source file (so `npm start` after a pull rebuilds). */
export function webBuildIsStale(outDir: string): boolean {
  if (!webBuildExists(outDir)) return true;
  if (!webSourcesExist()) return false;
  const built = statSync(join(outDir, 'index.html')).mtimeMs;
  return SOURCES.some((s) => existsSync(join(ROOT, s)) && newestMtime(join(ROOT, s)) > built);
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
