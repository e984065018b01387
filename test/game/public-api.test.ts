/**
 * The project's game and the examples are users of the engine like any other: they reach engine/ and workers/ only
 * through the public entry points (the examples by the package's name, as from an installed package), the page's
 * code only through the browser-safe ones, and those never pull in Node; only the web entry pulls in three.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/** The engine's public entry points. */
const ENTRIES = ['engine/index.ts', 'engine/server.ts', 'engine/client.ts', 'engine/browser.ts', 'engine/client-worker.ts', 'engine/web.ts', 'engine/cluster.ts'];
/** The entry points a browser build may use. */
const BROWSER_ENTRIES = ['engine/index.ts', 'engine/client.ts', 'engine/browser.ts', 'engine/client-worker.ts', 'engine/web.ts'];
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string; exports: Record<string, string | Record<string, string>>; files: string[];
  dependencies: Record<string, string>; peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
/** The package's subpaths and the entry file each names in the repository (its `stratum-source` condition). */
const SUBPATHS = Object.fromEntries(Object.entries(PKG.exports).flatMap(([sub, e]) =>
  typeof e === 'string' ? [] : [[sub === '.' ? PKG.name : `${PKG.name}/${sub.slice(2)}`, e['stratum-source'].slice(2)]]));
/** The package specifiers a browser page may import. */
const BROWSER_SPECIFIERS = Object.keys(SUBPATHS).filter((s) => BROWSER_ENTRIES.includes(SUBPATHS[s]));
/** An example's files that run on Node (its server, tests, headless sim, build config); the rest is its page. */
const NODE_SIDE = /(server|sim|play|systems|protocol|\.test|vite\.config)\.ts$/;
/** Packages that only run on Node. */
const NODE_ONLY = /^(node:|piscina$|@matrixai\/|@fails-components\/webtransport-transport-http3)/;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return sources(rel);
    return /\.tsx?$/.test(name) ? [rel] : [];
  });
}

/** Every module specifier a file imports or re-exports (static and dynamic), with the line it is on. */
function specifiers(file: string): { spec: string; line: number }[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: { spec: string; line: number }[] = [];
  for (const m of text.matchAll(/(?:^|[^.\w])(?:import|export)\s*(?:type\s+)?(?:[^'";]*?\sfrom\s*)?\(?\s*['"]([^'"]+)['"]/g)) {
    out.push({ spec: m[1], line: text.slice(0, m.index).split('\n').length });
  }
  return out;
}

/** The repository path a relative specifier of `file` names, or undefined for a package. */
function target(file: string, spec: string): string | undefined {
  return spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : undefined;
}

/** What `file` imports that breaks the rule `allowed`, as "file:line imports spec". */
function violations(files: readonly string[], allowed: (path: string) => boolean): string[] {
  return files.flatMap((f) => specifiers(f).flatMap(({ spec, line }) => {
    const t = target(f, spec);
    return t && /^(engine|workers)\//.test(t) && !allowed(t) ? [`${f}:${line} imports ${spec}`] : [];
  }));
}

describe('the public API boundary', () => {
  it('game/ imports the engine only through its entry points, and the page only through the browser-safe ones', () => {
    const game = sources('game');
    expect(game.length).toBeGreaterThan(30);
    expect(violations(game, (t) => ENTRIES.includes(t))).toEqual([]);
    expect(violations(game.filter((f) => f.startsWith('game/web/')), (t) => BROWSER_ENTRIES.includes(t))).toEqual([]);
  });

  it('the package maps each subpath to an entry point: the sources here, built JavaScript and types when installed', () => {
    expect(Object.values(SUBPATHS).sort()).toEqual([...ENTRIES].sort());
    for (const [sub, e] of Object.entries(PKG.exports)) {
      if (typeof e === 'string') continue;
      const built = e['stratum-source'].replace(/^\.\//, './dist/').replace(/\.ts$/, '');
      expect(e, sub).toEqual({ 'stratum-source': e['stratum-source'], types: `${built}.d.ts`, default: `${built}.js` });
    }
    expect(PKG.files.every((f) => /^(dist\/|bin\/|README)/.test(f))).toBe(true);
    expect(PKG.dependencies.three).toBeUndefined();
    expect(PKG.peerDependenciesMeta?.three?.optional).toBe(true);
  });

  it('the examples import the engine by the package name and its subpaths only, their pages only the browser-safe ones', () => {
    const examples = sources('examples');
    expect(examples.length).toBeGreaterThanOrEqual(8);
    const bad = examples.flatMap((f) => specifiers(f).flatMap(({ spec, line }) => {
      const t = target(f, spec);
      if (t) return /^(engine|workers|game)\//.test(t) ? [`${f}:${line} imports ${spec} (use the package name)`] : [];
      if (!spec.startsWith(PKG.name)) return [];
      const allowed = NODE_SIDE.test(f) ? Object.keys(SUBPATHS) : BROWSER_SPECIFIERS;
      return allowed.includes(spec) ? [] : [`${f}:${line} imports ${spec}, not one of ${allowed.join(', ')}`];
    }));
    expect(bad).toEqual([]);
    const pages = examples.filter((f) => !NODE_SIDE.test(f));
    expect(pages).toContain('examples/minimal/main.ts');
  });

  it('only the web entry point reaches three', () => {
    const reaches = (entry: string): boolean => {
      const seen = new Set<string>();
      const visit = (file: string): boolean => {
        if (seen.has(file)) return false;
        seen.add(file);
        return specifiers(file).some(({ spec }) => { const t = target(file, spec); return t ? visit(t) : spec === 'three'; });
      };
      return visit(entry);
    };
    expect(ENTRIES.filter(reaches)).toEqual(['engine/web.ts']);
  });

  it('finds an internal import (the check can fail)', () => {
    expect(specifiers('engine/server.ts').length).toBeGreaterThan(5);
    expect(violations(['engine/server.ts'], (t) => ENTRIES.includes(t)).length).toBeGreaterThan(5);
  });

  it('the browser-safe entry points never reach Node, however deep', () => {
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string, via: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const { spec } of specifiers(file)) {
        const t = target(file, spec);
        if (t) visit(t, file);
        else if (NODE_ONLY.test(spec) || builtinModules.includes(spec)) bad.push(`${file} (from ${via}) imports ${spec}`);
      }
    };
    for (const e of BROWSER_ENTRIES) visit(e, e);
    expect(seen.size).toBeGreaterThan(40);
    expect(bad).toEqual([]);
  });
});
