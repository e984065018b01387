/**
 * The system schedule: named phases in a fixed order, and systems placed in them. Within a phase the order is given
 * by the systems' `before`/`after` constraints and then by name, so the same set of systems always runs in the same
 * order whatever order they were added in (determinism). A cycle, an unknown name or a constraint that contradicts
 * the phase order is refused with an error naming the systems.
 *
 * ```ts
 * const regen: System = { name: 'mana-regen', phase: 'rules', run(world, ctx) { for (const eid of ctx.players) ... } };
 * const schedule = createSchedule([...BUILTIN_SYSTEMS, regen]);
 * runSchedule(schedule, world, inputs);
 * ```
 */
import type { PlayerInput } from '../input.ts';
import { createRng, hashCoords, type Rng } from '../rng.ts';
import type { Tick } from '../tick.ts';
import type { EventBus } from '../events.ts';
import { sortedPlayers, type GameWorld, type SimEvents } from './game-world.ts';

/** The phases of a tick, in the order they run. */
export const PHASES = ['input', 'pre-physics', 'physics', 'post-physics', 'rules', 'post-tick'] as const;

/** A phase name. */
export type Phase = (typeof PHASES)[number];

/** What a system sees of the tick besides the world. Valid during the call only. */
export interface SystemContext {
  /** The tick being run (`world.tick` until the schedule ends). */
  readonly tick: Tick;
  /** This tick's inputs by player entity id; a player without one keeps its last buttons and facing. */
  readonly inputs: ReadonlyMap<number, PlayerInput>;
  /** Player entity ids in ascending order, taken when the tick starts: iterate these, not a Set or a query. */
  readonly players: Uint32Array;
  /** The world's event bus (`world.events`): emit what the tick did, listen to what earlier systems emitted. */
  readonly events: EventBus<SimEvents>;
  /**
   * A generator seeded from the world's seed and the tick, shared by the tick's systems in their order: the same
   * world, systems and inputs draw the same numbers in every process. Never `Math.random`.
   */
  readonly rng: Rng;
}

/** A system: a function run once per tick in its phase. */
export interface System {
  /** Unique name (used in ordering constraints and errors). */
  readonly name: string;
  /** The phase it runs in. */
  readonly phase: Phase;
  /** Systems (by name) this one runs before; in the same phase, or a later one. */
  readonly before?: readonly string[];
  /** Systems (by name) this one runs after; in the same phase, or an earlier one. */
  readonly after?: readonly string[];
  /** Also run by client prediction (default false: server only). */
  readonly predicted?: boolean;
  /** The body. Reads and writes the world; must be deterministic (no wall clock, no Math.random). */
  run(world: GameWorld, ctx: SystemContext): void;
}

/** Systems in their run order. */
export interface Schedule {
  /** Every system, phase by phase, each phase in constraint-then-name order. */
  readonly systems: readonly System[];
}

/** A schedule that cannot be: names the systems at fault. */
export class ScheduleError extends Error {
  /** Always `'ScheduleError'`. */
  override name = 'ScheduleError';
}

const NAME = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

function check(systems: readonly System[]): Map<string, System> {
  const byName = new Map<string, System>();
  for (const s of systems) {
    if (typeof s?.name !== 'string' || !NAME.test(s.name)) throw new ScheduleError(`system name ${JSON.stringify(s?.name)} must match ${NAME}`);
    if (byName.has(s.name)) throw new ScheduleError(`system ${s.name} added twice`);
    if (!PHASES.includes(s.phase)) throw new ScheduleError(`system ${s.name}: phase ${JSON.stringify(s.phase)} is not one of ${PHASES.join(', ')}`);
    if (typeof s.run !== 'function') throw new ScheduleError(`system ${s.name}: run must be a function`);
    byName.set(s.name, s);
  }
  for (const s of systems) {
    for (const [key, names] of [['before', s.before ?? []], ['after', s.after ?? []]] as const) {
      for (const n of names) {
        const other = byName.get(n);
        if (!other) throw new ScheduleError(`system ${s.name}: ${key} names ${JSON.stringify(n)}, which is not in the schedule (known: ${[...byName.keys()].sort().join(', ')})`);
        if (other === s) throw new ScheduleError(`system ${s.name}: ${key} names itself`);
        const d = PHASES.indexOf(other.phase) - PHASES.indexOf(s.phase);
        if ((key === 'before' && d < 0) || (key === 'after' && d > 0)) {
          throw new ScheduleError(`system ${s.name} (phase ${s.phase}) cannot run ${key} ${n} (phase ${other.phase}): phases run in the order ${PHASES.join(', ')}`);
        }
      }
    }
  }
  return byName;
}

/** Orders one phase: Kahn's algorithm, taking the alphabetically first ready system each time. */
function orderPhase(members: readonly System[]): System[] {
  const inPhase = new Set(members.map((s) => s.name));
  const edges = new Map<string, Set<string>>(members.map((s) => [s.name, new Set()])); // name -> runs after it
  for (const s of members) {
    for (const n of s.before ?? []) if (inPhase.has(n)) edges.get(s.name)!.add(n);
    for (const n of s.after ?? []) if (inPhase.has(n)) edges.get(n)!.add(s.name);
  }
  const waiting = new Map<string, number>(members.map((s) => [s.name, 0]));
  for (const next of edges.values()) for (const n of next) waiting.set(n, waiting.get(n)! + 1);
  const byName = new Map(members.map((s) => [s.name, s]));
  const ready = members.filter((s) => waiting.get(s.name) === 0).map((s) => s.name);
  const out: System[] = [];
  while (ready.length) {
    ready.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const name = ready.shift()!;
    out.push(byName.get(name)!);
    for (const n of edges.get(name)!) {
      const w = waiting.get(n)! - 1;
      waiting.set(n, w);
      if (w === 0) ready.push(n);
    }
  }
  if (out.length < members.length) {
    const stuck = members.filter((s) => !out.includes(s)).map((s) => s.name).sort();
    throw new ScheduleError(`systems ${stuck.join(', ')} (phase ${members[0].phase}) have before/after constraints that form a cycle`);
  }
  return out;
}

/** Orders `systems` into a schedule. Throws {@link ScheduleError} on a duplicate, unknown name, bad phase or cycle. */
export function createSchedule(systems: readonly System[]): Schedule {
  check(systems);
  const ordered = PHASES.flatMap((phase) => orderPhase(systems.filter((s) => s.phase === phase)));
  return Object.freeze({ systems: Object.freeze(ordered) });
}

/**
 * The schedule with only the systems `keep` accepts, in the same order (client prediction keeps the `predicted`
 * ones: `trimSchedule(s, (x) => x.predicted === true)`).
 */
export function trimSchedule(schedule: Schedule, keep: (s: System) => boolean): Schedule {
  return Object.freeze({ systems: Object.freeze(schedule.systems.filter(keep)) });
}

/** Runs one tick: every system of `schedule` in order with this tick's context, then advances `world.tick`. */
export function runSchedule(schedule: Schedule, world: GameWorld, inputs: ReadonlyMap<number, PlayerInput>): void {
  const tick = world.tick;
  let rng: Rng | undefined;
  const ctx: SystemContext = {
    tick,
    inputs,
    players: sortedPlayers(world),
    events: world.events,
    // Made on first use: most ticks draw nothing.
    get rng() { return (rng ??= createRng(hashCoords(world.seed, tick, 0x5eed, 0))); },
  };
  for (const s of schedule.systems) s.run(world, ctx);
  world.tick = tick + 1;
}
