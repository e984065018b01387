/**
 * The engine's built-in systems, registered exactly as a user's are (schedule.ts), and `stepWorld`, which runs a
 * schedule for one tick. The built-ins are the schedule of docs/architecture.md ("One server tick"): apply inputs
 * (input) -> movement physics (physics) -> block interactions -> inventory -> a game's actions (rules). A player with
 * no input this tick keeps its last buttons and facing.
 */
import { BUTTON_MASK, PITCH_LIMIT, type PlayerInput, wrapYaw } from '../input.ts';
import { movePlayers } from '../physics/movement-system.ts';
import { applyInventoryOp } from '../rules/inventory.ts';
import { applyBlockAction } from '../rules/interactions.ts';
import { refuse } from '../rules/result.ts';
import type { ActionDef } from '../protocol/define.ts';
import type { GameWorld } from './game-world.ts';
import { userActionsSystem } from './user-actions-system.ts';
import { createSchedule, runSchedule, type Schedule, type System } from './schedule.ts';

/** Copies each player's input (buttons, facing, tick) into its components, clamped: inputs come from the network. */
export const applyInputsSystem: System = {
  name: 'apply-inputs',
  phase: 'input',
  predicted: true,
  run({ ecs }, { inputs, players }) {
    const s = ecs.stores;
    for (const eid of players) {
      const input = inputs.get(eid);
      if (!input) continue;
      s.Player.buttons[eid] = input.buttons & BUTTON_MASK;
      s.Transform.yaw[eid] = wrapYaw(input.yaw | 0);
      s.Transform.pitch[eid] = Math.max(-PITCH_LIMIT, Math.min(PITCH_LIMIT, input.pitch | 0));
      s.Player.lastInputTick[eid] = input.tick;
    }
  },
};

/** Moves every player through the shared character controller. */
export const movementSystem: System = {
  name: 'movement',
  phase: 'physics',
  predicted: true,
  run({ ecs, voxels }, { players }) {
    movePlayers(ecs.stores, voxels, players);
  },
};

/** Applies each player's block action (break or place); emits BlockChanged or ActionRefused. */
export const blockInteractionsSystem: System = {
  name: 'block-interactions',
  phase: 'rules',
  run(world, { inputs, players, tick }) {
    const { ecs, voxels, events } = world;
    for (const eid of players) {
      const action = inputs.get(eid)?.block;
      if (!action) continue;
      const r = world.editable && !world.editable(action.x, action.z)
        ? refuse('read-only', `block (${action.x}, ${action.y}, ${action.z}) is in a region another server owns`)
        : applyBlockAction(ecs, voxels, eid, action);
      if (r.ok) {
        ecs.stores.Player.edits[eid]++;
        events.emit('BlockChanged', { tick, ...r.edit, by: eid });
      } else {
        events.emit('ActionRefused', { tick, eid, action: 'block', reason: r.reason, message: r.message });
      }
    }
  },
};

/** Applies each player's hotbar operation; emits ActionRefused when the rules say no. */
export const inventorySystem: System = {
  name: 'inventory',
  phase: 'rules',
  after: ['block-interactions'],
  run({ ecs, events }, { inputs, players, tick }) {
    for (const eid of players) {
      const op = inputs.get(eid)?.inventory;
      if (!op) continue;
      const r = applyInventoryOp(ecs.stores, eid, op);
      if (!r.ok) events.emit('ActionRefused', { tick, eid, action: 'inventory', reason: r.reason, message: r.message });
    }
  },
};

/** The engine's systems, in no particular order (the schedule orders them). */
export const BUILTIN_SYSTEMS: readonly System[] = Object.freeze([applyInputsSystem, movementSystem, blockInteractionsSystem, inventorySystem]);

/** The built-in systems alone, scheduled. */
export const BUILTIN_SCHEDULE: Schedule = createSchedule(BUILTIN_SYSTEMS);

/**
 * The built-in systems plus a game's own, scheduled together (user systems may name built-ins in before/after); with
 * a definition's `actions` that declare game actions, also the `user-actions` system that runs them.
 */
export function gameSchedule(systems: readonly System[] = [], actions: readonly ActionDef[] = []): Schedule {
  const acts = actions.some((a) => a.apply) ? [userActionsSystem(actions)] : [];
  return systems.length || acts.length ? createSchedule([...BUILTIN_SYSTEMS, ...acts, ...systems]) : BUILTIN_SCHEDULE;
}

/** Runs one tick of `schedule` (default: the built-ins) with `inputs` (by entity id) and advances `world.tick`. */
export function stepWorld(world: GameWorld, inputs: ReadonlyMap<number, PlayerInput>, schedule: Schedule = BUILTIN_SCHEDULE): void {
  runSchedule(schedule, world, inputs);
}
