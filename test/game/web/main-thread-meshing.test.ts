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
    const files = sources(WEB).filter((f) => !f.endsWith('pool-worker.ts') && !f.endsWith('build.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/greedy-mesher|meshDirtySectionsSync|meshSectionSync|mesh\.worker\.ts|client-worker\.ts/);
    }
    const main = readFileSync(join(WEB, 'main.ts'), 'utf8');
    expect(main).toMatch(/meshDirtySections\(countingPool,/);
    // The worker bundles the engine's worker-side entry point, which carries the mesher.
    expect(readFileSync(join(WEB, 'pool-worker.ts'), 'utf8')).toMatch(/engine\/client-worker\.ts/);
    expect(readFileSync(join(WEB, '../../engine/client-worker.ts'), 'utf8')).toMatch(/mesh\.worker\.ts/);
  });
});
