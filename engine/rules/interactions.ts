/**
 * Block interactions: break and place, checked against reach (by raycast from the eye), the world's bounds, the
 * bodies of players, and the hotbar. A refused action changes nothing and says why.
 */
import type { EcsWorld } from '../ecs/world.ts';
import { BlockActionKind, type BlockAction } from '../input.ts';
import { BODY_HEIGHT, EYE_HEIGHT, HALF_WIDTH } from '../physics/controller.ts';
import { BlockFlag } from '../voxel/blocks.ts';
import { FACE_NORMALS, raycast } from '../voxel/raycast.ts';
import { getBlock, isLoaded, setBlock, type VoxelWorld } from '../voxel/voxel-world.ts';
import { giveItem, selectedItem, takeSelected } from './inventory.ts';
import { refuse, type Refusal, type RuleResult } from './result.ts';
import { query } from 'bitecs';

/** Farthest a player can reach, from the eye to the nearest point of the target block, in blocks. */
export const REACH = 5;

/** A block edit that was applied. */
export interface BlockEdit {
  /** Block x. */
  x: number;
  /** Block y. */
  y: number;
  /** Block z. */
  z: number;
  /** The new block id. */
  block: number;
  /** The block id before. */
  prev: number;
}

/** The outcome of a block action. */
export type InteractionResult = { ok: true; edit: BlockEdit } | Refusal;

function distanceToBlock(px: number, py: number, pz: number, x: number, y: number, z: number): number {
  const dx = Math.max(x - px, 0, px - (x + 1));
  const dy = Math.max(y - py, 0, py - (y + 1));
  const dz = Math.max(z - pz, 0, pz - (z + 1));
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

/** Checks reach and line of sight from the eye of `eid` to `face` of block (x, y, z). */
function checkReach(ecs: EcsWorld, voxels: VoxelWorld, eid: number, a: BlockAction): RuleResult {
  const t = ecs.stores.Transform;
  const ex = t.x[eid], ey = t.y[eid] + EYE_HEIGHT, ez = t.z[eid];
  const d = distanceToBlock(ex, ey, ez, a.x, a.y, a.z);
  if (d > REACH) return refuse('out-of-reach', `block (${a.x}, ${a.y}, ${a.z}) is ${d.toFixed(2)} blocks away; reach is ${REACH}`);
  const [nx, ny, nz] = FACE_NORMALS[a.face];
  // Aim at the centre of the named face; the first targetable block on the way must be the target.
  const fx = a.x + 0.5 + nx * 0.5, fy = a.y + 0.5 + ny * 0.5, fz = a.z + 0.5 + nz * 0.5;
  const hit = raycast(voxels, ex, ey, ez, fx - ex, fy - ey, fz - ez, REACH + 1);
  if (hit && (hit.x !== a.x || hit.y !== a.y || hit.z !== a.z)) {
    return refuse('obstructed', `block (${hit.x}, ${hit.y}, ${hit.z}) is in the way of (${a.x}, ${a.y}, ${a.z})`);
  }
  return { ok: true };
}

function overlapsPlayer(ecs: EcsWorld, x: number, y: number, z: number): number {
  const t = ecs.stores.Transform;
  for (const e of query(ecs, [ecs.stores.Player, ecs.stores.Transform])) {
    if (t.x[e] + HALF_WIDTH > x && t.x[e] - HALF_WIDTH < x + 1 &&
        t.y[e] + BODY_HEIGHT > y && t.y[e] < y + 1 &&
        t.z[e] + HALF_WIDTH > z && t.z[e] - HALF_WIDTH < z + 1) return e;
  }
  return 0;
}

/** Validates and applies a break or place by player `eid`. */
export function applyBlockAction(ecs: EcsWorld, voxels: VoxelWorld, eid: number, a: BlockAction): InteractionResult {
  const flags = voxels.blocks.flags;
  const where = `(${a.x}, ${a.y}, ${a.z})`;
  if (![a.x, a.y, a.z].every(Number.isInteger)) return refuse('bad-target', `target ${where} is not integer block coordinates`);
  if (!(Number.isInteger(a.face) && a.face >= 0 && a.face < 6)) return refuse('bad-face', `face ${a.face} is outside 0..5`);
  if (!isLoaded(voxels, a.x, a.y, a.z)) return refuse('outside-world', `target ${where} is outside the world`);
  const target = getBlock(voxels, a.x, a.y, a.z);
  if (!(flags[target] & BlockFlag.Targetable)) return refuse('nothing-there', `nothing to target at ${where}`);

  if (a.kind === BlockActionKind.Break) {
    if (!(flags[target] & BlockFlag.Breakable)) return refuse('unbreakable', `block ${target} at ${where} cannot be broken`);
    const reach = checkReach(ecs, voxels, eid, a);
    if (!reach.ok) return reach;
    const prev = setBlock(voxels, a.x, a.y, a.z, 0);
    giveItem(ecs.stores, eid, prev);
    return { ok: true, edit: { x: a.x, y: a.y, z: a.z, block: 0, prev } };
  }
  if (a.kind === BlockActionKind.Place) {
    const [nx, ny, nz] = FACE_NORMALS[a.face];
    const x = a.x + nx, y = a.y + ny, z = a.z + nz;
    const at = `(${x}, ${y}, ${z})`;
    if (!isLoaded(voxels, x, y, z)) return refuse('outside-world', `placing at ${at} is outside the world`);
    const there = getBlock(voxels, x, y, z);
    if (there !== 0 && !(flags[there] & BlockFlag.Liquid)) return refuse('occupied', `${at} already holds block ${there}`);
    const { item, count } = selectedItem(ecs.stores, eid);
    if (count === 0 || item === 0) return refuse('empty-slot', 'the selected hotbar slot is empty');
    if (!voxels.blocks.defs[item] || !(flags[item] & BlockFlag.Solid)) return refuse('not-placeable', `item ${item} is not a placeable block`);
    const inside = overlapsPlayer(ecs, x, y, z);
    if (inside) return refuse('into-player', `${at} is inside player entity ${inside}`);
    const reach = checkReach(ecs, voxels, eid, a);
    if (!reach.ok) return reach;
    const prev = setBlock(voxels, x, y, z, item);
    takeSelected(ecs.stores, eid);
    return { ok: true, edit: { x, y, z, block: item, prev } };
  }
  return refuse('bad-action', `unknown block action kind ${String(a.kind)}`);
}
