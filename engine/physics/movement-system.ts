/** The movement system: steps every player body through the character controller, reading and writing the stores. */
import type { EngineStores } from '../ecs/world.ts';
import type { VoxelWorld } from '../voxel/voxel-world.ts';
import { stepBody, type Body } from './controller.ts';

const body: Body = { x: 0, y: 0, z: 0, vx: 0, vy: 0, vz: 0, onGround: false };

/** Loads entity `eid`'s body from the stores into `out`. */
export function readBody(stores: EngineStores, eid: number, out: Body): Body {
  const t = stores.Transform, v = stores.Velocity;
  out.x = t.x[eid]; out.y = t.y[eid]; out.z = t.z[eid];
  out.vx = v.x[eid]; out.vy = v.y[eid]; out.vz = v.z[eid];
  out.onGround = stores.Player.onGround[eid] === 1;
  return out;
}

/** Stores `b` as entity `eid`'s body. */
export function writeBody(stores: EngineStores, eid: number, b: Body): void {
  const t = stores.Transform, v = stores.Velocity;
  t.x[eid] = b.x; t.y[eid] = b.y; t.z[eid] = b.z;
  v.x[eid] = b.vx; v.y[eid] = b.vy; v.z[eid] = b.vz;
  stores.Player.onGround[eid] = b.onGround ? 1 : 0;
}

/**
 * Moves the given players one tick using their applied buttons and yaw. Bodies do not push each other, so the
 * order does not change the result.
 */
export function movePlayers(stores: EngineStores, voxels: VoxelWorld, eids: ArrayLike<number>): void {
  for (let i = 0; i < eids.length; i++) {
    const eid = eids[i];
    readBody(stores, eid, body);
    stepBody(voxels, body, { buttons: stores.Player.buttons[eid], yaw: stores.Transform.yaw[eid] });
    writeBody(stores, eid, body);
  }
}
