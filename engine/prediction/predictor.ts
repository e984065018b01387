/**
 * Client-side prediction of the local player with rewind/replay reconciliation. Each tick the client applies its
 * own input through the shared character controller at once and keeps the input and the predicted body. When the
 * server's authoritative body for a tick differs from the prediction for that tick beyond a threshold, the
 * predictor rewinds to the server's body and replays the kept inputs up to the present. The jump this causes is
 * hidden by a visual offset that decays over a few frames.
 */
import { stepBody, WALK_SPEED, type Body } from '../physics/controller.ts';
import type { PlayerInput } from '../input.ts';
import type { Tick } from '../tick.ts';
import type { VoxelWorld } from '../voxel/voxel-world.ts';

/** Ticks of inputs and predicted states kept (3 s at 20 Hz). */
export const PREDICTION_WINDOW = 60;

/** Position difference, in blocks, above which a prediction counts as wrong. */
export const RECONCILE_THRESHOLD = 1e-3;

/** A reconciliation: the prediction for `tick` was off by `errorBlocks`. */
export interface ReconciliationEvent {
  /** The tick whose prediction was wrong. */
  tick: Tick;
  /** Distance between predicted and authoritative position, blocks. */
  errorBlocks: number;
  /** The same error as time: blocks divided by walking speed, in milliseconds. */
  errorMs: number;
  /** Inputs replayed after the rewind. */
  replayed: number;
}

/** One kept tick. */
interface Frame {
  tick: Tick;
  input: PlayerInput;
  body: Body;
}

/** The predictor's state. */
export interface Predictor {
  /** The body after the newest predicted tick. */
  body: Body;
  /** The newest predicted tick (-1 before the first). */
  tick: Tick;
  /** Ring of kept frames, indexed by tick % PREDICTION_WINDOW. */
  readonly frames: (Frame | undefined)[];
  /** Visual offset (blocks) to add to the drawn position; decays towards zero. */
  readonly offset: [number, number, number];
  /** The newest authoritative tick received. */
  authTick: Tick;
  /** Reconciliations so far. */
  reconciliations: number;
}

/** Creates a predictor starting from `body` (copied). */
export function createPredictor(body: Body): Predictor {
  return { body: { ...body }, tick: -1, frames: new Array(PREDICTION_WINDOW), offset: [0, 0, 0], authTick: -1, reconciliations: 0 };
}

/** Predicts one tick: applies `input` (for tick `input.tick`) and keeps it. */
export function predict(p: Predictor, world: VoxelWorld, input: PlayerInput): void {
  stepBody(world, p.body, input);
  p.tick = input.tick;
  p.frames[input.tick % PREDICTION_WINDOW] = { tick: input.tick, input, body: { ...p.body } };
}

function frameAt(p: Predictor, tick: Tick): Frame | undefined {
  const f = p.frames[((tick % PREDICTION_WINDOW) + PREDICTION_WINDOW) % PREDICTION_WINDOW];
  return f && f.tick === tick ? f : undefined;
}

/**
 * Takes the server's body after tick `tick`. Returns a {@link ReconciliationEvent} when the prediction was wrong
 * (the predictor then rewound and replayed), else null. Stale or out-of-window states are ignored.
 */
export function reconcile(p: Predictor, world: VoxelWorld, tick: Tick, auth: Body): ReconciliationEvent | null {
  if (tick <= p.authTick) return null;
  p.authTick = tick;
  const predicted = frameAt(p, tick);
  if (!predicted) {
    // No prediction for that tick (far behind or ahead): adopt the server's body if it is newer than ours.
    if (tick >= p.tick) { p.body = { ...auth }; p.tick = tick; }
    return null;
  }
  const b = predicted.body;
  const dx = auth.x - b.x, dy = auth.y - b.y, dz = auth.z - b.z;
  const err = Math.sqrt(dx * dx + dy * dy + dz * dz);
  const velocityOff = auth.vx !== b.vx || auth.vy !== b.vy || auth.vz !== b.vz || auth.onGround !== b.onGround;
  if (err <= RECONCILE_THRESHOLD && !velocityOff) return null;

  const before = p.body;
  const body: Body = { ...auth };
  predicted.body = { ...auth };
  let replayed = 0;
  for (let t = tick + 1; t <= p.tick; t++) {
    const f = frameAt(p, t);
    if (!f) break;
    stepBody(world, body, f.input);
    f.body = { ...body };
    replayed++;
  }
  p.body = body;
  p.offset[0] += before.x - body.x;
  p.offset[1] += before.y - body.y;
  p.offset[2] += before.z - body.z;
  p.reconciliations++;
  return { tick, errorBlocks: err, errorMs: (err / WALK_SPEED) * 1000, replayed };
}

/**
 * Decays the visual offset for a frame of `frameMs` milliseconds (half-life 100 ms); snaps to zero when tiny.
 * Rendering only; the simulation never reads the offset.
 */
export function decayOffset(p: Predictor, frameMs: number): void {
  const k = Math.pow(0.5, frameMs / 100);
  for (let i = 0; i < 3; i++) {
    p.offset[i] *= k;
    if (Math.abs(p.offset[i]) < 1e-4) p.offset[i] = 0;
  }
}
