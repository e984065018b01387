/**
 * The page never meshes on its main thread: no module the page loads outside the pool worker imports the mesher or
 * the synchronous meshing entry points (the e2e test shows the pool doing the work; this keeps the page from
 * quietly growing a main-thread path).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const WEB = fileURLToPath(new URL('../../../game/web/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []);
}

describe('game/web meshing', () => {
  it('only the pool worker reaches the mesher; the page meshes through the pool', () => {
    // The page's own files and the engine's renderer it draws with.
    const files = [...sources(WEB), ...sources(join(WEB, '../../engine/web/'))].filter((f) => !f.endsWith('build.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/greedy-mesher|meshDirtySectionsSync|meshSectionSync|mesh\.worker\.ts|client-worker\.ts/);
    }
    const main = readFileSync(join(WEB, 'main.ts'), 'utf8');
    expect(main).toMatch(/meshDirtySections\(countingPool,/);
    // The page's pool is the engine's default one, whose worker bundles the mesher.
    expect(main).toMatch(/createBrowserPool\(\{ threads \}\)/);
    expect(readFileSync(join(WEB, '../../workers/pool.browser.ts'), 'utf8')).toMatch(/new Worker\(new URL\('\.\/pool\.browser-worker\.ts', import\.meta\.url\)/);
    expect(readFileSync(join(WEB, '../../workers/pool.browser-worker.ts'), 'utf8')).toMatch(/from '\.\/mesh\.worker\.ts'/);
  });
});
