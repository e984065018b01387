/** Reading an entity's replicated state out of the component stores, quantized for the wire. */
import { HOTBAR_SLOTS } from '../ecs/components.ts';
import type { EngineStores } from '../ecs/world.ts';
import { EntityFlag, type EntityState } from '../codec/entity-delta.ts';
import { quantizePitch, quantizePosition, quantizeVelocity, quantizeYaw } from '../codec/quantize.ts';

/** The replicated state of entity `eid` (a player: position, facing, velocity, health, held item, flags). */
export function entityStateOf(stores: EngineStores, eid: number): EntityState {
  const t = stores.Transform, v = stores.Velocity;
  const slot = eid * HOTBAR_SLOTS + stores.Inventory.selected[eid];
  return {
    id: stores.NetworkId.id[eid],
    x: quantizePosition(t.x[eid]), y: quantizePosition(t.y[eid]), z: quantizePosition(t.z[eid]),
    yaw: quantizeYaw(t.yaw[eid]), pitch: quantizePitch(t.pitch[eid]),
    vx: quantizeVelocity(v.x[eid]), vy: quantizeVelocity(v.y[eid]), vz: quantizeVelocity(v.z[eid]),
    health: stores.Health.current[eid],
    item: stores.Inventory.item[slot],
    flags: stores.Player.onGround[eid] ? EntityFlag.OnGround : 0,
  };
}
