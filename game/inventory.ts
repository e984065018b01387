/**
 * The game's inventory and crafting, written on the public API: 27 main slots (the Backpack component) beside the
 * engine's 9-slot hotbar (Inventory), the game's non-block items and recipes (protocol definition sections `items`
 * and `recipes`), and two predicted actions, MoveItem and Craft. Slot numbers: 0..8 the hotbar, 9..35 the backpack.
 * Everything here is deterministic and runs alike on the server and in the client's prediction.
 */
import { addComponent, hasComponent } from 'bitecs';
import {
  Block, CRAFT_GRID, HOTBAR_SLOTS, Inventory, STACK_LIMIT, defineAction, defineComponent, matchRecipe, storeOf, syncHeldItem, type EcsWorld, type GameWorld, type ItemDef, type Kit, type RecipeDef, type System,
} from '../engine/index.ts';

/** Main (non-hotbar) inventory slots. */
export const BACKPACK_SLOTS = 27;
/** Every slot of a player: the hotbar's then the backpack's. */
export const INVENTORY_SLOTS = HOTBAR_SLOTS + BACKPACK_SLOTS;
/** A crafting grid cell left empty (in {@link Craft}'s payload). */
export const EMPTY_CELL = 255;

/** The 27 main slots; slot i of entity eid is at index eid * BACKPACK_SLOTS + i (game slot HOTBAR_SLOTS + i). */
export const Backpack = defineComponent({
  name: 'Backpack',
  doc: 'The 27 main inventory slots beside the hotbar; slot i of entity eid is at index eid * BACKPACK_SLOTS + i.',
  fields: {
    item: { kind: 'u16', doc: 'Item id in the slot (a block id or a game item id); 0 = empty.', length: BACKPACK_SLOTS },
    count: { kind: 'u8', doc: 'Items in the slot, 0..the stack size; 0 = empty.', length: BACKPACK_SLOTS },
  },
});

/** The game's non-block item ids (blocks are items with their block id). */
export const Item = {
  /** Made from planks; ingredient of tools to come. */
  Stick: 256,
} as const;

/** The game's non-block items. */
export const GAME_ITEMS: readonly ItemDef[] = [{ id: Item.Stick, name: 'stick', stack: 64 }];

/** The game's recipes (2x2 grid, row-major). */
export const GAME_RECIPES: readonly RecipeDef[] = [
  { id: 1, name: 'planks', shape: 'shapeless', pattern: [Block.Wood, 0, 0, 0], output: Block.Planks, count: 4 },
  { id: 2, name: 'sticks', shape: 'shaped', pattern: [Block.Planks, 0, Block.Planks, 0], output: Item.Stick, count: 4 },
];

/** Stack size of an item: the declared one for game items, {@link STACK_LIMIT} for blocks. */
export function stackSize(item: number): number {
  return GAME_ITEMS.find((i) => i.id === item)?.stack ?? STACK_LIMIT;
}

/** The game's starting hotbar: building blocks, wood to craft from (slot 5) and torches (slot 8, the last). */
export const GAME_KIT: Kit = [
  [0, Block.Planks, 64], [1, Block.Cobblestone, 64], [2, Block.Glass, 64], [3, Block.Stone, 64], [4, Block.Dirt, 64], [5, Block.Wood, 16],
  [8, Block.Torch, 16],
];

/** A view of one player's 36 slots over the two stores. */
interface Slots {
  item(s: number): number;
  count(s: number): number;
  set(s: number, item: number, count: number): void;
}

function slotsOf(ecs: EcsWorld, eid: number): Slots {
  const inv = ecs.stores.Inventory, bag = storeOf(ecs, Backpack);
  const at = (s: number): [{ item: { [i: number]: number }; count: { [i: number]: number } }, number] =>
    s < HOTBAR_SLOTS ? [inv, eid * HOTBAR_SLOTS + s] : [bag, eid * BACKPACK_SLOTS + s - HOTBAR_SLOTS];
  return {
    item: (s) => { const [st, i] = at(s); return st.item[i]; },
    count: (s) => { const [st, i] = at(s); return st.count[i]; },
    set: (s, item, count) => { const [st, i] = at(s); st.item[i] = count ? item : 0; st.count[i] = count; },
  };
}

