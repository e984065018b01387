/**
 * The project's game and the examples are users of the engine like any other: they reach engine/ and workers/ only
 * through the public entry points, the page's code only through the browser-safe ones, and those never pull in Node.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/** The engine's public entry points. */
const ENTRIES = ['engine/index.ts', 'engine/server.ts', 'engine/client.ts', 'engine/client-worker.ts'];
/** The entry points a browser build may use. */
const BROWSER_ENTRIES = ['engine/index.ts', 'engine/client.ts', 'engine/client-worker.ts'];
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

  it('the examples import the engine only through its entry points', () => {
    const examples = sources('examples');
    expect(examples.length).toBeGreaterThanOrEqual(4);
    expect(violations(examples, (t) => ENTRIES.includes(t))).toEqual([]);
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
