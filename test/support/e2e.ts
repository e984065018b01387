/**
 * What the browser end-to-end tests share: `stratum serve` started as a child process on free ports (resolving with
 * the page URL it prints), and Debian's Chromium launched headless with software GL (STRATUM_CHROMIUM overrides the
 * path; STRATUM_E2E=1 makes a missing browser a failure instead of a skip, which each test file decides).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildWeb } from '../../game/web/build.ts';
import type { StratumHook } from '../../game/web/test-hook.ts';

/** The browser binary. */
export const CHROMIUM = process.env.STRATUM_CHROMIUM ?? '/usr/bin/chromium';

/** The repository's root folder (with a trailing slash). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where browser tests build their pages and keep their files. */
export const E2E_OUT = `${ROOT}out/e2e/`;

/**
 * Whether a browser test file runs: true when Chromium is here, or when STRATUM_E2E=1 requires it (then
 * {@link requireChromium} fails the file). A skip is announced loudly, naming `what`.
 */
export function e2eRuns(what: string): boolean {
  const present = existsSync(CHROMIUM);
  const required = process.env.STRATUM_E2E === '1';
  if (!present && !required) {
    console.warn(`\n!!! ${what} SKIPPED: ${CHROMIUM} is missing (apt-get install chromium; STRATUM_E2E=1 makes this a failure)\n`);
  }
  return present || required;
}

/** Fails when Chromium is missing (a file that runs although it is missing runs because STRATUM_E2E=1 requires it). */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`STRATUM_E2E=1 but ${CHROMIUM} is missing`);
}

/** A served game and a browser, from {@link useServedGame}: defined once its beforeAll has run. */
export interface ServedGame {
  /** The running `stratum serve`. */
  readonly server: ServeProcess;
  /** Chromium. */
  readonly browser: Browser;
  /** Opens the game's page for `name`, natively or over the fallback (see {@link openGamePage}). */
  open(name: string, fallback?: boolean): Promise<Page>;
}

/**
 * Registers, in the calling `describe`, a beforeAll that builds the page into `out/e2e/<dir>`, starts `stratum
 * serve` on it (with `serve`'s options) and launches Chromium, and an afterAll that closes both.
 */
export function useServedGame(dir: string, serve: ServeOptions = {}): ServedGame {
  let server: ServeProcess | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    requireChromium();
    mkdirSync(E2E_OUT, { recursive: true });
    const webDir = `${E2E_OUT}${dir}`;
    await buildWeb(webDir);
    server = await startServe(webDir, serve);
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stopServe(server);
  });
  return {
    get server() { return server!; },
    get browser() { return browser!; },
    open: (name, fallback = false) => openGamePage(browser!, server!.url, name, fallback),
  };
}

/** A running `stratum serve`. */
export interface ServeProcess {
  /** The server process. */
  child: ChildProcess;
  /** The page URL it printed. */
  url: string;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
}

/** Options of {@link startServe}. */
export interface ServeOptions {
  /** `--storage` (default `none`). */
  storage?: string;
  /** `--world-radius` and `--view-distance` (default 3). */
  radius?: number;
  /** More arguments. */
  args?: readonly string[];
}

/** Starts `stratum serve` with a superflat world and the page built into `webDir`; resolves once it prints its URL. */
export function startServe(webDir: string, o: ServeOptions = {}): Promise<ServeProcess> {
  const radius = String(o.radius ?? 3);
  const child = spawn(process.execPath, [
    'game/cli.ts', 'serve', '--storage', o.storage ?? 'none', '--http-port', '0', '--port', '0', '--world', 'superflat',
    '--world-radius', radius, '--view-distance', radius, '--web-dir', webDir, '--threads', '1', ...(o.args ?? []),
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`server did not start in 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (https?:\/\/\S+)/.exec(out);
      if (m) { clearTimeout(timer); ok({ child, url: m[1], output: () => out }); }
    });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited (${code}) before it was ready:\n${out}`)); });
  });
}

/** Launches Chromium headless: no sandbox (root in CI), software WebGL, no background traffic of its own. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
}

/** Stops a server started by {@link startServe}: SIGTERM (a clean stop saves what it keeps), SIGKILL after 10 s. */
export async function stopServe(s: ServeProcess | undefined): Promise<void> {
  const child = s?.child;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((done) => { child.once('exit', () => done()); setTimeout(done, 10_000); });
  child.kill('SIGTERM');
  await exited;
  if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Opens the game's page for player `name` in a fresh context, as a person would with a stock browser; nothing ignores
 * certificate errors. Natively (the default) it is the printed plain-HTTP URL, and the game pins the certificate hash
 * over HTTP/3. With `fallback`, the page has no WebTransport of its own: the game uses the WebSocket mapping, which
 * cannot pin, so the page is loaded over HTTPS and the first load stops at Chromium's warning about the self-signed
 * certificate; this clicks through it (Advanced, then Proceed), and the game's connection then uses it. Resolves once
 * the page is connected and has drawn a section.
 */
export async function openGamePage(browser: Browser, serverUrl: string, name: string, fallback = false): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 640, height: 400 } });
  if (fallback) await ctx.addInitScript(() => { delete (globalThis as { WebTransport?: unknown }).WebTransport; });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.error(`[page ${name}] ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') console.error(`[page ${name} console] ${m.text()}`); });
  expect(serverUrl.startsWith('http://')).toBe(true);
  const base = fallback ? serverUrl.replace(/^http:/, 'https:') : serverUrl;
  const url = `${base}?name=${name}&maxfps=15`;
  const err = await page.goto(url).then(() => undefined, (e: Error) => e);
  if (fallback) {
    expect(err?.message).toMatch(/ERR_CERT_AUTHORITY_INVALID/);
    await page.click('#details-button');
    await page.click('#proceed-link');
    await page.waitForURL(url);
  } else {
    expect(err).toBeUndefined();
  }
  await page.waitForFunction(() => {
    const hook = (window as unknown as { stratum?: StratumHook }).stratum;
    return !!hook?.ready() && hook.sectionMeshes() > 0;
  }, null, { timeout: 60_000 });
  return page;
}