const validSlot = (s: number): boolean => Number.isInteger(s) && s >= 0 && s < INVENTORY_SLOTS;

/** Gives entity `eid` the Backpack component (empty) if it has none. */
export function ensureBackpack(world: GameWorld, eid: number): void {
  const bag = storeOf(world.ecs, Backpack);
  if (hasComponent(world.ecs, eid, bag)) return;
  addComponent(world.ecs, eid, bag);
  bag.item.fill(0, eid * BACKPACK_SLOTS, (eid + 1) * BACKPACK_SLOTS);
  bag.count.fill(0, eid * BACKPACK_SLOTS, (eid + 1) * BACKPACK_SLOTS);
}

/** Gives every player a Backpack when first seen (players a server spawns without the join hook, tests). */
export const backpacks: System = {
  name: 'backpacks',
  phase: 'rules',
  run(world, ctx) { for (const eid of ctx.players) ensureBackpack(world, eid); },
};

/** Room for `count` of `item` in `slots` (stacks of it, then empty slots). */
function roomFor(slots: Slots, item: number, count: number): boolean {
  const max = stackSize(item);
  let room = 0;
  for (let s = 0; s < INVENTORY_SLOTS && room < count; s++) {
    if (slots.count(s) === 0) room += max;
    else if (slots.item(s) === item) room += Math.max(0, max - slots.count(s));
  }
  return room >= count;
}

function addTo(slots: Slots, item: number, count: number): void {
  const max = stackSize(item);
  let left = count;
  for (let s = 0; s < INVENTORY_SLOTS && left > 0; s++) {
    if (slots.count(s) > 0 && slots.item(s) === item && slots.count(s) < max) {
      const n = Math.min(left, max - slots.count(s));
      slots.set(s, item, slots.count(s) + n);
      left -= n;
    }
  }
  for (let s = 0; s < INVENTORY_SLOTS && left > 0; s++) {
    if (slots.count(s) === 0) {
      const n = Math.min(left, max);
      slots.set(s, item, n);
      left -= n;
    }
  }
}

/**
 * Adds `count` (default 1) of `item` to player `eid`: onto stacks of it, then into empty slots, hotbar first. All
 * or nothing: false, changing nothing, when they do not all fit. (Item pick-ups.)
 */
