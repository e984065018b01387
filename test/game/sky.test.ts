/**
 * Day, night and weather on the loopback stepper: the server's clock and weather (through several seeded weather
 * changes and a day's end) equal a replay's tick for tick, reach the client by SkyState, and the admin commands
 * `time` and `weather` check their input with errors naming the range; the sky survives a restart in the store.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGameWorld, componentLayout, gameSchedule, stepWorld } from '../../engine/index.ts';
import { Channel } from '../../engine/net/channels.ts';
import { MsgType } from '../../engine/protocol/messages.ts';
import { openEditStore } from '../../engine/platform/node/edit-store.ts';
import { stateHash } from '../../engine/sim/state-hash.ts';
import { GAME_PROTOCOL } from '../../game/protocol.ts';
import { SKY_SYSTEMS, SkyState, Weather, daylight, readSky, skyEntity, timeCommand, weatherCommand, writeSky, type SkyValue } from '../../game/sky/sky.ts';
import { createSkyHost, SKY_META_KEY } from '../../game/sky/sky-server.ts';
import { replaySession } from '../../game/worldtest/replay.ts';
import { clientBot } from '../../game/client/bot.ts';
import { createRng } from '../../engine/rng.ts';
import { createStepper } from '../support/stepper.ts';

import { createAdminCommands } from '../../game/server/admin-commands.ts';
import { gameStepper } from '../support/game-stepper.ts';

/** A short day and weather that changes soon, so that a few hundred ticks see both. */
const START: Partial<SkyValue> = { dayTicks: 300, time: 250, weatherLeft: 20 };

const skyStepper = (store: ReturnType<typeof openEditStore> | null = null, seed = 7) => gameStepper({ store, seed });

