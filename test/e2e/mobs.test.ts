/**
 * Mobs in a real browser: `stratum serve` with the game's systems spawns passive mobs near the player; page B has
 * them as remote entities with their kind names (`window.stratum.entities()`), draws them, and moves them smoothly:
 * sampled every animation frame, the interpolated position never jumps by more than the fastest a mob moves in the
 * frame's time (plus a small margin). The HUD shows the player's hearts from its own Health.
 * Without Chromium the test is skipped (loudly), unless STRATUM_E2E=1 makes it fail.
 */
import { describe, expect, it } from 'vitest';
import type { StratumHook } from '../../game/web/test-hook.ts';
import { E2E_OUT as OUT, e2eRuns, useServedGame } from '../support/e2e.ts';

const runs = e2eRuns('e2e mobs test');

declare global {
  interface Window { stratum: StratumHook }
}

describe.skipIf(!runs)('mobs in the browser page', () => {
  const { open } = useServedGame('web-mobs');

  it('B sees mobs by kind name, drawn and moving smoothly, and its hearts', async () => {
    const b = await open('bob');
    await b.waitForFunction(() => window.stratum.entities().some((e) => (e.name === 'Sheep' || e.name === 'Pig') && e.drawn), null, { timeout: 60_000 });
    const list = await b.evaluate(() => window.stratum.entities());
    for (const e of list) expect(['Player', 'Sheep', 'Pig', 'ItemDrop']).toContain(e.name);
    expect(list.filter((e) => e.kind === 10).every((e) => e.name === 'Sheep')).toBe(true);
    expect(list.filter((e) => e.kind === 11).every((e) => e.name === 'Pig')).toBe(true);

    // Every frame for a while: each mob's drawn position and the frame time, until some mob has walked 1.5 blocks.
    const samples = await b.evaluate(() => new Promise<{ t: number; at: Record<number, [number, number, number]> }[]>((done) => {
      const out: { t: number; at: Record<number, [number, number, number]> }[] = [];
      const start: Record<number, [number, number, number]> = {};
      const frame = () => {
        const at: Record<number, [number, number, number]> = {};
        let moved = false;
        for (const e of window.stratum.entities()) {
          if (!e.drawn || (e.name !== 'Sheep' && e.name !== 'Pig')) continue;
          at[e.id] = [e.x, e.y, e.z];
          const s = (start[e.id] ??= [e.x, e.y, e.z]);
          if (Math.hypot(e.x - s[0], e.z - s[2]) > 1.5) moved = true;
        }
        out.push({ t: performance.now(), at });
        if ((moved && out.length > 30) || out.length > 1500) done(out); else requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    }));
    await b.screenshot({ path: `${OUT}mobs-b.png` });
    let walked = 0, steps = 0, worst = 0;
    for (let i = 1; i < samples.length; i++) {
      const dt = (samples[i].t - samples[i - 1].t) / 1000;
      for (const [id, [x, y, z]] of Object.entries(samples[i].at)) {
        const prev = samples[i - 1].at[Number(id)];
        if (!prev) continue;
        const d = Math.hypot(x - prev[0], z - prev[2]), dy = Math.abs(y - prev[1]);
        // The client draws an entity no faster than a sprint across the ground (5.612 blocks per second) and a
        // terminal-speed fall (60): a per-frame step beyond that (with a margin for rounding) is a jump.
        expect(d, `mob ${id}, frame ${i}: moved ${d} blocks across in ${dt} s`).toBeLessThanOrEqual(5.612 * dt + 0.01);
        expect(dy, `mob ${id}, frame ${i}: moved ${dy} blocks up or down in ${dt} s`).toBeLessThanOrEqual(60 * dt + 0.01);
        worst = Math.max(worst, d / dt);
        walked += d; steps++;
      }
    }
    expect(steps).toBeGreaterThan(10);
    expect(walked).toBeGreaterThan(1.5);
    console.log(`mobs e2e: ${samples.length} frames sampled, ${walked.toFixed(2)} blocks walked, fastest frame ${worst.toFixed(2)} blocks/s across`);

    // The hearts: 10 full ones for 20 health.
    await b.waitForFunction(() => window.stratum.health() === 20 && window.stratum.hearts() === '♥'.repeat(10), null, { timeout: 20_000 });
  }, 120_000);
});
