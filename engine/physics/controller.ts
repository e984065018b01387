/**
 * The character controller: the one deterministic movement step used by the server and by client prediction.
 * Walk, sprint, jump and gravity, then an axis-separated AABB sweep against solid voxels (y, then x, then z), so
 * bodies slide along walls, land exactly on surfaces, stop at ceilings and never tunnel at any speed.
 *
 * Determinism: only + - * /, Math.floor, Math.min/max/abs, Math.fround and the fixed trig table; every result
 * is rounded to float32 at the end of the step, the precision of the component stores.
 */
import { Button } from '../input.ts';
import { BlockFlag } from '../voxel/blocks.ts';
import { getBlock, type VoxelWorld } from '../voxel/voxel-world.ts';
import { TICK_SECONDS } from '../tick.ts';
import { cosStep, sinStep } from './trig.ts';

/** Half the width of a character's bounding box, in blocks. */
export const HALF_WIDTH = 0.3;
/** Height of a character's bounding box. */
export const BODY_HEIGHT = 1.8;
/** Eye height above the feet. */
export const EYE_HEIGHT = 1.62;
/** Walking speed, blocks per second. */
export const WALK_SPEED = 4.317;
/** Sprinting speed, blocks per second. */
export const SPRINT_SPEED = 5.612;
/** Downward acceleration, blocks per second squared. */
export const GRAVITY = 32;
/** Upward speed at the start of a jump; with 20 Hz steps the apex is 1.32 blocks, enough to climb one block. */
export const JUMP_SPEED = 10;
/** Fastest fall, blocks per second. */
export const TERMINAL_SPEED = 60;
/**
 * Contact tolerance in blocks. Boxes that touch a face within this distance count as touching, not overlapping.
 * Float32 positions keep it meaningful up to about 8,000 blocks from the origin.
 */
export const CONTACT_EPSILON = 1e-3;

/** The state the controller steps: feet position, velocity and ground contact. */
export interface Body {
  /** Feet x (box centre), blocks. */
  x: number;
  /** Feet y (box bottom), blocks. */
  y: number;
  /** Feet z (box centre), blocks. */
  z: number;
  /** Velocity x, blocks per second. */
  vx: number;
  /** Velocity y, blocks per second. */
  vy: number;
  /** Velocity z, blocks per second. */
  vz: number;
  /** Standing on a solid block. */
  onGround: boolean;
}

/** What the controller reads of an input. */
export interface MoveInput {
  /** engine/input.ts Button bits. */
  buttons: number;
  /** Yaw step. */
  yaw: number;
}

function solidAt(world: VoxelWorld, x: number, y: number, z: number): boolean {
  return (world.blocks.flags[getBlock(world, x, y, z)] & BlockFlag.Solid) !== 0;
}

/** True when any solid block overlaps the box (tolerance {@link CONTACT_EPSILON} on each face). */
export function boxHitsSolid(world: VoxelWorld, minX: number, minY: number, minZ: number, maxX: number, maxY: number, maxZ: number): boolean {
  const e = CONTACT_EPSILON;
  for (let y = Math.floor(minY + e); y <= Math.floor(maxY - e); y++) {
    for (let z = Math.floor(minZ + e); z <= Math.floor(maxZ - e); z++) {
      for (let x = Math.floor(minX + e); x <= Math.floor(maxX - e); x++) {
        if (solidAt(world, x, y, z)) return true;
      }
    }
  }
  return false;
}

/** True when the body's box overlaps a solid block. */
export function bodyInSolid(world: VoxelWorld, b: Pick<Body, 'x' | 'y' | 'z'>): boolean {
  return boxHitsSolid(world, b.x - HALF_WIDTH, b.y, b.z - HALF_WIDTH, b.x + HALF_WIDTH, b.y + BODY_HEIGHT, b.z + HALF_WIDTH);
}

// Axis indices for the sweep.
const AX = 0, AY = 1, AZ = 2;

/**
 * Moves the box [min, max] along one axis by `d` and returns the distance actually moved: the sweep visits every
 * block layer between the start and the end, so no speed can skip a block.
 */