describe('day, night and weather', () => {
  it('the server and a replay agree on the clock and weather every tick, and the client follows', async () => {
    const { st, rec, hasher } = await skyStepper();
    writeSky(st.server.world, START);
    const c = st.addClient(clientBot(1, 20));
    const got: { time: number; weather: number }[] = [];
    c.client.onMessage(SkyState, (m) => got.push({ time: m.time, weather: m.weather }));
    const live: SkyValue[] = [];
    for (let i = 0; i < 700; i++) { st.step(1); live.push(readSky(st.server.world)); }
    rec().finish(st.server.world);
    // Several seeded weather changes and two day ends happened.
    const changes = live.filter((v, i) => i > 0 && v.weather !== live[i - 1].weather).length;
    expect(changes).toBeGreaterThanOrEqual(2);
    expect(live.at(-1)!.day).toBeGreaterThanOrEqual(2);
    // The client got the sky on joining and at each change.
    expect(got.length).toBeGreaterThanOrEqual(changes + 1);
    expect(got.at(-1)!.weather).toBe(live.at(-1)!.weather);

    const logs = new Map([...rec().inputs.entries()].map(([k, v]) => [k, v]));
    const replay = replaySession(rec().info, logs, hasher);
    expect(readSky(replay.world)).toEqual(readSky(st.server.world));
    expect(stateHash(hasher, replay.world)).toBe(stateHash(hasher, st.server.world));
    // The state hash covers the sky: another time of day is another hash.
    writeSky(replay.world, { time: (readSky(replay.world).time + 1) % 300 });
    expect(stateHash(hasher, replay.world)).not.toBe(stateHash(hasher, st.server.world));
  });

  it('a headless world steps the same sky from the same seed, and another seed draws other weather', () => {
    const run = (seed: number) => {
      const world = createGameWorld({ seed, components: componentLayout(GAME_PROTOCOL) });
      skyEntity(world, { dayTicks: 1000, weatherLeft: 5 });
      const schedule = gameSchedule(SKY_SYSTEMS);
      const seen: number[] = [];
      for (let t = 0; t < 40_000; t += 1) { stepWorld(world, new Map(), schedule); if (seen.at(-1) !== readSky(world).weather) seen.push(readSky(world).weather); }
      return seen;
    };
    const a = run(1);
    expect(run(1)).toEqual(a);
    expect(run(2)).not.toEqual(a);
    expect(new Set(a)).toEqual(new Set([Weather.clear, Weather.rain, Weather.snow, Weather.thunder]));
  });

  it('admin commands: time and weather change the sky and tell the clients; bad values name the range', async () => {
    const { st } = await skyStepper();
    const c = st.addClient(clientBot(1, 0));
    st.step(20);
    // Admin commands from the game client itself (its DiagnosticsResponse event carries the answers).
    const answers = new Map<number, { ok: boolean; text: string }>();
    c.client.bus.on('DiagnosticsResponse', (r) => answers.set(r.id, { ok: r.ok, text: r.text }));
    let id = 0;
    const ask = (command: string, args: string[]) => {
      c.client.net.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: ++id, token: 'admin', command, args });
      st.step(2);
      const r = answers.get(id);
      if (!r) throw new Error(`no answer to ${command}`);
      return r;
    };
    let last: { time: number; weather: number } | undefined;
    c.client.onMessage(SkyState, (m) => { last = { time: m.time, weather: m.weather }; });
    expect(ask('time', ['set', 'noon'])).toEqual({ ok: true, text: 'time set to 6000' });
    expect(Math.abs(readSky(st.server.world).time - 6000)).toBeLessThan(5);
    expect(last!.time).toBeGreaterThanOrEqual(6000);
    expect(ask('time', ['set', '18000']).ok).toBe(true);
    expect(ask('weather', ['thunder', '30'])).toEqual({ ok: true, text: 'weather thunder for 30 s' });
    expect(readSky(st.server.world).weather).toBe(Weather.thunder);
    expect(last!.weather).toBe(Weather.thunder);

    const bad = ask('time', ['set', '24001']);
    expect(bad.ok).toBe(false);
    expect(bad.text).toMatch(/0\.\.24000/);
    expect(ask('time', ['set', 'teatime']).text).toMatch(/day, noon, night, midnight/);
    expect(ask('time', ['jump']).text).toMatch(/usage: \/time set/);
    expect(ask('weather', ['hail']).text).toMatch(/clear, rain, snow, thunder/);
    const secs = ask('weather', ['rain', '0']);
    expect(secs.ok).toBe(false);
    expect(secs.text).toMatch(/seconds must be an integer in 1\.\.86400/);
    expect(readSky(st.server.world).weather).toBe(Weather.thunder); // refused commands changed nothing
    expect(ask('time', ['set', 'noon']).ok).toBe(true);
  });

  it('admin fill: sets a box of blocks as server edits; bad input names the argument and range', async () => {
    const sky = createSkyHost({ store: null });
    const admin = createAdminCommands();
    const st = await createStepper({ game: { systems: sky.systems, commands: { ...sky.commands, ...admin.commands } } });
    sky.attach(st.server);
    admin.attach(st.server);
    const c = st.addClient(clientBot(1, 0));
    st.step(20);
    const answers = new Map<number, { ok: boolean; text: string }>();
    c.client.bus.on('DiagnosticsResponse', (r) => answers.set(r.id, { ok: r.ok, text: r.text }));
    let id = 0;
    const ask = (args: string[]) => {
      c.client.net.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: ++id, token: 'admin', command: 'fill', args });
      st.step(3);
      return answers.get(id)!;
    };
    expect(ask(['3', '10', '3', '4', '11', '3', 'torch'])).toEqual({ ok: true, text: 'filled 4 blocks with torch' });
    expect(st.server.world.voxels.blocks.defs[13].name).toBe('torch');
    expect(c.client.lightAt(3, 12, 3).block).toBe(13); // the client lit the torches it was sent
    expect(ask(['3', '10', '3', '4', '11', '3']).text).toMatch(/7 arguments expected/);
    expect(ask(['a', '10', '3', '4', '11', '3', '1']).text).toMatch(/x0 must be an integer/);
    expect(ask(['0', '0', '0', '40', '40', '40', '1']).text).toMatch(/a fill sets 1\.\.32768/);
    await expect(createStepper({ game: { commands: { kick: () => 'no' } } })).rejects.toThrow(/'kick' is a built-in admin command/);
    expect(ask(['0', '0', '0', '1', '1', '1', 'lava']).text).toMatch(/block must be an id in 0\.\.\d+ or a block name/);
  });

  it('the command functions and daylight, directly', () => {
    const world = createGameWorld({ components: componentLayout(GAME_PROTOCOL) });
    expect(timeCommand(world, ['set', 'midnight']).ok).toBe(true);
    expect(readSky(world).time).toBe(18000);
    expect(timeCommand(world, ['set', '-1']).ok).toBe(false);
    expect(weatherCommand(world, ['snow'], createRng(1)).ok).toBe(true);
    expect(readSky(world).weather).toBe(Weather.snow);
    expect(() => writeSky(world, { time: 24000 })).toThrow(/time must be an integer in 0\.\.23999/);
    expect(daylight(0.25, Weather.clear)).toBe(1);
    expect(daylight(0.75, Weather.clear)).toBeCloseTo(0.12, 5);
    expect(daylight(0.25, Weather.thunder)).toBeLessThan(daylight(0.25, Weather.rain));
  });

  it('the sky is stored and restored with the edits (restart keeps the time of day)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-sky-'));
    try {
      const file = join(dir, 'world.db');
      const first = await skyStepper(openEditStore(file));
      first.st.addClient(clientBot(1, 0));
      first.st.step(30);
      writeSky(first.st.server.world, { time: 12345, weather: Weather.snow, weatherLeft: 5000 });
      first.st.step(SKY_RESEND_TICKS_FOR_TEST);
      const saved = readSky(first.st.server.world);
      first.st.step(7);
      first.sky.save(); // at stop: the time to the tick
      const atStop = readSky(first.st.server.world);
      first.st.server.stop('restart');
      const store = openEditStore(file);
      expect(JSON.parse(store.getMeta(SKY_META_KEY)!).weather).toBe(Weather.snow);
      const second = await skyStepper(store);
      const restored = readSky(second.st.server.world);
      expect(restored.weather).toBe(Weather.snow);
      expect(Math.abs(restored.time - saved.time)).toBeLessThanOrEqual(600);
      expect(restored).toEqual(atStop);
      second.st.server.stop('done');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Enough ticks for the periodic save (SKY_RESEND_TICKS) to have run. */
const SKY_RESEND_TICKS_FOR_TEST = 600;
