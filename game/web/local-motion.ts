/**
 * Smooth drawing of the locally predicted player between 20 Hz ticks: the body before the newest tick is kept,
 * and a frame draws the point between it and the newest body by the time elapsed since that tick (one tick of
 * visual delay, no extrapolation).
 */

/** Position of a body, blocks. */
export interface Position {
  /** x, blocks. */
  x: number;
  /** y, blocks. */
  y: number;
  /** z, blocks. */
  z: number;
}

/** The body before the newest predicted tick and when that tick ran. */
export interface LocalMotion {
  /** Position before the newest tick (null before the first). */
  prev: Position | null;
  /** Clock time of the newest tick, ms. */
  at: number;
}

/** Creates an empty record. */
export function createLocalMotion(): LocalMotion {
  return { prev: null, at: 0 };
}

/** Call just before a tick is predicted, with the body as it stands. */
export function noteTick(m: LocalMotion, body: Position, nowMs: number): void {
  m.prev = { x: body.x, y: body.y, z: body.z };
  m.at = nowMs;
}

/** Where to draw `body` at `nowMs`: between the kept position and `body`, by elapsed time over `tickMs`. */
export function smoothedPosition(m: LocalMotion, body: Position, nowMs: number, tickMs: number): [number, number, number] {
  if (!m.prev) return [body.x, body.y, body.z];
  const a = Math.max(0, Math.min(1, (nowMs - m.at) / tickMs));
  // A jump of several blocks (respawn, rewind) is drawn at once rather than swept.
  const dx = body.x - m.prev.x, dy = body.y - m.prev.y, dz = body.z - m.prev.z;
  if (dx * dx + dy * dy + dz * dz > 16) return [body.x, body.y, body.z];
  return [m.prev.x + dx * a, m.prev.y + dy * a, m.prev.z + dz * a];
}
