/**
 * The sky on a game server: its systems (the clock and weather, plus a resend of SkyState now and then), the
 * SkyState message on join and on each change, the admin commands `time` and `weather`, and persistence in the
 * edit store's metadata (key `sky`: restart keeps the time of day and the weather; `--storage none` keeps them in
 * memory).
 */
import { createRng, type GameWorld, type System } from '../../engine/index.ts';
import type { DiagnosticsHandler, EditStore, GameServer, ServerPlayer } from '../../engine/server.ts';
import {
  SKY_RESEND_TICKS, SkyState, readSky, skyEntity, skySystem, timeCommand, weatherCommand, writeSky, type SkyValue,
} from './sky.ts';

/** The store metadata key of the sky's state. */
export const SKY_META_KEY = 'sky';

/** What {@link createSkyHost} gives the server's options, and how to start it. */
export interface SkyHost {
  /** Systems to pass to createGameServer (`sky`, then `sky-sync`). */
  readonly systems: readonly System[];
  /** createGameServer `onJoin`: sends the joining player the sky. */
  onJoin(player: ServerPlayer): void;
  /** createGameServer `commands`: `time` and `weather`. */
  readonly commands: Readonly<Record<string, DiagnosticsHandler>>;
  /** Binds the host to its server and restores the stored sky; call right after createGameServer. */
  attach(server: GameServer): void;
  /** Stores the sky now (call before stopping the server, which closes the store). */
  save(): void;
}

/** Reads a stored sky (undefined when none or unreadable). */
export function storedSky(store: EditStore | null): Partial<SkyValue> | undefined {
  const text = store?.getMeta(SKY_META_KEY);
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<SkyValue>;
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the sky's server side; `store` (or null) keeps it across restarts. */
export function createSkyHost(o: { store: EditStore | null; log?: (level: 'info' | 'warn', m: string) => void }): SkyHost {
  let server: GameServer | undefined;
  const message = (world: GameWorld) => {
    const v = readSky(world);
    return { tick: world.tick, time: v.time, dayTicks: v.dayTicks, weather: v.weather };
  };
  const save = (world: GameWorld) => o.store?.setMeta(SKY_META_KEY, JSON.stringify(readSky(world)));
  const changed = (world: GameWorld) => {
    server?.broadcast(SkyState, message(world));
    save(world);
  };
  const sync: System = {
    name: 'sky-sync',
    phase: 'post-tick',
    after: ['sky'],
    run(world, ctx) {
      if (ctx.tick % SKY_RESEND_TICKS === 0) changed(world);
    },
  };
  const admin = (run: (world: GameWorld, args: string[]) => { ok: boolean; text: string }): DiagnosticsHandler => (_s, _c, args) => {
    if (!server) throw new Error('the sky is not attached to a server');
    const r = run(server.world, args);
    if (!r.ok) throw new RangeError(r.text);
    changed(server.world);
    return r.text;
  };
  return {
    systems: [skySystem({ onWeather: changed }), sync],
    onJoin(player) {
      if (server) server.send(player, SkyState, message(server.world));
    },
    commands: {
      time: admin((world, args) => timeCommand(world, args)),
      // The default length comes from an rng of the world seed and tick (admin commands run between ticks).
      weather: admin((world, args) => weatherCommand(world, args, createRng((world.seed ^ Math.imul(world.tick, 0x9e3779b1)) >>> 0))),
    },
    save() {
      if (server) save(server.world);
    },
    attach(s) {
      server = s;
      const stored = storedSky(o.store);
      skyEntity(s.world);
      if (stored) {
        try {
          writeSky(s.world, stored);
          o.log?.('info', `restored the sky: time ${stored.time}, weather ${stored.weather}`);
        } catch (err) {
          o.log?.('warn', `stored sky ignored: ${(err as Error).message}`);
        }
      }
    },
  };
}
