/**
 * Day, night, weather and light in a real browser: starts `stratum serve` with a known admin token, opens one
 * headless Chromium page (Debian's /usr/bin/chromium through playwright-core) and drives the sky with the admin
 * commands over the page's own connection. Noon and midnight pictures differ in mean brightness by a set margin;
 * rain shows and dims the day; a torch the player places (from its kit) in a closed room raises the light around it (read through
 * `window.stratum.lightAt`) and brightens the room's pixels. Screenshots go to out/e2e/sky-*.png. Without Chromium
 * the test is skipped (loudly), unless STRATUM_E2E=1 makes it fail.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { StratumHook } from '../../game/web/test-hook.ts';
import { E2E_OUT as OUT, e2eRuns, useServedGame } from '../support/e2e.ts';

const TOKEN = 'sky-e2e-admin-token';
const runs = e2eRuns('e2e sky test');

declare global {
  interface Window { stratum: StratumHook }
}

/** Mean brightness (0..255) that noon must exceed midnight by, looking at ground and sky. */
const DAY_NIGHT_MARGIN = 40;
/** Mean brightness the torch must add to the room's picture. */
const TORCH_MARGIN = 12;

describe.skipIf(!runs)('day, night, weather and light in the browser', () => {
  const game = useServedGame('web-sky', { args: ['--admin-token', TOKEN] });

  async function open(name: string): Promise<Page> {
    const ctx = await game.browser.newContext({ viewport: { width: 480, height: 320 }, deviceScaleFactor: 1 });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error(`[page ${name}] ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') console.error(`[page ${name} console] ${m.text()}`); });
    await page.goto(`${game.server.url}?name=${name}&maxfps=15`);
    await page.waitForFunction(() => window.stratum?.ready() && window.stratum.sectionMeshes() > 0, null, { timeout: 60_000 });
    return page;
  }

  const admin = async (page: Page, command: string, ...args: string[]) => {
    const r = await page.evaluate(([c, a, t]) => window.stratum.admin(t, c, a), [command, args, TOKEN] as const);
    expect(r.ok, `${command} ${args.join(' ')}: ${r.text}`).toBe(true);
    return r.text;
  };
  /** Waits for the page's clock near `fraction` of the day, then a few frames. */
  const atTime = async (page: Page, fraction: number) => {
    await page.waitForFunction((f) => Math.abs(window.stratum.timeOfDay() - f) < 0.01, fraction, { timeout: 20_000 });
    await page.waitForTimeout(700);
  };

  it('noon is brighter than midnight; rain shows; a torch lights a closed room', async () => {
    const page = await open('sky');
    await page.waitForTimeout(1500);
    // Look along +z, a little down: ground and sky in the picture.
    await page.evaluate(() => window.stratum.look(0, -0.25));

    // A bad value is refused, naming the range.
    const bad = await page.evaluate((t) => window.stratum.admin(t, 'time', ['set', '99999']), TOKEN);
    expect(bad.ok).toBe(false);
    expect(bad.text).toMatch(/0\.\.24000/);

    await admin(page, 'weather', 'clear', '600');
    await admin(page, 'time', 'set', 'noon');
    await atTime(page, 0.25);
    expect(await page.evaluate(() => window.stratum.daylight())).toBeGreaterThan(0.95);
    const noon = await page.evaluate(() => window.stratum.brightness());
    await page.screenshot({ path: `${OUT}sky-noon.png` });

    await admin(page, 'weather', 'rain', '600');
    await page.waitForFunction(() => window.stratum.weather() === 'rain', null, { timeout: 20_000 });
    await page.waitForTimeout(700);
    const rainLight = await page.evaluate(() => window.stratum.daylight());
    expect(rainLight).toBeLessThan(0.9);
    await page.screenshot({ path: `${OUT}sky-rain.png` });
    await admin(page, 'weather', 'clear', '600');

    await admin(page, 'time', 'set', 'midnight');
    await atTime(page, 0.75);
    const midnight = await page.evaluate(() => window.stratum.brightness());
    await page.screenshot({ path: `${OUT}sky-midnight.png` });
    console.log(`sky e2e: mean brightness noon ${noon.toFixed(1)}, midnight ${midnight.toFixed(1)}, daylight in rain ${rainLight.toFixed(2)}`);
    expect(noon - midnight).toBeGreaterThan(DAY_NIGHT_MARGIN);

    // A closed stone room around the player (walls and ceiling; the ground is the floor), still at midnight.
    const p = (await page.evaluate(() => window.stratum.position()))!;
    const fx = Math.floor(p.x), fy = Math.floor(p.y), fz = Math.floor(p.z);
    const [x0, x1, z0, z1, top] = [fx - 4, fx + 4, fz - 4, fz + 4, fy + 4];
    const box = (a: number[]) => a.map(String);
    await admin(page, 'fill', ...box([x0, fy, z0, x1, top, z0]), 'stone');
    await admin(page, 'fill', ...box([x0, fy, z1, x1, top, z1]), 'stone');
    await admin(page, 'fill', ...box([x0, fy, z0, x0, top, z1]), 'stone');
    await admin(page, 'fill', ...box([x1, fy, z0, x1, top, z1]), 'stone');
    await admin(page, 'fill', ...box([x0, top, z0, x1, top, z1]), 'stone');
    const torch = { x: fx + 2, y: fy, z: fz };
    await page.waitForFunction(([x, y, z]) => window.stratum.blockAt(x, y, z) === 2 || window.stratum.blockAt(x, y, z) > 0, [x1, top, z1] as const, { timeout: 20_000 });
    await page.waitForFunction(([x, y, z]) => window.stratum.lightAt(x, y, z).sky === 0, [torch.x, torch.y, torch.z] as const, { timeout: 20_000 });
    // Face the torch's place: +x, looking down at the floor beside it.
    await page.evaluate(() => window.stratum.look(-Math.PI / 2, -0.5));
    await page.waitForTimeout(1500);
    const around = (await page.evaluate(([x, y, z]) => [window.stratum.lightAt(x + 1, y, z), window.stratum.lightAt(x, y + 1, z), window.stratum.lightAt(x, y, z - 1)], [torch.x, torch.y, torch.z] as const));
    expect(around.map((l) => l.block)).toEqual([0, 0, 0]);
    const before = await page.evaluate(() => window.stratum.brightness());
    // The left quarter of the picture: floor and wall only, not the torch block itself.
    const beforeSide = await page.evaluate(() => window.stratum.brightness(0, 0, 120, 320));
    await page.screenshot({ path: `${OUT}sky-room-dark.png` });

    // The player places a torch from its kit (the game's kit: the last hotbar slot, key 9) on the floor, as a right click would.
    await page.keyboard.press('Digit9');
    await page.waitForTimeout(300);
    await page.evaluate(([x, y, z]) => window.stratum.queueAction({ kind: 2, x, y: y - 1, z, face: 3 }), [torch.x, torch.y, torch.z] as const);
    await page.waitForFunction(([x, y, z]) => window.stratum.blockAt(x, y, z) === 13, [torch.x, torch.y, torch.z] as const, { timeout: 20_000 });
    await page.waitForFunction(([x, y, z]) => window.stratum.lightAt(x + 1, y, z).block === 13, [torch.x, torch.y, torch.z] as const, { timeout: 20_000 });
    await page.waitForTimeout(1500);
    const lit = await page.evaluate(([x, y, z]) => [window.stratum.lightAt(x + 1, y, z), window.stratum.lightAt(x, y + 1, z), window.stratum.lightAt(x, y, z - 1), window.stratum.lightAt(x - 2, y, z)], [torch.x, torch.y, torch.z] as const);
    expect(lit.map((l) => l.block)).toEqual([13, 13, 13, 12]);
    expect(lit.every((l) => l.sky === 0)).toBe(true);
    const after = await page.evaluate(() => window.stratum.brightness());
    const afterSide = await page.evaluate(() => window.stratum.brightness(0, 0, 120, 320));
    await page.screenshot({ path: `${OUT}sky-room-torch.png` });
    console.log(`sky e2e: room brightness before the torch ${before.toFixed(1)}, after ${after.toFixed(1)}; left quarter (floor and wall) ${beforeSide.toFixed(1)} -> ${afterSide.toFixed(1)}`);
    expect(after - before).toBeGreaterThan(TORCH_MARGIN);
    expect(afterSide - beforeSide).toBeGreaterThan(TORCH_MARGIN);
  }, 240_000);
});
