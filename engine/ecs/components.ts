/**
 * The engine's components. Positions are in blocks (1 block = 1 metre), angles in quantized steps
 * (see engine/input.ts), so that server and client compute the same thing from the same bits.
 */
import { defineComponent } from './schema.ts';

/** Hotbar slots per player. */
export const HOTBAR_SLOTS = 9;

/** Where an entity is and where it faces. */
export const Transform = defineComponent({
  name: 'Transform',
  doc: 'Position of the feet (bottom centre of the bounding box) and facing.',
  fields: {
    x: { kind: 'f32', doc: 'Position in blocks, x axis. Float32, world space.' },
    y: { kind: 'f32', doc: 'Position in blocks, y axis (up), at the feet. Float32, world space.' },
    z: { kind: 'f32', doc: 'Position in blocks, z axis. Float32, world space.' },
    yaw: { kind: 'u16', doc: 'Facing, yaw steps in [0, YAW_STEPS); 0 faces +z.' },
    pitch: { kind: 'i16', doc: 'Look pitch, steps in [-PITCH_LIMIT, PITCH_LIMIT]; positive looks up.' },
  },
});

/** Linear velocity. */
export const Velocity = defineComponent({
  name: 'Velocity',
  doc: 'Velocity in blocks per second.',
  fields: {
    x: { kind: 'f32', doc: 'Blocks per second along x.' },
    y: { kind: 'f32', doc: 'Blocks per second along y (up).' },
    z: { kind: 'f32', doc: 'Blocks per second along z.' },
  },
});

/** A player-controlled character. */
export const Player = defineComponent({
  name: 'Player',
  doc: 'A character driven by player input through the shared character controller.',
  fields: {
    onGround: { kind: 'u8', doc: '1 when standing on a solid block after the last physics step, else 0.' },
    buttons: { kind: 'u8', doc: 'Button bits of the last applied input (engine/input.ts Button).' },
    lastInputTick: { kind: 'i32', doc: 'Client tick of the last applied input; -1 before the first.' },
    edits: { kind: 'u32', doc: 'Block edits accepted from this player, for rate limits and stats.' },
  },
});

/** Hit points. */
export const Health = defineComponent({
  name: 'Health',
  doc: 'Hit points; the entity is dead at 0.',
  fields: {
    current: { kind: 'u16', doc: 'Current hit points, 0..max.' },
    max: { kind: 'u16', doc: 'Maximum hit points, >= 1.' },
  },
});

/** A small inventory: the hotbar. */
export const Inventory = defineComponent({
  name: 'Inventory',
  doc: 'Hotbar of HOTBAR_SLOTS slots; slot i of entity eid is at index eid * HOTBAR_SLOTS + i.',
  fields: {
    item: { kind: 'u16', doc: 'Block id held in the slot; 0 = empty.', length: 9 },
    count: { kind: 'u8', doc: 'Items in the slot, 0..64; 0 = empty.', length: 9 },
    selected: { kind: 'u8', doc: 'Selected slot, 0..HOTBAR_SLOTS-1.' },
  },
});

/** Identity on the wire. */
export const NetworkId = defineComponent({
  name: 'NetworkId',
  doc: 'The id this entity has in network messages (stable for its lifetime, never reused while replicated).',
  fields: {
    id: { kind: 'u32', doc: 'Network id, >= 1.' },
  },
});

/** What an entity is, for replication: the protocol definition's entity kind. */
export const EntityKind = defineComponent({
  name: 'EntityKind',
  doc: 'The entity kind (protocol definition `entities`) sent in EntitySpawn; an entity replicates only with a registered kind.',
  fields: {
    kind: { kind: 'u16', doc: 'Entity kind id, 1..65535; 0 = none (not replicated).' },
  },
});

/** What others see an entity hold. */
export const HeldItem = defineComponent({
  name: 'HeldItem',
  doc: 'The item an entity holds, as everyone sees it; for a player the inventory rules keep it equal to the selected slot.',
  fields: {
    item: { kind: 'u16', doc: 'Block id held; 0 = nothing.' },
  },
});

/** Every component, in layout order. */
export const COMPONENTS = [Transform, Velocity, Player, Health, Inventory, NetworkId, EntityKind, HeldItem] as const;
