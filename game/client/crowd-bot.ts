/**
 * A crowding builder bot, for soaks of block prediction: it stays inside a small square area with the other bots,
 * walks to random points in it, and places or breaks a block every other tick: on random cells of the area's build
 * layers, on the cell where another player stands (refused by the server as 'into-player', which the client cannot
 * predict), and often breaks a cell right after placing on it (the place-then-break pattern of the phantom block).
 * Seeded; it reads only the client's own view of the world and of the other players.
 */
import {
  dequantizePosition, BlockActionKind, Button, type BlockAction, type PlayerInput, EYE_HEIGHT, cosStep, sinStep,
  createRng, REACH, Block, getBlock, isLoaded,
} from '../../engine/index.ts';
import type { GameClient } from '../../engine/client.ts';

/** The square the bots crowd into. */
export interface CrowdArea {
  /** Smallest block x inside. */
  x0: number;
  /** Smallest block z inside. */
  z0: number;
  /** Side, blocks. */
  size: number;
  /** The first block y above the ground: the bots build in `ground` .. `ground + layers - 1`. */
  ground: number;
  /** Build layers (default 3). */
  layers?: number;
}

/** Ticks between two block actions of a bot (10 per second: the server's edit rate limit). */
export const CROWD_ACTION_EVERY = 2;

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

/** The yaw step (of 32 directions) that faces (dx, dz) best; yaw 0 faces +z, forward is (-sin, cos). */
function yawTowards(dx: number, dz: number): number {
  let best = 0, bestDot = -Infinity;
  for (let y = 0; y < 1024; y += 32) {
    const dot = -sinStep(y) * dx + cosStep(y) * dz;
    if (dot > bestDot) { bestDot = dot; best = y; }
  }
  return best;
}

/** The face of block (x, y, z) that looks most towards the eye at (ex, ey, ez) (see FACE_NORMALS). */
function faceTowards(x: number, y: number, z: number, ex: number, ey: number, ez: number): number {
  const dx = ex - (x + 0.5), dy = ey - (y + 0.5), dz = ez - (z + 0.5);
  const ax = Math.abs(dx), ay = Math.abs(dy), az = Math.abs(dz);
  if (ax >= ay && ax >= az) return dx < 0 ? 0 : 1;
  if (ay >= az) return dy < 0 ? 2 : 3;
  return dz < 0 ? 4 : 5;
}

/**
 * The input function of a crowding builder seeded with `seed`. While `acting()` is false it stands still and does
 * nothing (to let every answer and update land before views are compared).
 */
export function crowdBot(seed: number, area: CrowdArea, acting: () => boolean = () => true): (client: GameClient) => Omit<PlayerInput, 'tick'> {
  const rng = createRng(seed);
  const layers = area.layers ?? 3;
  let tx = area.x0 + area.size / 2, tz = area.z0 + area.size / 2, targetTicks = 0, yaw = 0;
  let lastPlaced: [number, number, number] | null = null;

  const inside = (x: number, z: number) => x >= area.x0 && x < area.x0 + area.size && z >= area.z0 && z < area.z0 + area.size;

  /** A place into cell (x, y, z), against a solid neighbour below or beside it, or undefined when none. */
  const placeInto = (c: GameClient, x: number, y: number, z: number): BlockAction | undefined => {
    const w = c.world.voxels;
    if (!isLoaded(w, x, y, z) || getBlock(w, x, y, z) !== Block.Air) return undefined;
    const around: [number, number, number, number][] = [[0, -1, 0, 3], [-1, 0, 0, 1], [1, 0, 0, 0], [0, 0, -1, 5], [0, 0, 1, 4]];
    for (const [dx, dy, dz, face] of around) {
      if (getBlock(w, x + dx, y + dy, z + dz) !== Block.Air) return { kind: BlockActionKind.Place, x: x + dx, y: y + dy, z: z + dz, face };
    }
    return undefined;
  };

  return (c) => {
    const body = c.predictor?.body;
    if (!body || !c.localEid) return idle();
    if (!acting()) return { ...idle(), yaw };
    const ex = body.x, ey = body.y + EYE_HEIGHT, ez = body.z;

    // Walk to a random point of the area; jump when blocked.
    if (--targetTicks <= 0 || Math.hypot(tx - body.x, tz - body.z) < 0.6 || !inside(body.x, body.z)) {
      tx = area.x0 + 0.5 + rng.next() * (area.size - 1);
      tz = area.z0 + 0.5 + rng.next() * (area.size - 1);
      targetTicks = rng.int(20, 80);
    }
    yaw = yawTowards(tx - body.x, tz - body.z);
    const walking = rng.next() < 0.7;
    let buttons = walking ? Button.Forward : 0;
    if (walking && body.onGround && Math.abs(body.vx) + Math.abs(body.vz) < 0.5) buttons |= Button.Jump;
    const input: Omit<PlayerInput, 'tick'> = { buttons, yaw, pitch: 0 };
    if (c.tick % CROWD_ACTION_EVERY !== 0) return input;

    // Pick an action: undo the last place, build where another player stands, or any cell of the build layers.
    const r = rng.next();
    let action: BlockAction | undefined;
    if (lastPlaced && r < 0.3) {
      const [x, y, z] = lastPlaced;
      action = { kind: BlockActionKind.Break, x, y, z, face: faceTowards(x, y, z, ex, ey, ez) };
      lastPlaced = null;
    } else if (r < 0.6 && c.remotes.size > 0) {
      const others = [...c.remotes.values()];
      const o = c.remoteValues(others[rng.int(0, others.length - 1)].id, 'Transform')!;
      const x = Math.floor(o.x as number), y = Math.floor(o.y as number), z = Math.floor(o.z as number);
      action = placeInto(c, x, y, z);
      if (action) lastPlaced = [x, y, z];
    } else {
      const x = area.x0 + rng.int(0, area.size - 1), y = area.ground + rng.int(0, layers - 1), z = area.z0 + rng.int(0, area.size - 1);
      if (getBlock(c.world.voxels, x, y, z) === Block.Air) {
        action = placeInto(c, x, y, z);
        if (action) lastPlaced = [x, y, z];
      } else {
        action = { kind: BlockActionKind.Break, x, y, z, face: faceTowards(x, y, z, ex, ey, ez) };
      }
    }
    // Far targets would only be refused as out of reach: skip them.
    if (action && Math.hypot(action.x + 0.5 - ex, action.y + 0.5 - ey, action.z + 0.5 - ez) > REACH + 0.5) action = undefined;
    return action ? { ...input, block: action } : input;
  };
}
