/**
 * Day, night and weather: world state advanced by a system in the tick, deterministic from the world seed and the
 * tick, kept in one singleton entity's `Sky` component (so the state hash covers it and replays reproduce it), and
 * replicated to clients by the `SkyState` message (sky-server.ts sends it on join, on every change and now and then).
 * No platform imports: the server, the headless sim and the page all use this file.
 *
 * Time of day runs in ticks, `dayTicks` a day (default 24000: 20 minutes at 20 Hz). As a fraction of the day, 0 is
 * sunrise, 0.25 noon, 0.5 sunset and 0.75 midnight (the admin command's 0..24000 scale: day 1000, noon 6000, night
 * 13000, midnight 18000).
 */
import { addComponent, query } from 'bitecs';
import {
  defineComponent, defineMessage, replicated, spawnEntity, storeOf, type GameWorld, type Rng, type System,
} from '../../engine/index.ts';

/** Ticks in a day by default: 20 minutes at 20 Hz. */
export const DEFAULT_DAY_TICKS = 24000;
/** The admin command's scale: `/time set` takes 0..TIME_UNITS (a day, whatever its length in ticks). */
export const TIME_UNITS = 24000;

/** Weather kinds (values are stored and sent). */
export const Weather = { clear: 0, rain: 1, snow: 2, thunder: 3 } as const;
/** A weather kind's value. */
export type WeatherKind = (typeof Weather)[keyof typeof Weather];
/** Weather names by value. */
export const WEATHER_NAMES: readonly (keyof typeof Weather)[] = ['clear', 'rain', 'snow', 'thunder'];

/** The sky's state in the ECS (one entity has it: see {@link skyEntity}). */
export const Sky = defineComponent({
  name: 'Sky',
  doc: 'World clock and weather (one singleton entity)',
  fields: {
    time: { kind: 'u32', doc: 'ticks into the current day, 0..dayTicks-1' },
    day: { kind: 'u32', doc: 'days passed' },
    dayTicks: { kind: 'u32', doc: 'ticks in a day' },
    weather: { kind: 'u8', doc: 'Weather value' },
    weatherLeft: { kind: 'u32', doc: 'ticks until the weather is drawn again' },
  },
});

/** The Sky component in the protocol definition: id 40, kept on the server (clients get SkyState). */
export const SKY_COMPONENT = replicated(40, Sky, { to: 'none' });

/** Server -> client: the sky now (sent on join, on each change, and every {@link SKY_RESEND_TICKS}). */
export const SkyState = defineMessage({
  id: 130, name: 'SkyState', from: 'server', channel: 'ChunkStream',
  fields: [['tick', 'u32'], ['time', 'u32'], ['dayTicks', 'u32'], ['weather', 'u8']],
});

/** The server resends SkyState this often, ticks (clients advance the clock themselves in between). */
export const SKY_RESEND_TICKS = 600;

/** A plain copy of the sky's state. */
export interface SkyValue {
  /** Ticks into the day. */
  time: number;
  /** Days passed. */
  day: number;
  /** Ticks in a day. */
  dayTicks: number;
  /** Weather value. */
  weather: WeatherKind;
  /** Ticks until the weather is drawn again. */
  weatherLeft: number;
}

/** How long each weather lasts when drawn, ticks [min, max] of a 24000-tick day (scaled to the day's length: {@link weatherTicks}). */
export const WEATHER_TICKS: Readonly<Record<WeatherKind, readonly [number, number]>> = {
  [Weather.clear]: [6000, 18000], [Weather.rain]: [2400, 7200], [Weather.snow]: [2400, 7200], [Weather.thunder]: [1200, 3600],
};

/** Draws how long `kind` lasts in a day of `dayTicks` (WEATHER_TICKS scaled to it; at least 1 tick). */
export function weatherTicks(kind: WeatherKind, dayTicks: number, rng: Rng): number {
  const [min, max] = WEATHER_TICKS[kind];
  return Math.max(1, Math.round((rng.int(min, max) * dayTicks) / DEFAULT_DAY_TICKS));
}

/** Next weather: from clear, rain 50%, snow 30%, thunder 20%; from anything else, clear 75%, thunder after rain 25%. */
export function nextWeather(current: WeatherKind, rng: Rng): WeatherKind {
  const r = rng.int(0, 99);
  if (current === Weather.clear) return r < 50 ? Weather.rain : r < 80 ? Weather.snow : Weather.thunder;
  if (current === Weather.rain && r >= 75) return Weather.thunder;
  return Weather.clear;
}

