/**
 * The shard processes of a cluster on one machine (`stratum-voxel cluster` and the cluster world test start them):
 * `stratum-voxel shard` children tied to this process by a stdin lifeline, so that none outlives it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../server/process-flags.ts';

/** This program's command line, in the repository (TypeScript) or the installed package (JavaScript). */
function cliPath(): string {
  const ts = fileURLToPath(new URL('../cli.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('../cli.js', import.meta.url));
}

/**
 * Starts one shard process and adds it to `shards` at once (so that stopping the cluster stops it too); resolves once
 * it logged `shard ready`. Its lines go to `onLine` (default this process's stdout).
 */
export function startShardProcess(shards: ChildProcess[], args: readonly string[], id: string, onLine: (line: string) => void = (l) => console.log(l)): Promise<void> {
  // Its standard input is a pipe from this process (--lifeline): if this process dies, even by SIGKILL, the shard stops.
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, cliPath(), 'shard', '--lifeline', '--id', id, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  shards.push(child);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`shard ${id} was not ready within 120 s`)), 120_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      onLine(line);
      if (line.includes('"msg":"shard ready"')) {
        clearTimeout(timer);
        ok();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`shard ${id} exited (${code}) before it was ready`));
    });
  });
}

/** Stops a shard process: SIGTERM, SIGKILL after 10 s. */
export async function stopShardProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => { child.once('exit', () => done()); setTimeout(done, 10_000); });
  child.kill('SIGTERM');
  await exited;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

