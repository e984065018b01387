/**
 * The package build, after `tsc -p tsconfig.build.json` has emitted dist/{engine,workers,game} (JS, .d.ts, source
 * maps; `npm run build`, which `npm pack` runs first): points the emitted worker and job-module URLs at the built
 * .js files, checks that no emitted module still names a TypeScript file, and builds the default page into
 * dist/web (served by `stratum-voxel serve` from the installed package). Node only; run from the repository.
 */
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '../game/web/build.ts';

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
console.log(`dist: ${rewritten} worker and job URLs point at .js files`);
await buildWeb(join(DIST, 'web'));
console.log('dist/web: the default page, built');
