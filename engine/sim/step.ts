/**
 * One simulation tick, the schedule of DESIGN.md: apply inputs -> movement physics -> block interactions ->
 * inventory. Inputs are given per player entity; a player with no input this tick keeps its last buttons and facing.
 */
import { BUTTON_MASK, PITCH_LIMIT, type PlayerInput, wrapYaw } from '../input.ts';
import { movePlayers } from '../physics/movement-system.ts';
import { applyInventoryOp } from '../rules/inventory.ts';
import { applyBlockAction } from '../rules/interactions.ts';
import { sortedPlayers, type GameWorld } from './game-world.ts';

/** Runs one tick with `inputs` (by entity id) and advances `world.tick`. */
export function stepWorld(world: GameWorld, inputs: ReadonlyMap<number, PlayerInput>): void {
  const { ecs, voxels, events } = world;
  const s = ecs.stores;
  const tick = world.tick;
  const players = sortedPlayers(world);

  for (const eid of players) {
    const input = inputs.get(eid);
    if (!input) continue;
    // Inputs come from the network: clamp rather than trust.
    s.Player.buttons[eid] = input.buttons & BUTTON_MASK;
    s.Transform.yaw[eid] = wrapYaw(input.yaw | 0);
    s.Transform.pitch[eid] = Math.max(-PITCH_LIMIT, Math.min(PITCH_LIMIT, input.pitch | 0));
    s.Player.lastInputTick[eid] = input.tick;
  }

  movePlayers(s, voxels, players);

  for (const eid of players) {
    const action = inputs.get(eid)?.block;
    if (!action) continue;
    const r = applyBlockAction(ecs, voxels, eid, action);
    if (r.ok) {
      s.Player.edits[eid]++;
      events.emit('BlockChanged', { tick, ...r.edit, by: eid });
    } else {
      events.emit('ActionRefused', { tick, eid, action: 'block', reason: r.reason, message: r.message });
    }
  }

  for (const eid of players) {
    const op = inputs.get(eid)?.inventory;
    if (!op) continue;
    const r = applyInventoryOp(s, eid, op);
    if (!r.ok) events.emit('ActionRefused', { tick, eid, action: 'inventory', reason: r.reason, message: r.message });
  }

  world.tick = tick + 1;
}
