/**
 * Simulation time. A `Tick` is an integer count of fixed steps since the world started; it is the only clock
 * simulation code may read. Wall-clock time enters only through an injected {@link Clock} that drives the
 * {@link FixedStep} accumulator.
 */

/** An integer simulation step number (0, 1, 2, ...). Never a wall-clock reading. */
export type Tick = number;

/** Simulation rate: ticks per second. */
export const TICK_HZ = 20;

/** Length of one tick in milliseconds (50 ms at 20 Hz). */
export const TICK_MS = 1000 / TICK_HZ;

/** Length of one tick in seconds, as the physics uses it. */
export const TICK_SECONDS = 1 / TICK_HZ;

/** A monotonic millisecond clock, injected so that tests and replays can drive time by hand. */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never decreases. */
  now(): number;
}

/** A clock for tests: time moves only when `advance` is called. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void;
}

/** Creates a {@link ManualClock} starting at `startMs`. */
export function createManualClock(startMs = 0): ManualClock {
  let t = startMs;
  return {
    now: () => t,
    advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ms must be >= 0, got ${ms}`);
      t += ms;
    },
  };
}

/** Options of {@link createFixedStep}. */
export interface FixedStepOptions {
  /** The time source. */
  clock: Clock;
  /** Steps per second (default {@link TICK_HZ}). */
  hz?: number;
  /** Most steps due at once; more than this and the backlog beyond it is dropped (default 5). */
  maxCatchUpSteps?: number;
  /** Called once per `advance` that dropped backlog, with the number of steps dropped and the next tick to run. */
  onFallBehind?: (droppedSteps: number, tick: Tick) => void;
  /** Measures a step's duration; defaults to `clock`. Kept apart so tests can use a manual clock. */
  timer?: Clock;
  /**
   * Milliseconds from now until the first step falls due, 0..one step (default one step): phases the steps to an
   * outside schedule (a server ticking in step with others from a shared epoch).
   */
  firstStepInMs?: number;
}

/** A fixed-step accumulator: turns elapsed clock time into whole ticks. */
export interface FixedStep {
  /** The next tick to run. */
  readonly tick: Tick;
  /** Durations in milliseconds of the most recent steps (ring of 1,200 = one minute at 20 Hz). */
  readonly durations: Float64Array;
  /** How many entries of `durations` are filled. */
  readonly durationCount: number;
  /** Total steps dropped because the loop fell behind. */
  readonly droppedSteps: number;
  /**
   * Runs the steps that are due, calling `step(tick)` for each, at most `limit` of them (default and most:
   * `maxCatchUpSteps`); due steps beyond `maxCatchUpSteps` are dropped first (and reported), the others not run now
   * stay due for the next call. Returns steps run.
   */
  advance(step: (tick: Tick) => void, limit?: number): number;
  /** Fraction of the next step already elapsed, for render interpolation: below 1 unless steps are still due. */
  alpha(): number;
}

const DURATION_RING = 1200;

/** Creates a {@link FixedStep} whose first tick is 0, starting at the clock's current time. */
export function createFixedStep(options: FixedStepOptions): FixedStep {
  const hz = options.hz ?? TICK_HZ;
  const maxCatchUp = options.maxCatchUpSteps ?? 5;
  if (!(hz > 0 && hz <= 1000)) throw new RangeError(`hz must be in 1..1000, got ${hz}`);
  if (!Number.isInteger(maxCatchUp) || maxCatchUp < 1) {
    throw new RangeError(`maxCatchUpSteps must be an integer >= 1, got ${maxCatchUp}`);
  }
  const stepMs = 1000 / hz;
  const firstIn = options.firstStepInMs ?? stepMs;
  if (!(firstIn >= 0 && firstIn <= stepMs)) throw new RangeError(`firstStepInMs must be in 0..${stepMs}, got ${firstIn}`);
  const { clock } = options;
  const timer = options.timer ?? clock;
  const durations = new Float64Array(DURATION_RING);
  let durationCount = 0;
  let durationNext = 0;
  let tick = 0;
  let dropped = 0;
  let last = clock.now();
  let acc = stepMs - firstIn;

  return {
    get tick() { return tick; },
    durations,
    get durationCount() { return durationCount; },
    get droppedSteps() { return dropped; },
    advance(step, limit = maxCatchUp) {
      const now = clock.now();
      acc += now - last;
      last = now;
      if (acc >= (maxCatchUp + 1) * stepMs) {
        // Behind by more than the catch-up cap: drop the backlog beyond it rather than spiral.
        const behind = Math.floor(acc / stepMs) - maxCatchUp;
        dropped += behind;
        acc -= behind * stepMs;
        options.onFallBehind?.(behind, tick);
      }
      let ran = 0;
      while (acc >= stepMs && ran < limit) {
        const t0 = timer.now();
        step(tick);
        durations[durationNext] = timer.now() - t0;
        durationNext = (durationNext + 1) % DURATION_RING;
        if (durationCount < DURATION_RING) durationCount++;
        tick++;
        ran++;
        acc -= stepMs;
      }
      return ran;
    },
    alpha: () => acc / stepMs,
  };
}
