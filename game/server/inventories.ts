/**
 * Players' inventories kept across sessions and restarts, keyed by player name: stored in the server's store (SQLite,
 * the edit store's `meta` table under `inventory:<name>`, next to the block edits) when a player leaves and every
 * {@link SAVE_EVERY_TICKS} ticks while it plays (only when changed), and restored when a player of that name joins
 * (instead of the kit). Without a store (`--storage none`) they are kept in memory for the life of the process. A
 * player without a name keeps the kit and is not saved.
 */
import { HOTBAR_SLOTS, STACK_LIMIT, type GameWorld, type System } from '../../engine/index.ts';
import type { EditStore, ServerPlayer } from '../../engine/server.ts';
import { INVENTORY_SLOTS, ensureBackpack, inventoryOf, setInventory } from '../inventory.ts';

/** Ticks between saves of a playing player's changed inventory (5 s at 20 Hz). */
export const SAVE_EVERY_TICKS = 100;

/** A stored inventory: the 36 slots as [item, count] (0..8 the hotbar) and the selected hotbar slot. */
export interface SavedInventory {
  /** [item, count] per slot. */
  slots: [number, number][];
  /** Selected hotbar slot. */
  selected: number;
}

/** Parses a stored inventory; throws RangeError naming what is wrong. */
export function parseSavedInventory(text: string): SavedInventory {
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) { throw new RangeError(`stored inventory is not JSON: ${(e as Error).message}`); }
  const o = v as Partial<SavedInventory>;
  if (!o || !Array.isArray(o.slots) || o.slots.length !== INVENTORY_SLOTS) throw new RangeError(`stored inventory must have ${INVENTORY_SLOTS} slots`);
  for (const [s, pair] of o.slots.entries()) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new RangeError(`stored inventory slot ${s} must be [item, count]`);
    const [item, count] = pair;
    if (!Number.isInteger(item) || item < 0 || item > 65535) throw new RangeError(`stored inventory slot ${s}: bad item ${String(item)}`);
    if (!Number.isInteger(count) || count < 0 || count > STACK_LIMIT) throw new RangeError(`stored inventory slot ${s}: bad count ${String(count)}`);
  }
  if (!Number.isInteger(o.selected) || o.selected! < 0 || o.selected! >= HOTBAR_SLOTS) throw new RangeError(`stored inventory: selected slot must be in 0..${HOTBAR_SLOTS - 1}`);
  return { slots: o.slots as [number, number][], selected: o.selected! };
}

/** Saving and restoring inventories; wire its `join`, `leave` and `system` into the server (see {@link inventoryServerOptions}). */
export interface InventoryPersistence {
  /** The stored inventory of player `name`, or undefined. */
  load(name: string): SavedInventory | undefined;
  /** Restores player `player`'s stored inventory into `world` (a new player keeps its kit); gives it a Backpack either way. */
  join(world: GameWorld, player: ServerPlayer): void;
  /** Saves player `player`'s inventory (its entity still exists). */
  leave(world: GameWorld, player: ServerPlayer): void;
  /** Saves every playing player's changed inventory now (before the server stops and closes its store). */
  saveAll(world: GameWorld): void;
  /** Saves every playing player's inventory that changed since its last save every {@link SAVE_EVERY_TICKS} ticks. */
  readonly system: System;
}

const KEY = (name: string) => `inventory:${name}`;

/** Keeps inventories in `store` (null: in memory). `log` hears about stored inventories that could not be read. */
export function createInventoryPersistence(store: EditStore | null, log: (m: string) => void = () => {}): InventoryPersistence {
  const memory = new Map<string, string>();
  const names = new Map<number, string>(); // eid -> name of players being saved
  const last = new Map<number, string>(); // eid -> text last saved
  const read = (name: string) => (store ? store.getMeta(KEY(name)) : memory.get(name));
  const write = (name: string, text: string) => { if (store) store.setMeta(KEY(name), text); else memory.set(name, text); };
  const textOf = (world: GameWorld, eid: number) => JSON.stringify({ slots: inventoryOf(world, eid), selected: world.ecs.stores.Inventory.selected[eid] });
  const save = (world: GameWorld, eid: number) => {
    const name = names.get(eid);
    if (name === undefined) return;
    const text = textOf(world, eid);
    if (last.get(eid) === text) return;
    write(name, text);
    last.set(eid, text);
  };
  const load = (name: string) => {
    const text = read(name);
    if (text === undefined) return undefined;
    try { return parseSavedInventory(text); } catch (e) { log(`inventory of ${name} ignored: ${(e as Error).message}`); return undefined; }
  };
  return {
    load,
    join(world, player) {
      ensureBackpack(world, player.eid);
      const name = player.session.name;
      if (!name) return;
      const saved = load(name);
      if (saved) setInventory(world, player.eid, saved.slots, saved.selected);
      names.set(player.eid, name);
      last.set(player.eid, textOf(world, player.eid)); // saved only once it changes
    },
    leave(world, player) {
      save(world, player.eid);
      names.delete(player.eid);
      last.delete(player.eid);
    },
    saveAll(world) {
      for (const eid of [...names.keys()].sort((a, b) => a - b)) save(world, eid);
    },
    system: {
      name: 'save-inventories',
      phase: 'rules',
      run(world) {
        if (world.tick % SAVE_EVERY_TICKS !== 0) return;
        for (const eid of [...names.keys()].sort((a, b) => a - b)) save(world, eid);
      },
    },
  };
}
