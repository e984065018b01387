/**
 * A small user game on the engine's public pieces: the example Mana component in a protocol definition, a
 * regeneration system that uses the tick's seeded rng, and the example UseItem message plus a server -> client
 * ManaReport. Used by the schedule, hook, message and headless-determinism tests.
 */
import { addComponent, hasComponent } from 'bitecs';
import { storeOf } from '../../engine/ecs/world.ts';
import { BUILTIN_COMPONENTS, replicated } from '../../engine/protocol/component-spec.ts';
import { defineProtocol } from '../../engine/protocol/define.ts';
import { defineMessage } from '../../engine/protocol/user-messages.ts';
import type { System } from '../../engine/sim/schedule.ts';
import { Button } from '../../engine/input.ts';
import { Mana, UseItem } from './protocol-examples.ts';

/** Server -> client on the Chat stream: the player's mana, and a note. */
export const ManaReport = defineMessage({ id: 300, name: 'ManaReport', from: 'server', channel: 'Chat', fields: [['current', 'f64'], ['note', { str: 32 }]] });

/** A client -> server datagram (Input channel). */
export const Wave = defineMessage({ id: 129, name: 'Wave', from: 'client', channel: 'Input', fields: [['times', 'u8']] });

/** The definition: the engine's defaults plus Mana (id 32) and the three messages. */
export const MANA_PROTOCOL = defineProtocol({
  components: [...BUILTIN_COMPONENTS, replicated(32, Mana, { to: 'owner' })],
  messages: [UseItem, Wave, ManaReport],
});

/** Most mana a player has. */
export const MANA_MAX = 100;

/**
 * Gives every player Mana (full at 50) and regenerates it each tick by 0.25, plus a surge of 1..4 on one tick in
 * eight, drawn from `ctx.rng` (so the seed changes the outcome).
 */
export const manaRegen: System = {
  name: 'mana-regen',
  phase: 'rules',
  after: ['block-interactions'],
  run(world, ctx) {
    const mana = storeOf(world.ecs, Mana);
    for (const eid of ctx.players) {
      if (!hasComponent(world.ecs, eid, mana)) {
        addComponent(world.ecs, eid, mana);
        mana.max[eid] = MANA_MAX;
        mana.current[eid] = 50;
      }
      const surge = ctx.rng.chance(1 / 8) ? ctx.rng.int(1, 4) : 0;
      mana.current[eid] = Math.min(mana.max[eid], Math.fround(mana.current[eid] + 0.25 + surge));
    }
  },
};

/** Takes 10 mana per tick from a player holding jump: shows systems reading inputs. */
export const manaSpend: System = {
  name: 'mana-spend',
  phase: 'rules',
  after: ['mana-regen'],
  run(world, ctx) {
    const mana = storeOf(world.ecs, Mana);
    for (const eid of ctx.players) {
      if (ctx.inputs.get(eid) && hasComponent(world.ecs, eid, mana) && world.ecs.stores.Player.buttons[eid] & Button.Jump) {
        mana.current[eid] = Math.max(0, mana.current[eid] - 10);
      }
    }
  },
};

/** The game's systems. */
export const MANA_SYSTEMS: readonly System[] = [manaRegen, manaSpend];
