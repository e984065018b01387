import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../fixtures/mana-sim.ts', import.meta.url));

/** Runs the Mana game headless in a child process; returns its state hash and the first player's mana. */
async function manaSim(...args: string[]): Promise<{ hash: string; mana: number }> {
  const { stdout } = await run(process.execPath, [SCRIPT, ...args]);
  const hash = /^state-hash ([0-9a-f]{16})$/m.exec(stdout)?.[1];
  const mana = /^mana (\S+)$/m.exec(stdout)?.[1];
  expect(hash, stdout).toBeDefined();
  return { hash: hash!, mana: Number(mana) };
}

describe('headless simulation with a user component and user systems', () => {
  it('gives the same state hash in two processes, another for another seed, and the hash covers the user component', async () => {
    const [a, b, c, builtin] = await Promise.all([manaSim('11', '200'), manaSim('11', '200'), manaSim('12', '200'), manaSim('11', '200', 'builtin')]);
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    // The regeneration system ran (mana moved off its start of 50) ...
    expect(a.mana).toBeGreaterThan(0);
    expect(a.mana).not.toBe(50);
    expect(builtin.mana).toBe(0);
    // ... and the same world without it (same layout, same bots) hashes differently.
    expect(builtin.hash).not.toBe(a.hash);
  });
});
