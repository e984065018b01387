/**
 * Runs the `stratum` CLI as a child process (on this Node) and returns its exit code and output; and what tests of
 * its server processes share: a prebuilt web folder, an HTTP GET.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Path of game/cli.ts. */
export const CLI = fileURLToPath(new URL('../../game/cli.ts', import.meta.url));

/** What a CLI run produced. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Runs `stratum ...args`; never throws for a non-zero exit. */
export async function stratum(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/**
 * A new folder (under the system's temporary directory) holding a page newer than the page's sources, so that
 * `serve` and `cluster` take it as built and build nothing. The caller removes it.
 */
export function prebuiltWebDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-test-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>test page</title>');
  const future = new Date(Date.now() + 365 * 86_400_000);
  utimesSync(join(dir, 'index.html'), future, future);
  return dir;
}

/** An HTTP GET's status, content type and body (as text). */
export function getText(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((ok, fail) => {
    httpGet(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => ok({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', fail);
  });
}