const skyOf = new WeakMap<GameWorld, number>();

/**
 * The sky's entity in `world`, made (with `initial`, or the start of a clear first morning) when there is none.
 * Every world that runs {@link skySystem} makes it at its first tick at the latest, so the server and a replay agree.
 */
export function skyEntity(world: GameWorld, initial?: Partial<SkyValue>): number {
  let eid = skyOf.get(world);
  if (eid === undefined) {
    const s = storeOf(world.ecs, Sky);
    eid = [...query(world.ecs, [s])][0];
    if (eid === undefined) {
      eid = spawnEntity(world.ecs);
      addComponent(world.ecs, eid, s);
      const dayTicks = initial?.dayTicks ?? DEFAULT_DAY_TICKS;
      s.dayTicks[eid] = dayTicks;
      s.time[eid] = Math.floor(dayTicks / 24); // a little after sunrise
      s.day[eid] = 0;
      s.weather[eid] = Weather.clear;
      s.weatherLeft[eid] = WEATHER_TICKS[Weather.clear][0];
    }
    skyOf.set(world, eid);
  }
  if (initial) writeSky(world, initial);
  return eid;
}

/** Reads the sky's state. */
export function readSky(world: GameWorld): SkyValue {
  const eid = skyEntity(world), s = storeOf(world.ecs, Sky);
  return { time: s.time[eid], day: s.day[eid], dayTicks: s.dayTicks[eid], weather: s.weather[eid] as WeatherKind, weatherLeft: s.weatherLeft[eid] };
}

/** Writes part of the sky's state (checked: a bad value throws a RangeError naming it and its range). */
export function writeSky(world: GameWorld, v: Partial<SkyValue>): void {
  const eid = skyEntity(world), s = storeOf(world.ecs, Sky);
  const dayTicks = v.dayTicks ?? s.dayTicks[eid];
  const check = (key: string, x: number | undefined, min: number, max: number) => {
    if (x !== undefined && !(Number.isInteger(x) && x >= min && x <= max)) throw new RangeError(`sky ${key} must be an integer in ${min}..${max}, got ${x}`);
  };
  check('dayTicks', v.dayTicks, 20, 0x7fffffff);
  check('time', v.time, 0, dayTicks - 1);
  check('day', v.day, 0, 0xffffffff);
  check('weather', v.weather, 0, WEATHER_NAMES.length - 1);
  check('weatherLeft', v.weatherLeft, 1, 0xffffffff);
  if (v.dayTicks !== undefined) { s.dayTicks[eid] = v.dayTicks; s.time[eid] = Math.min(s.time[eid], v.dayTicks - 1); }
  if (v.time !== undefined) s.time[eid] = v.time;
  if (v.day !== undefined) s.day[eid] = v.day;
  if (v.weather !== undefined) s.weather[eid] = v.weather;
  if (v.weatherLeft !== undefined) s.weatherLeft[eid] = v.weatherLeft;
}

/** Options of {@link skySystem}. */
export interface SkySystemOptions {
  /** Called after a tick in which the weather changed (the server broadcasts it). */
  onWeather?: (world: GameWorld, sky: SkyValue) => void;
}

/**
 * The `sky` system (post-tick): advances the clock one tick and counts the weather down; when it runs out, the next
 * weather and its length are drawn from the tick's rng (only then: other ticks draw nothing).
 */
export function skySystem(options: SkySystemOptions = {}): System {
  return {
    name: 'sky',
    phase: 'post-tick',
    run(world, ctx) {
      const eid = skyEntity(world), s = storeOf(world.ecs, Sky);
      const t = s.time[eid] + 1;
      if (t >= s.dayTicks[eid]) { s.time[eid] = 0; s.day[eid] = (s.day[eid] + 1) >>> 0; } else s.time[eid] = t;
      if (s.weatherLeft[eid] > 1) { s.weatherLeft[eid]--; return; }
      const next = nextWeather(s.weather[eid] as WeatherKind, ctx.rng);
      s.weather[eid] = next;
      s.weatherLeft[eid] = weatherTicks(next, s.dayTicks[eid], ctx.rng);
      options.onWeather?.(world, readSky(world));
    },
  };
}

/** The sky's systems as a replay or `stratum sim` runs them (the server's sky host adds SkyState broadcasts). */
export const SKY_SYSTEMS: readonly System[] = [skySystem()];