export function giveItems(world: GameWorld, eid: number, item: number, count = 1): boolean {
  if (!Number.isInteger(item) || item < 1 || item > 65535) throw new RangeError(`item must be an id in 1..65535, got ${item}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const slots = slotsOf(world.ecs, eid);
  if (!roomFor(slots, item, count)) return false;
  addTo(slots, item, count);
  syncHeldItem(world.ecs.stores, eid);
  return true;
}

/** Player `eid`'s 36 slots as [item, count] pairs (0..8 the hotbar, 9..35 the backpack). */
export function inventoryOf(world: GameWorld, eid: number): [item: number, count: number][] {
  const slots = slotsOf(world.ecs, eid);
  return Array.from({ length: INVENTORY_SLOTS }, (_, s) => [slots.item(s), slots.count(s)] as [number, number]);
}

/** Sets player `eid`'s 36 slots from `items` (as {@link inventoryOf} gives them) and its selected slot. Throws RangeError on bad input. */
export function setInventory(world: GameWorld, eid: number, items: readonly (readonly [number, number])[], selected = 0): void {
  if (!Array.isArray(items) || items.length !== INVENTORY_SLOTS) throw new RangeError(`an inventory has ${INVENTORY_SLOTS} slots, got ${Array.isArray(items) ? items.length : typeof items}`);
  items.forEach(([item, count], s) => {
    if (!Number.isInteger(item) || item < 0 || item > 65535) throw new RangeError(`slot ${s}: item must be an id in 0..65535, got ${item}`);
    if (!Number.isInteger(count) || count < 0 || count > STACK_LIMIT) throw new RangeError(`slot ${s}: count must be in 0..${STACK_LIMIT}, got ${count}`);
  });
  if (!Number.isInteger(selected) || selected < 0 || selected >= HOTBAR_SLOTS) throw new RangeError(`selected slot must be in 0..${HOTBAR_SLOTS - 1}, got ${selected}`);
  ensureBackpack(world, eid);
  const slots = slotsOf(world.ecs, eid);
  items.forEach(([item, count], s) => slots.set(s, item, count));
  world.ecs.stores.Inventory.selected[eid] = selected;
  syncHeldItem(world.ecs.stores, eid);
}

/**
 * Moves `count` items (0 = the whole stack) from slot `from` to slot `to` (0..35): onto an empty slot or a stack of
 * the same item (as many as fit); a whole stack onto another item swaps them. Refusals: `bad-slot`, `empty-slot`,
 * `bad-count` (more than the slot holds), `no-room` (a partial move onto another item or a full stack).
 */
export const MoveItem = defineAction({
  id: 30, name: 'MoveItem', fields: [['from', 'u8'], ['to', 'u8'], ['count', 'u8']], writes: [Inventory, Backpack],
  apply(world, eid, { from, to, count }) {
    if (!validSlot(from) || !validSlot(to) || from === to) return { ok: false, reason: 'bad-slot' };
    const slots = slotsOf(world.ecs, eid);
    const item = slots.item(from), have = slots.count(from);
    if (have === 0) return { ok: false, reason: 'empty-slot' };
    const n = count === 0 ? have : count;
    if (n > have) return { ok: false, reason: 'bad-count' };
    const there = slots.item(to), thereCount = slots.count(to);
    if (thereCount === 0 || there === item) {
      const moved = Math.min(n, stackSize(item) - thereCount);
      if (moved <= 0) return { ok: false, reason: 'no-room' };
      slots.set(to, item, thereCount + moved);
      slots.set(from, item, have - moved);
    } else {
      if (n !== have) return { ok: false, reason: 'no-room' };
      slots.set(to, item, have);
      slots.set(from, there, thereCount);
    }
    syncHeldItem(world.ecs.stores, eid);
    return { ok: true };
  },
});

/**
 * Crafts once from the 2x2 grid: each cell names the slot (0..35) its item comes from, or {@link EMPTY_CELL}; one item
 * is taken per cell. Refusals, changing nothing: `bad-slot`, `missing-items` (a cell's slot is empty or holds too few
 * for the cells that name it), `unknown-recipe` (the grid's items make nothing), `no-room` (the output does not fit
 * once the inputs are taken).
 */
export const Craft = defineAction({
  id: 31, name: 'Craft', fields: [['c0', 'u8'], ['c1', 'u8'], ['c2', 'u8'], ['c3', 'u8']], writes: [Inventory, Backpack],
  apply(world, eid, { c0, c1, c2, c3 }) {
    const cells = [c0, c1, c2, c3];
    if (cells.some((c) => c !== EMPTY_CELL && !validSlot(c))) return { ok: false, reason: 'bad-slot' };
    const slots = slotsOf(world.ecs, eid);
    const grid = cells.map((c) => (c === EMPTY_CELL ? 0 : slots.item(c)));
    const need = new Map<number, number>();
    for (const c of cells) if (c !== EMPTY_CELL) need.set(c, (need.get(c) ?? 0) + 1);
    for (const [s, n] of need) if (slots.count(s) < n) return { ok: false, reason: 'missing-items' };
    const recipe = matchRecipe(GAME_RECIPES, grid);
    if (!recipe) return { ok: false, reason: 'unknown-recipe' };
    const before = [...need.keys()].map((s) => [s, slots.item(s), slots.count(s)] as const);
    for (const [s, n] of need) slots.set(s, slots.item(s), slots.count(s) - n);
    if (!roomFor(slots, recipe.output, recipe.count)) {
      for (const [s, item, count] of before) slots.set(s, item, count);
      return { ok: false, reason: 'no-room' };
    }
    addTo(slots, recipe.output, recipe.count);
    syncHeldItem(world.ecs.stores, eid);
    return { ok: true };
  },
});

/** How many cells the crafting grid has. */
export const GRID_CELLS = CRAFT_GRID;
