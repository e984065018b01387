/**
 * The package build (`npm run build`, which `npm pack` runs first): empties dist/{engine,workers,game}, has tsc emit
 * them again from tsconfig.build.json (JS, .d.ts, source maps), points the emitted worker and job-module URLs at
 * the built .js files, and checks that no emitted module still names a TypeScript file. Node only; run from the
 * repository.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []);
}

// `new URL('./x.ts', import.meta.url)` (a worker entry, a job module) is a string to tsc, which rewrites import
// specifiers only: in the built package it must name x.js. Same length, so the source maps stay right.
const URL_TS = /new URL\((['"])(\.{1,2}\/[^'"]+)\.ts\1, import\.meta\.url\)/g;
const LEFT_TS = /(?:from\s*|import\s*\(\s*|new URL\(\s*)(['"])\.{1,2}\/[^'"]+\.ts\1/;
for (const dir of ['engine', 'workers', 'game']) rmSync(join(DIST, dir), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });

let rewritten = 0;
const problems: string[] = [];
for (const dir of ['engine', 'workers', 'game']) {
  for (const file of jsFiles(join(DIST, dir))) {
    const text = readFileSync(file, 'utf8');
    const out = text.replace(URL_TS, (_m, q: string, path: string) => {
      rewritten++;
      if (!existsSync(join(dirname(file), `${path}.js`))) problems.push(`${relative(ROOT, file)}: ${path}.js was not emitted`);
      return `new URL(${q}${path}.js${q}, import.meta.url)`;
    });
    if (out !== text) writeFileSync(file, out);
    const left = LEFT_TS.exec(out);
    if (left) problems.push(`${relative(ROOT, file)} still names a TypeScript file: ${left[0]}`);
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
// The world test's default scenario, which the repository keeps among the test fixtures (the package ships no test/).
for (const scenario of ['lan_scenario.toml', 'cluster_scenario.toml']) copyFileSync(join(ROOT, 'test/fixtures', scenario), join(DIST, 'game/worldtest', scenario));
console.log(`dist: ${rewritten} worker and job URLs point at .js files; the world test's default scenario copied`);