/** An admin command's answer: `ok` false with a message naming what is wrong and the accepted range. */
export interface CommandResult {
  /** Whether it was done. */
  ok: boolean;
  /** What was done, or what is wrong. */
  text: string;
}

const TIME_NAMES: Readonly<Record<string, number>> = { day: 1000, noon: 6000, night: 13000, midnight: 18000 };

/**
 * `/time set <0..24000|day|noon|night|midnight>` (also `/time query`): sets the time of day on the 0..24000 scale
 * (24000 is the next sunrise, as 0).
 */
export function timeCommand(world: GameWorld, args: readonly string[]): CommandResult {
  const usage = 'usage: /time set <0..24000|day|noon|night|midnight> or /time query';
  if (args[0] === 'query') {
    const v = readSky(world);
    return { ok: true, text: `time ${Math.floor((v.time * TIME_UNITS) / v.dayTicks)} of ${TIME_UNITS} (day ${v.day})` };
  }
  if (args[0] !== 'set' || args.length !== 2) return { ok: false, text: usage };
  const a = args[1].toLowerCase();
  const units = Object.hasOwn(TIME_NAMES, a) ? TIME_NAMES[a] : /^\d+$/.test(a) ? Number(a) : NaN;
  if (!(units >= 0 && units <= TIME_UNITS)) {
    return { ok: false, text: `/time set: time must be an integer in 0..${TIME_UNITS} or day, noon, night, midnight; got '${args[1].slice(0, 32)}'` };
  }
  const v = readSky(world);
  writeSky(world, { time: Math.floor(((units % TIME_UNITS) * v.dayTicks) / TIME_UNITS) });
  return { ok: true, text: `time set to ${units}` };
}

/** Most seconds `/weather` takes. */
export const MAX_WEATHER_SECONDS = 86400;

/** `/weather <clear|rain|snow|thunder> [seconds]`: sets the weather for that long (default: a drawn length). */
export function weatherCommand(world: GameWorld, args: readonly string[], rng: Rng): CommandResult {
  const name = (args[0] ?? '').toLowerCase();
  if (args.length < 1 || args.length > 2 || !Object.hasOwn(Weather, name)) {
    return { ok: false, text: `/weather: kind must be one of ${WEATHER_NAMES.join(', ')}; usage: /weather <${WEATHER_NAMES.join('|')}> [seconds 1..${MAX_WEATHER_SECONDS}]` };
  }
  const kind = Weather[name as keyof typeof Weather];
  let ticks: number;
  if (args[1] !== undefined) {
    const sec = /^\d+$/.test(args[1]) ? Number(args[1]) : NaN;
    if (!(sec >= 1 && sec <= MAX_WEATHER_SECONDS)) {
      return { ok: false, text: `/weather: seconds must be an integer in 1..${MAX_WEATHER_SECONDS}; got '${args[1].slice(0, 32)}'` };
    }
    ticks = sec * 20;
  } else {
    ticks = weatherTicks(kind, readSky(world).dayTicks, rng);
  }
  writeSky(world, { weather: kind, weatherLeft: ticks });
  return { ok: true, text: `weather ${name} for ${Math.round(ticks / 20)} s` };
}

/** The fraction of the day at `time` ticks: 0 sunrise, 0.25 noon, 0.5 sunset, 0.75 midnight. */
export function dayFraction(time: number, dayTicks: number): number {
  const f = (time % dayTicks) / dayTicks;
  return f < 0 ? f + 1 : f;
}

/** How much the weather dims the sky (1 clear). */
export const WEATHER_DIMMING: Readonly<Record<WeatherKind, number>> = {
  [Weather.clear]: 1, [Weather.rain]: 0.75, [Weather.snow]: 0.85, [Weather.thunder]: 0.55,
};

/** Least daylight (a moonlit night), 0..1. */
export const NIGHT_LIGHT = 0.12;

/**
 * Daylight, the factor of sky light: 1 at a clear noon, {@link NIGHT_LIGHT} at night, a smooth dawn and dusk around
 * the horizon, dimmed by the weather.
 */
export function daylight(fraction: number, weather: WeatherKind): number {
  const sun = Math.sin(2 * Math.PI * fraction);
  const t = Math.min(1, Math.max(0, (sun + 0.1) / 0.35));
  const up = t * t * (3 - 2 * t);
  return (NIGHT_LIGHT + (1 - NIGHT_LIGHT) * up) * (WEATHER_DIMMING[weather] ?? 1);
}
