/**
 * End to end in a real browser: builds the page, starts `stratum serve` as a child process, and drives two headless
 * Chromium pages on it (Debian's /usr/bin/chromium through playwright-core). Both open the printed plain-HTTP URL and
 * play over Chromium's native WebTransport on HTTP/3 with the pinned certificate hash: no warning, nothing clicked,
 * and the server logs their HTTP/3 sessions. Page A walks with real key presses and places a block; page B sees A
 * move and sees the block; B breaks it; A sees that. Both pages must be cross-origin isolated with SAB-backed voxel
 * slabs, and their sections must be meshed by the worker pool. A third page, with native WebTransport removed, plays
 * over the HTTP/2 / WebSocket fallback (after accepting the certificate once, as a person would) and runs the
 * headless simulation of `stratum sim` to Node's state hash.
 * Screenshots go to out/e2e/. Without Chromium the test is skipped (loudly), unless STRATUM_E2E=1 makes it fail.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { simStateHash } from '../../game/sim-run.ts';
import { generateColumnsSync } from '../../workers/terrain.main.ts';
import type { StratumHook } from '../../game/web/test-hook.ts';
import { E2E_OUT as OUT, e2eRuns, useServedGame } from '../support/e2e.ts';

const runs = e2eRuns('e2e browser test');

declare global {
  interface Window { stratum: StratumHook }
}

describe.skipIf(!runs)('browser client, two pages on one server', () => {
  const game = useServedGame('web');
  const open = game.open;

  /** Waits for `fn(arg)` to hold on `page`; on timeout, fails naming `what` with both pages' block results. */
  async function until<A>(page: Page, what: string, fn: (arg: A) => boolean, arg: A, pages: Page[]): Promise<void> {
    try {
      await page.waitForFunction(fn as unknown as (arg: unknown) => boolean, arg as unknown, { timeout: 20_000 });
    } catch (err) {
      const notes = await Promise.all(pages.map((p) => p.evaluate(() => JSON.stringify({ pos: window.stratum.position(), results: window.stratum.blockResults() }))));
      throw new Error(`${what}: ${(err as Error).message}\n${notes.join('\n')}`);
    }
  }

  it('A walks and places a block, B sees both; B breaks it, A sees that', async () => {
    const a = await open('alice');
    const b = await open('bob');
    for (const page of [a, b]) {
      const facts = await page.evaluate(() => ({
        coi: window.stratum.crossOriginIsolated(), sab: window.stratum.sabBacked(), meshing: window.stratum.meshing(),
      }));
      expect(facts.coi).toBe(true);
      expect(facts.sab).toBe(true);
      expect(facts.meshing.sectionsMeshedInPool).toBeGreaterThan(0);
      expect(facts.meshing.failures).toBe(0);
      // Every section drawn so far was meshed in a Web Worker (the worker stamps its global scope on each batch;
      // batches count as they land, rounds when all their batches are in, hence >=).
      expect(facts.meshing.sectionsMeshedInWorker).toBeGreaterThanOrEqual(facts.meshing.sectionsMeshedInPool);
      expect(await page.evaluate(() => window.stratum.transport())).toBe('h3');
    }
    expect(game.server.output().match(/HTTP\/3 WebTransport session from 127\.0\.0\.1/g)?.length).toBeGreaterThanOrEqual(2);

    // Walk forward (yaw 0 faces +z) with real key presses, once both pages have settled (loading a page stalls the
    // other's timers on a loaded machine, and a client that fell behind needs the server's timing advice first).
    await a.waitForTimeout(2000);
    const start = (await a.evaluate(() => window.stratum.position()))!;
    await a.keyboard.down('KeyW');
    await a.waitForFunction((z0) => window.stratum.position()!.z > z0 + 1.5, start.z, { timeout: 20_000 });
    await a.keyboard.up('KeyW');
    // Wait until A stands still (its predicted position is the same 250 ms apart).
    let p = (await a.evaluate(() => window.stratum.position()))!;
    for (let i = 0; i < 40; i++) {
      await a.waitForTimeout(250);
      const q = (await a.evaluate(() => window.stratum.position()))!;
      const still = q.x === p.x && q.y === p.y && q.z === p.z;
      p = q;
      if (still) break;
    }
    expect(p.z).toBeGreaterThan(start.z + 1);

    // B sees A where A is now.
    const aliceId = await a.evaluate(() => window.stratum.selfId());
    await until(b, 'B sees A where A stands', ([id, z]) => {
      const r = window.stratum.remotePosition(id);
      return r !== null && Math.abs(r.z - z) < 0.3;
    }, [aliceId, p.z] as const, [a, b]);

    // A places planks (hotbar slot 1) on top of the ground two blocks to its side.
    const x = Math.floor(p.x) + 2, y = Math.floor(p.y), z = Math.floor(p.z);
    expect(await a.evaluate(([bx, by, bz]) => window.stratum.blockAt(bx, by, bz), [x, y, z] as const)).toBe(0);
    const ground = await a.evaluate(([bx, by, bz]) => window.stratum.blockAt(bx, by, bz), [x, y - 1, z] as const);
    expect(ground).toBeGreaterThan(0);
    await a.evaluate(([bx, by, bz]) => window.stratum.queueAction({ kind: 2, x: bx, y: by - 1, z: bz, face: 3 }), [x, y, z] as const);
    await until(b, 'B sees the placed block', ([bx, by, bz]) => window.stratum.blockAt(bx, by, bz) === 10, [x, y, z] as const, [a, b]);

    // B breaks it (aiming at its top face); A sees the air come back.
    await b.evaluate(([bx, by, bz]) => window.stratum.queueAction({ kind: 1, x: bx, y: by, z: bz, face: 3 }), [x, y, z] as const);
    await until(a, 'A sees the block broken', ([bx, by, bz]) => window.stratum.blockAt(bx, by, bz) === 0, [x, y, z] as const, [a, b]);

    // A chats with real keys (Enter opens the input, Enter sends); B reads it.
    await a.keyboard.press('Enter');
    await a.waitForSelector('.chat input', { state: 'visible' });
    await a.keyboard.type('hello from alice');
    await a.keyboard.press('Enter');
    await until(b, 'B reads the chat line', () => window.stratum.chat().some((l) => l.endsWith('hello from alice')), null, [a, b]);

    // Put the block back for the pictures, B looking at A and the block.
    await a.evaluate(([bx, by, bz]) => window.stratum.queueAction({ kind: 2, x: bx, y: by - 1, z: bz, face: 3 }), [x, y, z] as const);
    await until(b, 'B sees the block placed again', ([bx, by, bz]) => window.stratum.blockAt(bx, by, bz) === 10, [x, y, z] as const, [a, b]);
    // B backs off (real keys again) so that both see each other and the block from a few blocks away.
    const bStart = (await b.evaluate(() => window.stratum.position()))!;
    await b.keyboard.down('KeyS');
    await until(b, 'B walks backwards', (z0) => window.stratum.position()!.z < z0 - 2.5, bStart.z, [a, b]);
    await b.keyboard.up('KeyS');
    await b.waitForTimeout(600);
    const bp = (await b.evaluate(() => window.stratum.position()))!;
    // Yaw radians for a look from `from` towards (tx, tz): step 0 faces +z and turning goes towards -x.
    const aim = (page: Page, from: { x: number; z: number }, tx: number, tz: number, pitch: number) => page.evaluate(([dx, dz, pt]) =>
      window.stratum.look(Math.atan2(-dx, dz), pt), [tx - from.x, tz - from.z, pitch] as const);
    await aim(b, bp, x + 0.5, z + 0.5, -0.2);
    await aim(a, p, bp.x, bp.z, -0.15);
    await a.waitForTimeout(800);
    await a.screenshot({ path: `${OUT}page-a.png` });
    await b.screenshot({ path: `${OUT}page-b.png` });
    expect(existsSync(`${OUT}page-a.png`) && existsSync(`${OUT}page-b.png`)).toBe(true);
  }, 180_000);

  it('a page without native WebTransport plays over the fallback, and runs `stratum sim` to Node\'s state hash', async () => {
    const setup = { seed: 3, bots: 4, world: 'noise', radius: 2, ticks: 300 } as const;
    const inNode = (seed: number) => simStateHash({ ...setup, seed }, generateColumnsSync);
    const page = await open('carol', true);
    expect(await page.evaluate(() => window.stratum.transport())).toBe('fallback');
    await page.waitForFunction(() => window.stratum.remotes().length >= 2, null, { timeout: 20_000 }); // sees alice and bob
    const inPage = await page.evaluate((s) => window.stratum.simStateHash(s), setup);
    expect(inPage).toMatch(/^[0-9a-f]{16}$/);
    expect(inPage).toBe(await inNode(setup.seed));
    expect(inPage).not.toBe(await inNode(setup.seed + 1));
  }, 120_000);
});
