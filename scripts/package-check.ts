/**
 * The package as a user gets it (`.ci/run` runs this; `npm run package-check` by hand, about 80 s):
 * 1. `npm pack` (which builds dist/ first); the file list holds no tests, benches, CI files or TypeScript sources;
 * 2. the tarball alone in a fresh folder outside the repository, without optional dependencies and peers: its
 *    size (must be under 10 MB), its entry points resolve to JavaScript (Node does not strip types under
 *    node_modules), and its bin answers;
 * 3. the examples copied into another fresh folder that installs the tarball and the tools (its own Node 24, Vite,
 *    Vitest, TypeScript), as a user's project would: type-checked, the minimal page built with Vite, their tests run
 *    (headless players join over WebTransport); the package's command runs the world test there;
 * 4. the minimal example's server started from there, and its Vite-bundled page opened in Chromium: connected,
 *    drawing, cross-origin isolated, and every meshed section meshed in a pool worker (DedicatedWorkerGlobalScope).
 * Run with the project's Node (`npx --no-install node scripts/package-check.ts`); `--keep` keeps the folder.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = join(ROOT, 'out/ci');
const CHROMIUM = process.env.STRATUM_CHROMIUM ?? '/usr/bin/chromium';
const MAX_INSTALLED_BYTES = 10 * 1024 * 1024;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string; version: string; bin: Record<string, string>; exports: Record<string, unknown>;
  dependencies: Record<string, string>; devDependencies: Record<string, string>; allowScripts?: Record<string, boolean>;
};

const step = (text: string) => console.log(`-- ${text}`);
const fail = (text: string): never => { throw new Error(text); };
/** Runs a command in `cwd` with output shown; throws when it fails. */
function run(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  execFileSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
}
/** Runs a command and returns its standard output. */
function output(cwd: string, cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}
/** Bytes of the files under `dir` (apparent size) and how many files. */
function sizeOf(dir: string): { bytes: number; files: number } {
  let bytes = 0, files = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { const s = sizeOf(p); bytes += s.bytes; files += s.files; } else if (e.isFile()) { bytes += statSync(p).size; files++; }
  }
  return { bytes, files };
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const work = mkdtempSync(join(tmpdir(), 'stratum-package-'));
const keep = process.argv.includes('--keep');
let server: ChildProcess | undefined;
try {
  // 1. The tarball and what it lists.
  step('npm run build, then npm pack');
  run(ROOT, 'npm', ['run', 'build']);
  const packed = JSON.parse(output(ROOT, 'npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work])) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
  const { filename, size, unpackedSize, files } = packed[0];
  const tarball = join(work, filename);
  console.log(`${filename}: ${mb(size)} packed, ${mb(unpackedSize)} unpacked, ${files.length} files`);
  const stray = files.map((f) => f.path).filter((p) => /^(test|bench|\.ci|\.github|scripts|examples)\//.test(p) || (/\.tsx?$/.test(p) && !p.endsWith('.d.ts')));
  if (stray.length) fail(`the tarball ships files users do not need: ${stray.slice(0, 10).join(', ')}`);
  for (const bin of Object.values(pkg.bin)) if (!files.some((f) => f.path === bin)) fail(`the bin ${bin} is not in the tarball`);

  // 2. The tarball alone: size, JavaScript entry points, the bin.
  const bare = join(work, 'bare');
  mkdirSync(bare);
  writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'bare', private: true, type: 'module' }));
  step('npm install <tarball> --omit=optional --omit=peer in an empty folder');
  run(bare, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional', '--omit=peer', tarball]);
  const installed = sizeOf(join(bare, 'node_modules'));
  const own = sizeOf(join(bare, 'node_modules', pkg.name));
  const du = output(bare, 'du', ['-sk', 'node_modules']).split('\t')[0];
  console.log(`installed: node_modules ${mb(installed.bytes)} in ${installed.files} files (du: ${mb(Number(du) * 1024)} on disk); ${pkg.name} itself ${mb(own.bytes)}`);
  if (installed.bytes >= MAX_INSTALLED_BYTES) fail(`the installed package is ${mb(installed.bytes)}, over ${mb(MAX_INSTALLED_BYTES)}`);
  if (existsSync(join(bare, 'node_modules/three'))) fail('three was installed although it is an optional peer');
  const resolved = output(bare, process.execPath, ['--input-type=module', '-e', `
    const out = {};
    for (const sub of ${JSON.stringify(Object.keys(pkg.exports).filter((k) => k !== './package.json'))}) {
      const spec = ${JSON.stringify(pkg.name)} + sub.slice(1);
      out[spec] = import.meta.resolve(spec);
      // The web entry needs three and the cluster entry the NATS clients: optional peers, not installed here.
      if (sub !== './web' && sub !== './cluster') await import(spec);
    }
    console.log(JSON.stringify(out));`]);
  const entries = JSON.parse(resolved) as Record<string, string>;
  for (const [spec, url] of Object.entries(entries)) {
    if (!/\/node_modules\/[^/]+\/dist\/.+\.js$/.test(url)) fail(`${spec} resolves to ${url}, not to built JavaScript`);
  }
  console.log(`entry points resolve to dist/*.js (and load, but for the web and cluster entries): ${Object.keys(entries).join(', ')}`);
  const binName = Object.keys(pkg.bin)[0];
  const help = output(bare, 'npx', ['--no-install', binName, '--help']);
  if (!/usage: stratum-voxel <command>/.test(help)) fail(`npx --no-install ${binName} --help printed:\n${help}`);
  console.log(`npx --no-install ${binName} --help answers (${help.split('\n').length} lines)`);

  // 3. The examples as a user's project.
  const app = join(work, 'app');
  mkdirSync(app);
  for (const ex of ['minimal', 'custom-game']) {
    cpSync(join(ROOT, 'examples', ex), join(app, ex), { recursive: true, filter: (p) => !/\/(dist|node_modules)$/.test(p) });
  }
  const dev = (name: string) => pkg.devDependencies[name] ?? fail(`no devDependency ${name}`);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({
    name: 'stratum-examples', private: true, type: 'module',
    dependencies: { [pkg.name]: `file:${tarball}`, three: dev('three'), bitecs: pkg.dependencies.bitecs },
    devDependencies: {
      node: dev('node'), typescript: dev('typescript'), vite: dev('vite'), vitest: dev('vitest'),
      '@types/node': dev('@types/node'), '@types/three': dev('@types/three'),
    },
    allowScripts: pkg.allowScripts,
  }, null, 2)}\n`);
  writeFileSync(join(app, 'tsconfig.json'), `${JSON.stringify({
    compilerOptions: {
      target: 'es2023', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2023', 'dom'], types: ['node'],
      strict: true, noEmit: true, allowImportingTsExtensions: true, verbatimModuleSyntax: true, erasableSyntaxOnly: true,
      skipLibCheck: false,
    },
    include: ['minimal', 'custom-game'],
  }, null, 2)}\n`);
  step('npm install in the examples folder (the tarball, three, Node 24, TypeScript, Vite, Vitest)');
  run(app, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
  const ts = readdirSync(join(app, 'node_modules', pkg.name), { recursive: true, encoding: 'utf8' }).filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'));
  if (ts.length) fail(`TypeScript sources under node_modules/${pkg.name}: ${ts.slice(0, 5).join(', ')}`);
  console.log(`examples folder node ${output(app, 'npx', ['--no-install', 'node', '--version']).trim()}`);
  step('type check of the examples against the package types (tsc --noEmit, skipLibCheck off)');
  run(app, 'npx', ['--no-install', 'tsc', '--noEmit', '-p', '.']);
  step('vite build of the minimal page');
  run(app, 'npx', ['--no-install', 'vite', 'build', '--config', 'minimal/vite.config.ts']);
  const assets = readdirSync(join(app, 'minimal/dist/assets'));
  const workerFile = assets.find((f) => /^pool\.browser-worker.*\.js$/.test(f)) ?? fail(`no bundled pool worker among ${assets.join(', ')}`);
  const workerText = readFileSync(join(app, 'minimal/dist/assets', workerFile), 'utf8');
  if (!/DedicatedWorkerGlobalScope|meshSections|WorkerGlobalScope/.test(workerText)) fail(`${workerFile} does not hold the pool worker`);
  if (assets.some((f) => f.endsWith('.ts')) || /data:video\/mp2t/.test(readdirSync(join(app, 'minimal/dist/assets')).map((f) => readFileSync(join(app, 'minimal/dist/assets', f), 'utf8')).join(''))) {
    fail('the page bundle still references TypeScript files');
  }
  console.log(`bundled: ${assets.join(', ')}`);
  step('the examples\' tests (vitest from the folder\'s own install)');
  run(app, 'npx', ['--no-install', 'vitest', 'run', '--root', '.', '--dir', '.']);

  step('the command from the installed package: stratum-voxel worldtest (2 clients over WebTransport, replay diff)');
  run(app, 'npx', ['--no-install', binName, 'worldtest', '--clients', '2', '--out', join(work, 'worldtest')]);

  // 4. The minimal example in Chromium.
  if (!existsSync(CHROMIUM)) {
    if (process.env.STRATUM_E2E === '1') fail(`${CHROMIUM} is missing`);
    console.warn(`!!! ${CHROMIUM} is missing: the browser check is SKIPPED`);
  } else {
    step('the minimal server (the package\'s JavaScript) and its page in Chromium');
    server = spawn('npx', ['--no-install', 'node', 'minimal/server.ts'], { cwd: app, env: { ...process.env, PORT: '0', HTTP_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const pageUrl = await new Promise<string>((ok, no) => {
      let text = '';
      const timer = setTimeout(() => no(new Error(`the minimal server did not start in 60 s:\n${text}`)), 60_000);
      const read = (d: Buffer) => {
        text += d.toString();
        const m = /open (https?:\/\/\S+)/.exec(text);
        if (m) { clearTimeout(timer); ok(m[1]); }
      };
      server!.stdout!.on('data', read);
      server!.stderr!.on('data', read);
      server!.once('exit', (code) => { clearTimeout(timer); no(new Error(`the minimal server exited (${code}):\n${text}`)); });
    });
    console.log(`minimal server: ${pageUrl}`);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
    try {
      const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pageUrl);
      type Status = { connected: boolean; frames: number; triangles: number; sectionsMeshed: number; sectionsMeshedInWorker: number; transport: string };
      await page.waitForFunction(() => {
        const s = (globalThis as { minimal?: Status }).minimal;
        return !!s && s.connected && s.sectionsMeshed > 0 && s.triangles > 0 && s.frames > 10;
      }, undefined, { timeout: 30_000 }).catch(async (e: unknown) => {
        fail(`the page did not play: ${JSON.stringify(await page.evaluate(() => (globalThis as { minimal?: unknown }).minimal))} ${errors.join('; ')} (${String(e)})`);
      });
      const s = await page.evaluate(() => ({ ...(globalThis as unknown as { minimal: Status }).minimal, isolated: globalThis.crossOriginIsolated }));
      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: join(OUT, 'package-minimal.png') });
      console.log(`Chromium: ${JSON.stringify(s)}`);
      if (!s.isolated) fail('the page is not cross-origin isolated');
      if (s.sectionsMeshedInWorker !== s.sectionsMeshed) fail(`${s.sectionsMeshed - s.sectionsMeshedInWorker} of ${s.sectionsMeshed} sections were not meshed in a pool worker`);
      if (errors.length) fail(`page errors: ${errors.join('; ')}`);
    } finally {
      await browser.close();
    }
  }
  console.log('package check passed');
} finally {
  if (server?.pid) {
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  }
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