function sweep(world: VoxelWorld, min: number[], max: number[], axis: number, d: number): number {
  if (d === 0) return 0;
  const e = CONTACT_EPSILON;
  const u = axis === AX ? AY : AX;
  const v = axis === AZ ? AY : AZ;
  const u0 = Math.floor(min[u] + e), u1 = Math.floor(max[u] - e);
  const v0 = Math.floor(min[v] + e), v1 = Math.floor(max[v] - e);
  const cell = [0, 0, 0];
  const layerSolid = (k: number): boolean => {
    cell[axis] = k;
    for (let a = u0; a <= u1; a++) {
      cell[u] = a;
      for (let b = v0; b <= v1; b++) {
        cell[v] = b;
        if (solidAt(world, cell[0], cell[1], cell[2])) return true;
      }
    }
    return false;
  };
  if (d > 0) {
    const end = Math.floor(max[axis] + d - e);
    for (let k = Math.floor(max[axis] - e) + 1; k <= end; k++) {
      if (layerSolid(k)) return Math.max(0, k - max[axis]);
    }
  } else {
    const end = Math.floor(min[axis] + d + e);
    for (let k = Math.floor(min[axis] + e) - 1; k >= end; k--) {
      if (layerSolid(k)) return Math.min(0, k + 1 - min[axis]);
    }
  }
  return d;
}

/** Horizontal wish velocity for an input: walk or sprint speed in the facing frame, diagonals normalised. */
export function wishVelocity(input: MoveInput): [vx: number, vz: number] {
  const b = input.buttons;
  const fwd = (b & Button.Forward ? 1 : 0) - (b & Button.Back ? 1 : 0);
  const strafe = (b & Button.Right ? 1 : 0) - (b & Button.Left ? 1 : 0);
  if (fwd === 0 && strafe === 0) return [0, 0];
  const speed = b & Button.Sprint && fwd > 0 ? SPRINT_SPEED : WALK_SPEED;
  const scale = fwd !== 0 && strafe !== 0 ? speed * Math.SQRT1_2 : speed;
  const s = sinStep(input.yaw), c = cosStep(input.yaw);
  // Facing yaw 0 is +z; forward = (-sin, cos), right = (-cos, -sin).
  return [(-s * fwd - c * strafe) * scale, (c * fwd - s * strafe) * scale];
}

/** Advances `body` by one step of `dt` seconds under `input`, in place. */
export function stepBody(world: VoxelWorld, body: Body, input: MoveInput, dt: number = TICK_SECONDS): void {
  const [wx, wz] = wishVelocity(input);
  body.vx = wx;
  body.vz = wz;
  if (body.onGround && input.buttons & Button.Jump) body.vy = JUMP_SPEED;
  body.vy = Math.max(-TERMINAL_SPEED, body.vy - GRAVITY * dt);

  const min = [body.x - HALF_WIDTH, body.y, body.z - HALF_WIDTH];
  const max = [body.x + HALF_WIDTH, body.y + BODY_HEIGHT, body.z + HALF_WIDTH];
  const move = (axis: number, d: number): number => {
    const moved = sweep(world, min, max, axis, d);
    min[axis] += moved;
    max[axis] += moved;
    return moved;
  };
  const dy = body.vy * dt;
  const movedY = move(AY, dy);
  const hitY = movedY !== dy;
  body.onGround = hitY && dy < 0;
  if (hitY) body.vy = 0;
  if (move(AX, body.vx * dt) !== body.vx * dt) body.vx = 0;
  if (move(AZ, body.vz * dt) !== body.vz * dt) body.vz = 0;

  // Positions follow the box; y is the box bottom, so a landing puts it exactly on the block top.
  body.x = Math.fround(min[AX] + HALF_WIDTH);
  body.y = Math.fround(min[AY]);
  body.z = Math.fround(min[AZ] + HALF_WIDTH);
  body.vx = Math.fround(body.vx);
  body.vy = Math.fround(body.vy);
  body.vz = Math.fround(body.vz);
}
